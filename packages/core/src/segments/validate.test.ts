import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regions } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { InputError, type InputIssue } from '../errors.js';
import type { SegmentCondition } from './definition.js';
import { parseSegmentDefinition, validateSegmentDefinition } from './validate.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.insert(regions).values([
    { code: 'JS', name: 'Jiangsu', level: 'province', timeZone: 'Asia/Shanghai', path: '/JS/' },
    { code: 'ZJ', name: 'Zhejiang', level: 'province', timeZone: 'Asia/Shanghai', path: '/ZJ/' },
  ]);
});
afterAll(() => database.close());

async function issuesOf(def: unknown, path?: string): Promise<InputIssue[]> {
  try {
    await validateSegmentDefinition(database.db, def, path);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues;
  }
  throw new Error('expected the definition to be rejected');
}
const paths = (issues: InputIssue[]) => issues.map((i) => i.path);
const eqField = (field: string, value?: unknown) => ({ field: { field, op: 'eq', value } });

describe('validateSegmentDefinition', () => {
  it('accepts a valid definition and returns it normalised', async () => {
    const def = {
      and: [
        { region: { codes: ['JS'] } },
        { or: [{ tier: { in: ['gold', 'diamond'] } }, { field: { field: 'isCampus', op: 'eq', value: 'true', values: null } }] },
        { not: { field: { field: 'status', op: 'isNull', value: null } } },
        { metric: { metric: 'revenueCents', measure: 'changeRatio', months: 3, op: 'lte', value: -0.3 } },
        { attribute: { key: 'interest', op: 'in', values: ['football'] } },
        { field: { field: 'joinedOn', op: 'lt', value: '2024-02-29' }, tier: null },
      ],
    };
    const expected: SegmentCondition = {
      and: [
        { region: { codes: ['JS'] } },
        { or: [{ tier: { in: ['gold', 'diamond'] } }, { field: { field: 'isCampus', op: 'eq', value: 'true' } }] },
        { not: { field: { field: 'status', op: 'isNull' } } },
        { metric: { metric: 'revenueCents', measure: 'changeRatio', months: 3, op: 'lte', value: -0.3 } },
        { attribute: { key: 'interest', op: 'in', values: ['football'] } },
        { field: { field: 'joinedOn', op: 'lt', value: '2024-02-29' } },
      ],
    };
    expect(await validateSegmentDefinition(database.db, def)).toEqual(expected);
  });

  it('requires exactly one kind per condition and reports unknown keys', async () => {
    expect(await issuesOf({})).toEqual([
      { path: 'definition', message: 'set exactly one of: and, or, not, field, attribute, region, tier, metric (got none)' },
    ]);
    expect(await issuesOf({ tier: { in: ['gold'] }, region: { codes: ['JS'] } })).toEqual([
      { path: 'definition', message: 'set exactly one of: and, or, not, field, attribute, region, tier, metric (got region, tier)' },
    ]);
    expect(paths(await issuesOf({ tier: { in: ['gold'] }, nope: 1 }))).toEqual(['definition.nope']);
    expect((await issuesOf('tier'))[0]!.message).toMatch(/^expected a condition object with exactly one of: and, or/);
  });

  it('rejects empty or malformed and/or lists', async () => {
    expect(await issuesOf({ and: [] })).toEqual([{ path: 'definition.and', message: 'must list at least one condition' }]);
    expect(await issuesOf({ or: { tier: { in: ['gold'] } } })).toEqual([{ path: 'definition.or', message: 'expected a list of conditions' }]);
    expect(paths(await issuesOf({ or: [{ tier: { in: ['gold'] } }, null] }))).toEqual(['definition.or[1]']);
  });

  it('names the accepted fields, ops, metrics and measures', async () => {
    const issues = await issuesOf({
      and: [
        { field: { field: 'age', op: 'eq', value: '1' } },
        { field: { field: 'name', op: 'like', value: 'x' } },
        { metric: { metric: 'arpu', measure: 'median', months: 3, op: 'in', value: 1 } },
        { attribute: { key: 'k', op: 'matches', value: 'x' } },
      ],
    });
    expect(issues).toEqual([
      { path: 'definition.and[0].field.field', message: expect.stringContaining('unknown field "age"; accepted: msisdn, name, plan, paymentType') },
      { path: 'definition.and[1].field.op', message: expect.stringContaining('unknown op "like"; accepted: eq, ne, lt, lte, gt, gte, in, notIn') },
      { path: 'definition.and[2].metric.metric', message: expect.stringContaining('unknown metric "arpu"; accepted: revenueCents, voiceMinutes') },
      { path: 'definition.and[2].metric.measure', message: 'unknown measure "median"; accepted: total, average, changeRatio, monthsWithoutActivity' },
      { path: 'definition.and[2].metric.op', message: 'unknown op "in"; accepted: eq, ne, lt, lte, gt, gte' },
      { path: 'definition.and[3].attribute.op', message: expect.stringContaining('unknown op "matches"') },
    ]);
    expect(paths(await issuesOf({ field: { value: '1' } }))).toEqual(['definition.field.field', 'definition.field.op']);
  });

  it('rejects ops that do not apply to the field kind', async () => {
    const issues = await issuesOf({ and: [eqField('name', 'x'), { field: { field: 'balanceCents', op: 'startsWith', value: '1' } }] });
    expect(issues).toEqual([
      {
        path: 'definition.and[1].field.op',
        message: 'startsWith does not apply to number field balanceCents; accepted: eq, ne, lt, lte, gt, gte, in, notIn, isNull, isNotNull',
      },
    ]);
    expect((await issuesOf({ field: { field: 'isCampus', op: 'gt', value: 'true' } }))[0]!.message).toBe(
      'gt does not apply to boolean field isCampus; accepted: eq, ne, isNull, isNotNull',
    );
    expect((await issuesOf({ field: { field: 'status', op: 'contains', value: 'a' } }))[0]!.path).toBe('definition.field.op');
  });

  it('parses values by field kind and says which form is accepted', async () => {
    const issues = await issuesOf({
      or: [
        eqField('points', '12abc'),
        eqField('joinedOn', '2026-02-30'),
        eqField('contractEndsOn', '15/11/2026'),
        eqField('isCampus', 'yes'),
        eqField('status', 'gold'),
        { field: { field: 'tenureMonths', op: 'in', values: ['3', 'three'] } },
        eqField('name', 42),
      ],
    });
    expect(issues).toEqual([
      { path: 'definition.or[0].field.value', message: '"12abc" is not a number; expected digits with an optional minus sign and decimal point, such as 1200 or -3.5' },
      { path: 'definition.or[1].field.value', message: '"2026-02-30" is not a date; expected YYYY-MM-DD, such as 2026-03-31' },
      { path: 'definition.or[2].field.value', message: '"15/11/2026" is not a date; expected YYYY-MM-DD, such as 2026-03-31' },
      { path: 'definition.or[3].field.value', message: '"yes" is not a boolean; expected true or false' },
      { path: 'definition.or[4].field.value', message: '"gold" is not accepted; expected one of: active, suspended, churned' },
      { path: 'definition.or[5].field.values[1]', message: expect.stringContaining('"three" is not a number') },
      { path: 'definition.or[6].field.value', message: 'expected a string' },
    ]);
    expect(paths(await issuesOf({ tier: { in: ['gold', 'platinum'] } }))).toEqual(['definition.tier.in[1]']);
    expect((await issuesOf({ tier: { in: [] } }))[0]!.path).toBe('definition.tier.in');
  });

  it('requires the operands the op takes, and only those', async () => {
    const issues = await issuesOf({
      and: [
        { field: { field: 'name', op: 'eq' } },
        { field: { field: 'name', op: 'in', values: [] } },
        { field: { field: 'name', op: 'isNull', value: 'x' } },
        { field: { field: 'name', op: 'eq', value: 'x', values: ['y'] } },
        { attribute: { key: '', op: 'notIn' } },
      ],
    });
    expect(issues).toEqual([
      { path: 'definition.and[0].field.value', message: 'eq needs a value' },
      { path: 'definition.and[1].field.values', message: 'in needs a non-empty list of values' },
      { path: 'definition.and[2].field.value', message: 'isNull takes no value' },
      { path: 'definition.and[3].field.values', message: 'eq takes a single value' },
      { path: 'definition.and[4].attribute.key', message: 'expected the attribute name, 1 to 200 characters' },
      { path: 'definition.and[4].attribute.values', message: 'notIn needs a non-empty list of values' },
    ]);
  });

  it('keeps metric windows within 1 to 24 months', async () => {
    const metric = (months: unknown, value: unknown = 1) => ({ metric: { metric: 'sms', measure: 'total', months, op: 'gt', value } });
    const issues = await issuesOf({ or: [metric(0), metric(25), metric(1.5), metric('3'), metric(24, 'x'), metric(24)] });
    expect(issues).toEqual([
      { path: 'definition.or[0].metric.months', message: 'expected a whole number of months from 1 to 24' },
      { path: 'definition.or[1].metric.months', message: 'expected a whole number of months from 1 to 24' },
      { path: 'definition.or[2].metric.months', message: 'expected a whole number of months from 1 to 24' },
      { path: 'definition.or[3].metric.months', message: 'expected a whole number of months from 1 to 24' },
      { path: 'definition.or[4].metric.value', message: 'expected a number' },
    ]);
  });

  it('checks every region code in one query', async () => {
    const statements: string[] = [];
    const off = database.onStatement((text) => statements.push(text));
    const issues = await issuesOf({
      or: [{ region: { codes: ['JS', 'XX'] } }, { not: { region: { codes: ['YY', 'ZJ', 'XX'] } } }, { region: { codes: [''] } }],
    });
    off();
    expect(statements).toHaveLength(1);
    expect(issues).toEqual([
      { path: 'definition.or[0].region.codes[1]', message: 'unknown region code "XX"' },
      { path: 'definition.or[1].not.region.codes[0]', message: 'unknown region code "YY"' },
      { path: 'definition.or[1].not.region.codes[2]', message: 'unknown region code "XX"' },
      { path: 'definition.or[2].region.codes[0]', message: 'expected a region code' },
    ]);
  });

  it('limits nesting to 12 levels', async () => {
    const nest = (levels: number): unknown => (levels === 1 ? { tier: { in: ['gold'] } } : { not: nest(levels - 1) });
    await expect(validateSegmentDefinition(database.db, nest(12))).resolves.toBeDefined();
    expect(await issuesOf(nest(13))).toEqual([
      { path: `definition${'.not'.repeat(12)}`, message: 'conditions are nested deeper than 12 levels' },
    ]);
  });

  it('limits the number of conditions', async () => {
    const many = { or: Array.from({ length: 600 }, () => ({ tier: { in: ['gold'] } })) };
    expect(await issuesOf(many)).toEqual([{ path: 'definition', message: 'a definition has at most 500 conditions' }]);
  });

  it('reports under the caller’s path and lists every issue at once', async () => {
    const issues = await issuesOf({ and: [{ tier: { in: ['x'] } }, { field: { field: 'points', op: 'gt', value: 'many' } }] }, 'input.definition');
    expect(paths(issues)).toEqual(['input.definition.and[0].tier.in[0]', 'input.definition.and[1].field.value']);
    await expect(validateSegmentDefinition(database.db, {})).rejects.toThrow(/^definition: set exactly one of/);
  });
});

describe('parseSegmentDefinition', () => {
  it('checks the shape without the database', () => {
    expect(parseSegmentDefinition({ region: { codes: ['NOWHERE'] } })).toEqual({ region: { codes: ['NOWHERE'] } });
    expect(() => parseSegmentDefinition({ and: [] }, 'stored')).toThrow('stored.and: must list at least one condition');
  });
});
