/**
 * Checks a segment definition (from GraphQL or a stored jsonb) and returns it normalised: only known keys,
 * `value`/`values` only where the op takes them. Every problem is reported at once, with its path.
 */
import { inArray } from 'drizzle-orm';
import { regions, TIERS, type Db, type Tier } from '@weixi/db';
import { IssueList } from '../errors.js';
import {
  CONDITION_KINDS,
  COMPARISON_OPS,
  CUSTOMER_FIELD_KINDS,
  CUSTOMER_FIELDS,
  LIST_VALUE_OPS,
  METRIC_MEASURES,
  METRIC_OPS,
  OPS_BY_KIND,
  SEGMENT_LIMITS,
  SINGLE_VALUE_OPS,
  USAGE_METRICS,
  type ComparisonOp,
  type FieldKind,
  type MetricCondition,
  type SegmentCondition,
} from './definition.js';

type Obj = Record<string, unknown>;
interface RegionReference { path: string; code: string }

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSet = (v: unknown) => v !== undefined && v !== null;
const list = (values: readonly string[]) => values.join(', ');
const quote = (v: unknown) => JSON.stringify(v) ?? String(v);

const NUMBER = /^-?\d{1,20}(\.\d{1,20})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(text: string): boolean {
  if (!DATE.test(text) || text.startsWith('0000')) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Why `text` is not a value of `kind`, or undefined when it is. */
function valueProblem(kind: FieldKind, text: string): string | undefined {
  switch (kind.kind) {
    case 'text': return undefined;
    case 'number': return NUMBER.test(text) ? undefined : `${quote(text)} is not a number; expected digits with an optional minus sign and decimal point, such as 1200 or -3.5`;
    case 'date': return isDate(text) ? undefined : `${quote(text)} is not a date; expected YYYY-MM-DD, such as 2026-03-31`;
    case 'boolean': return text === 'true' || text === 'false' ? undefined : `${quote(text)} is not a boolean; expected true or false`;
    case 'enum': return kind.values.includes(text) ? undefined : `${quote(text)} is not accepted; expected one of: ${list(kind.values)}`;
  }
}

class DefinitionCheck {
  readonly issues = new IssueList();
  readonly regionRefs: RegionReference[] = [];
  private conditions = 0;

  constructor(private readonly root: string) {}

  /** Records an issue; returns undefined so a check can `return this.fail(...)`. */
  private fail(path: string, message: string): undefined {
    this.issues.add(path, message);
    return undefined;
  }

  private unknownKeys(obj: Obj, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.issues.add(`${path}.${key}`, `unknown key; accepted: ${list(allowed)}`);
    }
  }

  private oneOf<T extends string>(obj: Obj, key: string, accepted: readonly T[], path: string, what: string): T | undefined {
    const v = obj[key];
    if (!isSet(v)) this.issues.add(`${path}.${key}`, `${what} is required; accepted: ${list(accepted)}`);
    else if (!accepted.includes(v as T)) this.issues.add(`${path}.${key}`, `unknown ${what} ${quote(v)}; accepted: ${list(accepted)}`);
    else return v as T;
    return undefined;
  }

  condition(value: unknown, path: string, depth: number): SegmentCondition | undefined {
    if (depth > SEGMENT_LIMITS.maxDepth) {
      this.issues.add(path, `conditions are nested deeper than ${SEGMENT_LIMITS.maxDepth} levels`);
      return undefined;
    }
    if (++this.conditions > SEGMENT_LIMITS.maxConditions) {
      if (this.conditions === SEGMENT_LIMITS.maxConditions + 1) {
        this.issues.add(this.root, `a definition has at most ${SEGMENT_LIMITS.maxConditions} conditions`);
      }
      return undefined;
    }
    if (!isObject(value)) {
      this.issues.add(path, `expected a condition object with exactly one of: ${list(CONDITION_KINDS)}`);
      return undefined;
    }
    this.unknownKeys(value, CONDITION_KINDS, path);
    const kinds = CONDITION_KINDS.filter((k) => isSet(value[k]));
    if (kinds.length !== 1) {
      const got = kinds.length ? `got ${list(kinds)}` : 'got none';
      this.issues.add(path, `set exactly one of: ${list(CONDITION_KINDS)} (${got})`);
    }
    const results = kinds.map((kind) => this.kind(kind, value[kind], `${path}.${kind}`, depth));
    return kinds.length === 1 ? results[0] : undefined;
  }

  private kind(kind: (typeof CONDITION_KINDS)[number], v: unknown, path: string, depth: number): SegmentCondition | undefined {
    switch (kind) {
      case 'and':
      case 'or': {
        if (!Array.isArray(v)) return this.fail(path, 'expected a list of conditions');
        if (v.length === 0) return this.fail(path, 'must list at least one condition');
        const items = v.map((item, i) => this.condition(item, `${path}[${i}]`, depth + 1));
        return items.every((i) => i) ? { [kind]: items as SegmentCondition[] } : undefined;
      }
      case 'not': {
        const inner = this.condition(v, path, depth + 1);
        return inner && { not: inner };
      }
      case 'field': return this.field(v, path);
      case 'attribute': return this.attribute(v, path);
      case 'region': return this.region(v, path);
      case 'tier': return this.tier(v, path);
      case 'metric': return this.metric(v, path);
    }
  }

  /** The value operands of `op`, parsed as `kind`: `{ value }`, `{ values }` or `{}`; undefined when wrong. */
  private operands(obj: Obj, op: ComparisonOp, kind: FieldKind, path: string): { value?: string; values?: string[] } | undefined {
    const before = this.issues.issues.length;
    const single = SINGLE_VALUE_OPS.includes(op);
    const many = LIST_VALUE_OPS.includes(op);
    if (!single && isSet(obj.value)) this.issues.add(`${path}.value`, `${op} takes ${many ? 'a list in values' : 'no value'}`);
    if (!many && isSet(obj.values)) this.issues.add(`${path}.values`, `${op} takes ${single ? 'a single value' : 'no values'}`);
    let out: { value?: string; values?: string[] } = {};
    if (single) {
      if (typeof obj.value !== 'string') {
        this.issues.add(`${path}.value`, isSet(obj.value) ? 'expected a string' : `${op} needs a value`);
      } else {
        const problem = valueProblem(kind, obj.value);
        if (problem) this.issues.add(`${path}.value`, problem);
        out = { value: obj.value };
      }
    } else if (many) {
      const values = obj.values;
      if (!Array.isArray(values) || values.length === 0) {
        this.issues.add(`${path}.values`, `${op} needs a non-empty list of values`);
      } else if (values.length > SEGMENT_LIMITS.maxListLength) {
        this.issues.add(`${path}.values`, `at most ${SEGMENT_LIMITS.maxListLength} values`);
      } else {
        values.forEach((item, i) => {
          const problem = typeof item === 'string' ? valueProblem(kind, item) : 'expected a string';
          if (problem) this.issues.add(`${path}.values[${i}]`, problem);
        });
        out = { values: values as string[] };
      }
    }
    return this.issues.issues.length === before ? out : undefined;
  }

  private field(v: unknown, path: string): SegmentCondition | undefined {
    if (!isObject(v)) return this.fail(path, 'expected { field, op, value | values }');
    this.unknownKeys(v, ['field', 'op', 'value', 'values'], path);
    const field = this.oneOf(v, 'field', CUSTOMER_FIELDS, path, 'field');
    const op = this.oneOf(v, 'op', COMPARISON_OPS, path, 'op');
    if (!field || !op) return undefined;
    const kind = CUSTOMER_FIELD_KINDS[field];
    const accepted = OPS_BY_KIND[kind.kind];
    if (!accepted.includes(op)) {
      return this.fail(`${path}.op`, `${op} does not apply to ${kind.kind} field ${field}; accepted: ${list(accepted)}`);
    }
    const operands = this.operands(v, op, kind, path);
    return operands && { field: { field, op, ...operands } };
  }

  private attribute(v: unknown, path: string): SegmentCondition | undefined {
    if (!isObject(v)) return this.fail(path, 'expected { key, op, value | values }');
    this.unknownKeys(v, ['key', 'op', 'value', 'values'], path);
    const key = v.key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
      this.issues.add(`${path}.key`, 'expected the attribute name, 1 to 200 characters');
    }
    const op = this.oneOf(v, 'op', COMPARISON_OPS, path, 'op');
    const operands = op && this.operands(v, op, { kind: 'text' }, path);
    return typeof key === 'string' && op && operands ? { attribute: { key, op, ...operands } } : undefined;
  }

  private region(v: unknown, path: string): SegmentCondition | undefined {
    if (!isObject(v)) return this.fail(path, 'expected { codes: [...] }');
    this.unknownKeys(v, ['codes'], path);
    const codes = v.codes;
    if (!Array.isArray(codes) || codes.length === 0) return this.fail(`${path}.codes`, 'expected a non-empty list of region codes');
    if (codes.length > SEGMENT_LIMITS.maxListLength) return this.fail(`${path}.codes`, `at most ${SEGMENT_LIMITS.maxListLength} region codes`);
    let ok = true;
    codes.forEach((code, i) => {
      if (typeof code === 'string' && code.length > 0) this.regionRefs.push({ path: `${path}.codes[${i}]`, code });
      else {
        ok = false;
        this.issues.add(`${path}.codes[${i}]`, 'expected a region code');
      }
    });
    return ok ? { region: { codes: codes as string[] } } : undefined;
  }

  private tier(v: unknown, path: string): SegmentCondition | undefined {
    if (!isObject(v)) return this.fail(path, 'expected { in: [...] }');
    this.unknownKeys(v, ['in'], path);
    const tiers = v.in;
    if (!Array.isArray(tiers) || tiers.length === 0) return this.fail(`${path}.in`, `expected a non-empty list of tiers: ${list(TIERS)}`);
    let ok = true;
    tiers.forEach((tier, i) => {
      if (!TIERS.includes(tier as Tier)) {
        ok = false;
        this.issues.add(`${path}.in[${i}]`, `unknown tier ${quote(tier)}; accepted: ${list(TIERS)}`);
      }
    });
    return ok ? { tier: { in: tiers as Tier[] } } : undefined;
  }

  private metric(v: unknown, path: string): SegmentCondition | undefined {
    if (!isObject(v)) return this.fail(path, 'expected { metric, measure, months, op, value }');
    this.unknownKeys(v, ['metric', 'measure', 'months', 'op', 'value'], path);
    const metric = this.oneOf(v, 'metric', USAGE_METRICS, path, 'metric');
    const measure = this.oneOf(v, 'measure', METRIC_MEASURES, path, 'measure');
    const op = this.oneOf(v, 'op', METRIC_OPS, path, 'op');
    const { minMonths, maxMonths } = SEGMENT_LIMITS;
    const months = v.months;
    const monthsOk = typeof months === 'number' && Number.isInteger(months) && months >= minMonths && months <= maxMonths;
    if (!monthsOk) this.issues.add(`${path}.months`, `expected a whole number of months from ${minMonths} to ${maxMonths}`);
    const value = v.value;
    const valueOk = typeof value === 'number' && Number.isFinite(value);
    if (!valueOk) this.issues.add(`${path}.value`, 'expected a number');
    if (!metric || !measure || !op || !monthsOk || !valueOk) return undefined;
    const out: MetricCondition = { metric, measure, months, op, value };
    return { metric: out };
  }
}

/** The structural check alone (no database): for definitions already validated once, e.g. when stored. */
export function parseSegmentDefinition(def: unknown, path = 'definition'): SegmentCondition {
  const check = new DefinitionCheck(path);
  const condition = check.condition(def, path, 1);
  check.issues.throwIfAny();
  return condition!;
}

/** Validates a definition, including that its region codes exist (one query for all of them). */
export async function validateSegmentDefinition(db: Db, def: unknown, path = 'definition'): Promise<SegmentCondition> {
  const check = new DefinitionCheck(path);
  const condition = check.condition(def, path, 1);
  const codes = [...new Set(check.regionRefs.map((r) => r.code))];
  if (codes.length > 0) {
    const found = new Set((await db.select({ code: regions.code }).from(regions).where(inArray(regions.code, codes))).map((r) => r.code));
    for (const ref of check.regionRefs) {
      if (!found.has(ref.code)) check.issues.add(ref.path, `unknown region code ${quote(ref.code)}`);
    }
  }
  check.issues.throwIfAny();
  return condition!;
}
