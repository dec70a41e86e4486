import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

const UPSERT = `mutation ($input: [RegionInput!]!) { upsertRegions(input: $input) {
  created updated unchanged moved regions { id code name level timeZone parent { code } } } }`;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** The region table as text, to prove a refused or repeated batch wrote nothing. */
async function tree(): Promise<string> {
  const rows = await api.database.rows<{ t: string }>(sql`select coalesce(string_agg(r::text, '|' order by id), '') as t from regions r`);
  return rows[0]!.t;
}

async function paths(prefix: string): Promise<Record<string, string>> {
  const rows = await api.database.rows<{ code: string; path: string; parent: string | null }>(
    sql`select r.code, r.path, p.code as parent from regions r left join regions p on p.id = r.parent_id where r.path like ${`${prefix}%`} order by r.path`,
  );
  return Object.fromEntries(rows.map((r) => [r.code, `${r.path} (parent ${r.parent ?? '-'})`]));
}

/** Sends a batch that must be refused with BAD_USER_INPUT and change nothing; returns its issues. */
async function refused(input: unknown[]): Promise<Array<{ path: string; message: string }>> {
  const before = await tree();
  const res = await api.gql(UPSERT, { input });
  expect(res.data?.upsertRegions ?? null).toBeNull();
  expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(await tree()).toBe(before);
  return res.errors![0]!.extensions!.issues as Array<{ path: string; message: string }>;
}

const SICHUAN = [
  // Children before their parents: the batch is resolved as a whole, not in order.
  { code: 'SC-CD-WH', name: '武侯区', level: 'DISTRICT', parentCode: 'SC-CD' },
  { code: 'SC-CD', name: '成都市', level: 'CITY', parentCode: 'SC' },
  { code: 'SC', name: '四川省', level: 'PROVINCE', timeZone: 'Asia/Shanghai' },
  { code: 'XJ', name: '新疆维吾尔自治区', level: 'PROVINCE', timeZone: 'asia/urumqi' },
  { code: 'XJ-KS', name: '喀什地区', level: 'CITY', parentCode: 'XJ' },
];

