import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, globalId, type TestPlatform } from '@weixi/testing';

/**
 * Warnings over GraphQL: `warnings(filter)` and `Customer.churnWarnings` in the caller's scope,
 * `Customer.churnRisk` combining live warnings with each plugin's weight, and the two mutations.
 */
const SILENT = 'warning-silent-customers';
const ENDING = 'warning-contract-ending';
let p: TestPlatform;
let operatorSz: string;

const FIELDS = 'id rule level score reason evidence status region { code } customer { id }';

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [`plugins/${SILENT}`, `plugins/${ENDING}`],
    seed: { customers: 2500 },
    now: '2026-11-16T06:00:00+08:00',
    settings: [{ plugin: ENDING, region: 'JS', settings: { daysBefore: 180, weight: 0.5 } }],
    enable: [{ plugin: SILENT, region: 'JS' }, { plugin: ENDING, region: 'JS' }],
  });
  p.clock.set('2026-11-16T08:00:00+08:00');
  await p.runDueJobs();
  operatorSz = await p.key({ role: 'operator', regionCodes: ['JS-SZ'] });
});
afterAll(() => p?.close());

describe('warnings over GraphQL', () => {
  it('lists the live warnings of the caller\'s regions, filtered, newest first', async () => {
    const all = await p.warnings({ status: 'open' });
    expect(all.length).toBeGreaterThan(20);
    const r = await p.ok(`{ warnings(first: 100) { totalCount edges { node { ${FIELDS} } } } }`);
    expect(r.warnings.totalCount).toBe(all.length);
    expect(r.warnings.edges[0].node.id).toBe(globalId('Warning', all.at(-1)!.id));

    const suzhou = (await p.warnings({ region: 'JS-SZ', status: 'open', pluginId: ENDING })).map((w) => globalId('Warning', w.id)).reverse();
    const asOperator = await p.as(operatorSz).ok(`{ warnings(first: 100, filter: { pluginId: "${ENDING}" }) { totalCount edges { node { id region { code } } } } }`);
    expect(asOperator.warnings.totalCount).toBe(suzhou.length);
    expect(asOperator.warnings.edges.map((e: any) => e.node.id)).toEqual(suzhou.slice(0, 100));
    const high = await p.ok(`{ warnings(first: 100, filter: { regionCode: "JS-SZ", levels: [HIGH], ruleId: "contract-ending" }) { edges { node { level score } } } }`);
    expect(high.warnings.edges.every((e: any) => e.node.level === 'HIGH' && e.node.score >= 70)).toBe(true);
    const none = await p.as(operatorSz).gql(`{ warnings(filter: { regionCode: "JS-NJ" }) { totalCount } }`);
    expect(none.data?.warnings?.totalCount ?? 0).toBe(0);
  });

  it('combines a customer\'s live warnings into churnRisk with each plugin\'s weight', async () => {
    // A silent customer whose contract now ends in two weeks: both rules hold.
    const [silent1] = await p.warnings({ region: 'JS-NJ', pluginId: SILENT, status: 'open' });
    await p.sql`update customers set contract_ends_on = '2026-11-30' where id = ${silent1!.customerId}`;
    await p.runJob(ENDING, 'warnings:contract-ending', 'JS-NJ');
    const [both] = await p.sql<{ customer_id: number }>`
      select customer_id from warnings where status = 'open' group by customer_id having count(distinct plugin_id) = 2 order by customer_id limit 1`;
    expect(both).toBeDefined();
    const own = await p.warnings({ customerId: both!.customer_id });
    const silent = own.find((w) => w.pluginId === SILENT)!.score;
    const ending = own.find((w) => w.pluginId === ENDING)!.score;
    const expected = 100 * (1 - (1 - silent / 100) * (1 - (0.5 * ending) / 100));
    const r = await p.ok(`query ($id: ID!) { customer(id: $id) { churnRisk { score level } churnWarnings { totalCount edges { node { rule } } } } }`, { id: globalId('Customer', both!.customer_id) });
    expect(r.customer.churnRisk.score).toBeCloseTo(expected, 1);
    expect(r.customer.churnWarnings.totalCount).toBe(2);
    const quiet = await p.sql<{ id: number }>`select id from customers c where not exists (select from warnings w where w.customer_id = c.id) order by id limit 1`;
    const q = await p.ok(`query ($id: ID!) { customer(id: $id) { churnRisk { score level } } }`, { id: globalId('Customer', quiet[0]!.id) });
    expect(q.customer.churnRisk).toEqual({ score: 0, level: 'LOW' });
  });

  it('acknowledges and resolves a warning in scope; out of scope is NOT_FOUND, a wrong status BAD_USER_INPUT', async () => {
    const [sz] = await p.warnings({ region: 'JS-SZ', status: 'open' });
    const [nj] = await p.warnings({ region: 'JS-NJ', status: 'open' });
    const op = p.as(operatorSz);
    const ack = await op.ok(`mutation ($id: ID!) { acknowledgeWarning(id: $id, note: "called") { warning { status } } }`, { id: globalId('Warning', sz!.id) });
    expect(ack.acknowledgeWarning.warning.status).toBe('ACKNOWLEDGED');
    const again = await op.gql(`mutation ($id: ID!) { acknowledgeWarning(id: $id) { warning { status } } }`, { id: globalId('Warning', sz!.id) });
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const out = await op.gql(`mutation ($id: ID!) { resolveWarning(id: $id) { warning { status } } }`, { id: globalId('Warning', nj!.id) });
    expect(out.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await p.warnings({ customerId: nj!.customerId }))[0]!.status).toBe('open');
    const done = await op.ok(`mutation ($id: ID!) { resolveWarning(id: $id, note: "retained") { warning { status } } }`, { id: globalId('Warning', sz!.id) });
    expect(done.resolveWarning.warning.status).toBe('RESOLVED');
    const [row] = await p.warnings({ customerId: sz!.customerId, pluginId: sz!.pluginId });
    expect(row).toMatchObject({ status: 'resolved' });
  });
});
