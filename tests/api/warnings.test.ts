import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, globalId, type TestPlatform } from '@weixi/testing';
import { FIXTURE_PLUGINS } from '../plugins/fixtures/index.js';

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
    plugins: [`plugins/${SILENT}`, `plugins/${ENDING}`, FIXTURE_PLUGINS.find((f) => f.manifest.id === 'listener')!],
    seed: { customers: 2500 },
    now: '2026-11-16T06:00:00+08:00',
    settings: [{ plugin: ENDING, region: 'JS', settings: { daysBefore: 180, weight: 0.5 } }],
    enable: [{ plugin: SILENT, region: 'JS' }, { plugin: ENDING, region: 'JS' }, { plugin: 'listener', region: 'JS-NJ' }],
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

  it('tells listening plugins once per run what it raised, in the regions where they are enabled', async () => {
    const heard = () => p.sql<{ code: string; key: string; value: { events: number; warnings: number } }>`
      select r.code, s.key, s.value from plugin_storage s join regions r on r.id = s.region_id where s.plugin_id = 'listener' order by r.code, s.key`;
    // What the runs in Nanjing raised: each warning records its run.
    const raised = await p.sql<{ rule: string; runs: number; n: number }>`
      select plugin_id || '/' || rule_id as rule, count(distinct raised_by_run)::int as runs, count(*)::int as n from warnings w join regions r on r.id = w.region_id
      where starts_with(r.path, '/JS/JS-NJ/') group by 1 order by 1`;
    expect(raised.length).toBe(2);
    // The listener is enabled in Nanjing only: Suzhou's runs raised warnings too, and it heard none of them.
    expect(await heard()).toEqual(raised.map((r) => ({ code: 'JS-NJ', key: `warning.raised:${r.rule}`, value: { events: r.runs, warnings: r.n } })));
    // A rerun refreshes the open warnings and raises none: no event.
    await p.runJob(SILENT, 'warnings:silent-customer', 'JS-NJ');
    expect((await heard()).find((h) => h.key === `warning.raised:${SILENT}/silent-customer`)!.value.events).toBe(raised.find((r) => r.rule === `${SILENT}/silent-customer`)!.runs);
  });

  it('expires the live warnings of a region where their plugin is disabled, and stops counting them', async () => {
    // A Suzhou customer whose only live warning is a silent-customer one.
    const [live] = await p.sql<{ customer_id: number }>`
      select w.customer_id from warnings w join regions r on r.id = w.region_id where starts_with(r.path, '/JS/JS-SZ/') and w.status in ('open', 'acknowledged')
      group by w.customer_id having bool_and(w.plugin_id = ${SILENT}) and count(*) = 1 order by 1 limit 1`;
    const riskOf = async () => (await p.ok(`query ($id: ID!) { customer(id: $id) { churnRisk { score } } }`, { id: globalId('Customer', live!.customer_id) })).customer.churnRisk.score;
    expect(await riskOf()).toBeGreaterThan(0);
    const before = await p.warnings({ region: 'JS-NJ', pluginId: SILENT, status: 'open' });
    const liveSz = await p.sql<{ n: number }>`select count(*)::int as n from warnings w join regions r on r.id = w.region_id
      where w.plugin_id = ${SILENT} and w.status in ('open', 'acknowledged') and starts_with(r.path, '/JS/JS-SZ/')`;
    expect(liveSz[0]!.n).toBeGreaterThan(0);
    await p.ok(`mutation { disablePlugin(id: "${SILENT}", regionCode: "JS-SZ") { plugin { status } } }`);
    const expired = await p.ok(`{ warnings(first: 1, filter: { regionCode: "JS-SZ", pluginId: "${SILENT}", statuses: [EXPIRED] }) { totalCount edges { node { status resolvedBy resolvedAt } } } }`);
    expect(expired.warnings.totalCount).toBe(liveSz[0]!.n);
    expect(expired.warnings.edges[0].node).toMatchObject({ status: 'EXPIRED', resolvedBy: 'plugin disabled', resolvedAt: expect.any(String) });
    expect(await p.warnings({ region: 'JS-SZ', pluginId: SILENT, status: 'open' })).toEqual([]);
    expect(await p.warnings({ region: 'JS-NJ', pluginId: SILENT, status: 'open' })).toHaveLength(before.length);
    expect(await riskOf()).toBe(0);
  });
});
