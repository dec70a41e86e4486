/**
 * Field and attribute conditions as SQL over the customers table aliased `c`. Columns come from the fixed
 * map below; every value is a parameter cast to the field's type.
 */
import { sql, type SQL } from 'drizzle-orm';
import { customers } from '@weixi/db';
import { escapeLike } from '../regions/subtrees.js';
import { addDays, tenureBoundary } from './calendar.js';
import {
  CUSTOMER_FIELD_KINDS,
  type AttributeCondition,
  type ComparisonOp,
  type CustomerField,
  type FieldCondition,
  type FieldKind,
} from './definition.js';

const c = (column: { name: string }): SQL => sql`c.${sql.identifier(column.name)}`;

type DerivedField = 'tenureMonths' | 'contractEndsInDays' | 'birthdayInDays';

const COLUMNS: Readonly<Record<Exclude<CustomerField, DerivedField>, SQL>> = {
  msisdn: c(customers.msisdn),
  name: c(customers.name),
  plan: c(customers.plan),
  paymentType: c(customers.paymentType),
  balanceCents: c(customers.balanceCents),
  creditLimitCents: c(customers.creditLimitCents),
  points: c(customers.points),
  joinedOn: c(customers.joinedOn),
  contractEndsOn: c(customers.contractEndsOn),
  device: c(customers.device),
  groupKind: c(customers.groupKind),
  isCampus: c(customers.isCampus),
  accountManager: c(customers.accountManager),
  status: c(customers.status),
  churnedOn: c(customers.churnedOn),
};

const TYPES: Readonly<Record<FieldKind['kind'], SQL>> = {
  text: sql`text`,
  number: sql`numeric`,
  date: sql`date`,
  boolean: sql`boolean`,
  enum: sql`text`,
};

/** `expr op value`, with `ne`/`notIn` as exact complements of `eq`/`in` (they match null). */
function comparison(expr: SQL, kind: FieldKind['kind'], op: ComparisonOp, value: string, values: string[]): SQL {
  // Through text: postgres.js would serialise a string bound straight to a boolean parameter as false.
  const one = sql`${value}::text::${TYPES[kind]}`;
  // Lists travel as one text[] parameter (constant SQL whatever their length); postgres.js only serialises text[].
  const list = sql`${sql.param(values)}::text[]::${TYPES[kind]}[]`;
  switch (op) {
    case 'eq': return sql`${expr} = ${one}`;
    case 'ne': return sql`${expr} is distinct from ${one}`;
    case 'lt': return sql`${expr} < ${one}`;
    case 'lte': return sql`${expr} <= ${one}`;
    case 'gt': return sql`${expr} > ${one}`;
    case 'gte': return sql`${expr} >= ${one}`;
    case 'in': return sql`${expr} = any(${list})`;
    case 'notIn': return sql`(${expr} = any(${list})) is not true`;
    case 'isNull': return sql`${expr} is null`;
    case 'isNotNull': return sql`${expr} is not null`;
    case 'startsWith': return sql`${expr} like ${`${escapeLike(value)}%`}`;
    case 'contains': return sql`${expr} like ${`%${escapeLike(value)}%`}`;
    default: throw new Error(`unknown comparison op ${JSON.stringify(op)}`);
  }
}

/**
 * An integer count of days or months derived from a date column, compared as a range on the column itself,
 * so the column's index applies and no row does date arithmetic.
 */
interface DateCount {
  column: SQL;
  atLeast(n: number): SQL;
  atMost(n: number): SQL;
}

function countComparison(f: DateCount, op: ComparisonOp, value: string, values: string[]): SQL {
  const equals = (text: string) => {
    const n = Number(text);
    return Number.isInteger(n) ? sql`(${f.atLeast(n)} and ${f.atMost(n)})` : sql`false`;
  };
  const anyOf = () => sql`(${sql.join(values.map(equals), sql` or `)})`;
  const n = Number(value);
  switch (op) {
    case 'eq': return equals(value);
    case 'ne': return sql`${equals(value)} is not true`;
    case 'gt': return f.atLeast(Math.floor(n) + 1);
    case 'gte': return f.atLeast(Math.ceil(n));
    case 'lt': return f.atMost(Math.ceil(n) - 1);
    case 'lte': return f.atMost(Math.floor(n));
    case 'in': return anyOf();
    case 'notIn': return sql`${anyOf()} is not true`;
    case 'isNull': return sql`${f.column} is null`;
    case 'isNotNull': return sql`${f.column} is not null`;
    default:
      throw new Error(`${JSON.stringify(op)} does not apply to a number of days or months`);
  }
}

/** Days from today until the next birthday (0 = today); a Feb 29 birthday falls on Feb 28 in other years. */
function birthdayInDays(today: string): SQL {
  const birthday = c(customers.birthday);
  const year = Number(today.slice(0, 4));
  // date + interval clamps Feb 29 to Feb 28 in common years.
  const inYear = (y: number) => sql`(${birthday} + make_interval(years => ${y}::int - extract(year from ${birthday})::int))::date`;
  return sql`(case when ${inYear(year)} >= ${today}::date then ${inYear(year)} else ${inYear(year + 1)} end - ${today}::date)`;
}

export function fieldPredicate(cond: FieldCondition, today: string): SQL {
  const value = cond.value ?? '';
  const values = cond.values ?? [];
  switch (cond.field) {
    case 'tenureMonths': {
      const joined = c(customers.joinedOn);
      return countComparison(
        {
          column: joined,
          atLeast: (n) => sql`${joined} <= ${tenureBoundary(today, n)}::date`,
          atMost: (n) => sql`${joined} > ${tenureBoundary(today, n + 1)}::date`,
        },
        cond.op, value, values,
      );
    }
    case 'contractEndsInDays': {
      const ends = c(customers.contractEndsOn);
      return countComparison(
        {
          column: ends,
          atLeast: (n) => sql`${ends} >= ${addDays(today, n)}::date`,
          atMost: (n) => sql`${ends} <= ${addDays(today, n)}::date`,
        },
        cond.op, value, values,
      );
    }
    case 'birthdayInDays':
      return comparison(birthdayInDays(today), 'number', cond.op, value, values);
    default: {
      if (!Object.hasOwn(COLUMNS, cond.field)) throw new Error(`unknown customer field ${JSON.stringify(cond.field)}`);
      return comparison(COLUMNS[cond.field], CUSTOMER_FIELD_KINDS[cond.field].kind, cond.op, value, values);
    }
  }
}

export function attributePredicate(cond: AttributeCondition): SQL {
  const expr = sql`(${c(customers.attributes)} ->> ${cond.key}::text)`;
  return comparison(expr, 'text', cond.op, cond.value ?? '', cond.values ?? []);
}