describe('upsertRegions', () => {
  it('creates a tree in one batch, children may come first, zones inherited and stored canonically', async () => {
    const { upsertRegions } = await api.ok(UPSERT, { input: SICHUAN });
    expect(upsertRegions).toMatchObject({ created: 5, updated: 0, unchanged: 0, moved: 0 });
    expect(upsertRegions.regions.map((r: any) => [r.code, r.level, r.timeZone, r.parent?.code ?? null])).toEqual([
      ['SC-CD-WH', 'DISTRICT', 'Asia/Shanghai', 'SC-CD'],
      ['SC-CD', 'CITY', 'Asia/Shanghai', 'SC'],
      ['SC', 'PROVINCE', 'Asia/Shanghai', null],
      ['XJ', 'PROVINCE', 'Asia/Urumqi', null],
      ['XJ-KS', 'CITY', 'Asia/Urumqi', 'XJ'],
    ]);
    expect(await paths('/SC/')).toEqual({ SC: '/SC/ (parent -)', 'SC-CD': '/SC/SC-CD/ (parent SC)', 'SC-CD-WH': '/SC/SC-CD/SC-CD-WH/ (parent SC-CD)' });
    const { regions } = await api.ok(`query { regions(within: "SC") { edges { node { code } } } }`);
    expect(regions.edges.map((e: any) => e.node.code)).toEqual(['SC-CD', 'SC-CD-WH']);
  });

  it('is idempotent: the same batch again writes nothing and says so', async () => {
    const before = await tree();
    const { upsertRegions } = await api.ok(UPSERT, { input: SICHUAN });
    expect(upsertRegions).toMatchObject({ created: 0, updated: 0, unchanged: 5, moved: 0 });
    expect(await tree()).toBe(before);
  });

  it('updates by code: a new name or zone is an update, the rest of the batch stays unchanged', async () => {
    const { upsertRegions } = await api.ok(UPSERT, { input: [{ ...SICHUAN[1], name: '成都' }, SICHUAN[2], { ...SICHUAN[4], timeZone: 'Asia/Shanghai' }] });
    expect(upsertRegions).toMatchObject({ created: 0, updated: 2, unchanged: 1 });
    expect(upsertRegions.regions.map((r: any) => [r.name, r.timeZone])).toEqual([['成都', 'Asia/Shanghai'], ['四川省', 'Asia/Shanghai'], ['喀什地区', 'Asia/Shanghai']]);
    // Left out, an existing region keeps its zone (it does not take its parent's Asia/Urumqi).
    const again = (await api.ok(UPSERT, { input: [{ code: 'XJ-KS', name: '喀什地区', level: 'CITY', parentCode: 'XJ' }] })).upsertRegions;
    expect(again).toMatchObject({ unchanged: 1, regions: [{ timeZone: 'Asia/Shanghai' }] });
  });

  it('refuses a level that does not fit its parent, naming the item and field', async () => {
    expect(await refused([{ code: 'SC-MY', name: '绵阳市', level: 'CITY', parentCode: 'SC-CD' }])).toEqual([
      { path: 'input[0].level', message: "a city cannot be under SC-CD, a city: a city's parent is a province" },
    ]);
    const issues = await refused([
      { code: 'SC-MY', name: '绵阳市', level: 'CITY', parentCode: 'SC' },
      { code: 'SC-MY-G1', name: '网格一', level: 'GRID', parentCode: 'SC' },
    ]);
    expect(issues).toEqual([{ path: 'input[1].level', message: "a grid cannot be under SC, a province: a grid's parent is a district or city" }]);
  });

  it('refuses an unknown parent, a province with a parent and a city without one', async () => {
    expect(await refused([{ code: 'SC-MY', name: '绵阳市', level: 'CITY', parentCode: 'SX' }])).toEqual([
      { path: 'input[0].parentCode', message: 'region "SX" does not exist (neither stored nor in this batch)' },
    ]);
    expect(await refused([{ code: 'SD', name: '山东省', level: 'PROVINCE', parentCode: 'JS', timeZone: 'Asia/Shanghai' }, { code: 'SD-JN', name: '济南市', level: 'CITY' }])).toEqual([
      { path: 'input[0].parentCode', message: 'a province has no parent, got "JS"' },
      { path: 'input[1].parentCode', message: 'a city needs a parent (province)' },
    ]);
  });

  it('refuses cycles, through stored regions and within the batch', async () => {
    // SC-CD-WH lies below SC-CD: putting SC-CD under it closes a loop.
    const [issue] = await refused([{ code: 'SC-CD', name: '成都市', level: 'CITY', parentCode: 'SC-CD-WH' }]);
    expect(issue).toEqual({ path: 'input[0].parentCode', message: 'SC-CD cannot go under SC-CD-WH: that makes a cycle (SC-CD under SC-CD-WH under SC-CD)' });
    const issues = await refused([
      { code: 'X1', name: 'x1', level: 'GRID', parentCode: 'X2' },
      { code: 'X2', name: 'x2', level: 'DISTRICT', parentCode: 'X1' },
    ]);
    expect(issues.map((i) => i.path)).toEqual(['input[0].parentCode', 'input[1].parentCode']);
    expect(issues[0]!.message).toContain('cycle (X1 under X2 under X1)');
    expect(await refused([{ code: 'SC', name: '四川省', level: 'PROVINCE', parentCode: 'SC' }])).toEqual([
      { path: 'input[0].parentCode', message: 'a province has no parent, got "SC"' },
      { path: 'input[0].parentCode', message: 'SC cannot be its own parent' },
    ]);
  });

  it('refuses bad zones, codes, names and repeated codes, every issue at once', async () => {
    const issues = await refused([
      { code: 'HN', name: '海南省', level: 'PROVINCE', timeZone: 'Asia/Hainan' },
      { code: 'HN/SY', name: '三亚市', level: 'CITY', parentCode: 'HN' },
      { code: 'HN-HK', name: ' ', level: 'CITY', parentCode: 'HN', timeZone: '+08:00' },
      { code: 'HN-SY', name: '三亚市', level: 'DISTRICT', parentCode: 'HN' },
    ]);
    // Field checks and tree checks answer together: the district under a province is named too.
    expect(issues.map((i) => i.path)).toEqual(['input[0].timeZone', 'input[1].code', 'input[2].name', 'input[2].timeZone', 'input[3].level']);
    expect(issues[0]!.message).toBe('"Asia/Hainan" is not an IANA time zone (such as Asia/Shanghai)');
    expect(issues[4]!.message).toBe("a district cannot be under HN, a province: a district's parent is a city");
    expect(await refused([SICHUAN[0], SICHUAN[0]])).toEqual([{ path: 'input[1].code', message: 'SC-CD-WH appears twice in this batch (also at input[0])' }]);
    expect(await refused([{ code: 'GD', name: '广东省', level: 'PROVINCE' }])).toEqual([
      { path: 'input[0].timeZone', message: 'required for a new province without a parent: there is no zone to inherit' },
    ]);
  });

  it('refuses a level change that would strand stored children', async () => {
    await api.ok(UPSERT, { input: [{ code: 'SC-CD-WH-G1', name: '网格一', level: 'GRID', parentCode: 'SC-CD-WH' }] });
    expect(await refused([{ code: 'SC-CD-WH', name: '武侯区', level: 'GRID', parentCode: 'SC-CD' }])).toEqual([
      { path: 'input[0].level', message: 'SC-CD-WH cannot become a grid: its children SC-CD-WH-G1 (a grid) cannot be under a grid' },
    ]);
  });

  it('writes all or nothing: one bad item keeps the good ones out too', async () => {
    await refused([
      { code: 'SC-MY', name: '绵阳市', level: 'CITY', parentCode: 'SC' },
      { code: 'SC-CD', name: '成都 (renamed)', level: 'CITY', parentCode: 'SC' },
      { code: 'SC-ZG', name: '自贡市', level: 'CITY', parentCode: 'NOPE' },
    ]);
    expect((await api.ok(`query { region(code: "SC-MY") { code } }`)).region).toBeNull();
    expect((await api.ok(`query { region(code: "SC-CD") { name } }`)).region.name).toBe('成都');
  });

  it('moves a region with its whole subtree, and scope follows the new paths', async () => {
    await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: [customerInput('13900007001', { regionCode: 'SC-CD-WH' })] });
    const sichuan = api.as(await api.key({ role: 'operator', regionCodes: ['SC'] }));
    const xinjiang = api.as(await api.key({ role: 'operator', regionCodes: ['XJ'] }));
    const seen = async (client: typeof sichuan) => (await client.ok(`query { customers(first: 10) { edges { node { msisdn } } } }`)).customers.edges.map((e: any) => e.node.msisdn);
    expect(await seen(sichuan)).toEqual(['13900007001']);

    const { upsertRegions } = await api.ok(UPSERT, { input: [{ code: 'SC-CD', name: '成都', level: 'CITY', parentCode: 'XJ' }] });
    expect(upsertRegions).toMatchObject({ created: 0, updated: 1, unchanged: 0, moved: 1, regions: [{ parent: { code: 'XJ' } }] });
    expect(await paths('/XJ/SC-CD/')).toEqual({
      'SC-CD': '/XJ/SC-CD/ (parent XJ)',
      'SC-CD-WH': '/XJ/SC-CD/SC-CD-WH/ (parent SC-CD)',
      'SC-CD-WH-G1': '/XJ/SC-CD/SC-CD-WH/SC-CD-WH-G1/ (parent SC-CD-WH)',
    });
    expect(await paths('/SC/')).toEqual({ SC: '/SC/ (parent -)' });
    expect(await seen(sichuan)).toEqual([]);
    expect(await seen(xinjiang)).toEqual(['13900007001']);

    // Two nested moves in one batch: the city back to SC, its district up to a new city of XJ.
    const back = (await api.ok(UPSERT, { input: [
      { code: 'SC-CD', name: '成都', level: 'CITY', parentCode: 'SC' },
      { code: 'SC-CD-WH', name: '武侯区', level: 'DISTRICT', parentCode: 'XJ-AKS' },
      { code: 'XJ-AKS', name: '阿克苏地区', level: 'CITY', parentCode: 'XJ' },
    ] })).upsertRegions;
    expect(back).toMatchObject({ created: 1, updated: 2, moved: 2 });
    expect({ ...(await paths('/SC/')), ...(await paths('/XJ/XJ-AKS/')) }).toEqual({
      SC: '/SC/ (parent -)',
      'SC-CD': '/SC/SC-CD/ (parent SC)',
      'XJ-AKS': '/XJ/XJ-AKS/ (parent XJ)',
      'SC-CD-WH': '/XJ/XJ-AKS/SC-CD-WH/ (parent XJ-AKS)',
      'SC-CD-WH-G1': '/XJ/XJ-AKS/SC-CD-WH/SC-CD-WH-G1/ (parent SC-CD-WH)',
    });
    expect(await seen(xinjiang)).toEqual(['13900007001']);
  });

  it('is for admins only, and every call is audited', async () => {
    const operator = api.as(await api.key({ role: 'operator', regionCodes: ['JS'] }));
    const res = await operator.gql(UPSERT, { input: [{ code: 'JS-XZ', name: '徐州市', level: 'CITY', parentCode: 'JS' }] });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await api.ok(`query { region(code: "JS-XZ") { code } }`)).region).toBeNull();

    const { upsertRegions } = await api.ok(UPSERT, { input: [{ code: 'JS-XZ', name: '徐州市', level: 'CITY', parentCode: 'JS' }] });
    const { auditLog } = await api.ok(`query { auditLog(first: 3, filter: { operation: "upsertRegions" }) { edges { node { role outcome objects errorCode } } } }`);
    expect(auditLog.edges[0].node).toEqual({ role: 'ADMIN', outcome: 'OK', objects: [upsertRegions.regions[0].id], errorCode: null });
  });
});
