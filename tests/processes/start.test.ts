import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '@weixi/db/testing';
import { ROOT, STARTUP_SECONDS, startServerProcess, type ServerProcess } from './api-process.js';

let server: ServerProcess;
let url: string;
let adminKey: string;
let banner: string;

/** Starts `api/src/main.ts` as `pnpm start` does, with a small demo population, and waits for its URL. */
beforeAll(async () => {
  server = await startServerProcess(join(ROOT, 'node_modules/.bin/tsx'), ['api/src/main.ts']);
  ({ url, adminKey, banner } = server);
}, (STARTUP_SECONDS + 30) * 1000);

afterAll(() => server?.stop());

async function post(query: string, authorization?: string) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query }) });
}

const gql = (query: string) => server.gql(query);

describe('pnpm start', () => {
  it('prints a local admin key once, serves nothing anonymously, and GraphiQL explains how to authenticate', async () => {
    expect(adminKey).toMatch(/^wx_[a-z0-9]{10}_/);
    expect(banner).toContain('pnpm weixi keys create');
    const anonymous = await post('{ customers { totalCount } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    const body = (await anonymous.json()) as { data?: unknown; errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]!.message).toContain('Authorization: Bearer');
    const wrong = await post('{ customers { totalCount } }', `Bearer ${adminKey.slice(0, -4)}AAAA`);
    expect(wrong.status).toBe(401);
    const page = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Authorization: Bearer');
    // The key is printed on the console only: any page the browser opens could read it from GraphiQL's HTML.
    expect(page).toContain('printed an admin key on the console');
    expect(page).not.toContain(adminKey);
    // The secret is everything after the prefix: it may itself hold underscores (base64url).
    expect(page).not.toContain(adminKey.slice(adminKey.indexOf('_', 3) + 1));
    // No other origin may read the API with the browser's credentials.
    const cross = await fetch(url, { headers: { accept: 'text/html', origin: 'https://evil.example' } });
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
    expect(cross.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('serves the demo population, demo segments, tasks and the workspace plugins', async () => {
    const r = await gql(`{
      customers { totalCount }
      regions(level: CITY) { totalCount }
      segments { totalCount edges { node { name count } } }
      tasks { totalCount }
      plugins { edges { node { id status } } }
    }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.customers.totalCount).toBe(800);
    expect(r.data.regions.totalCount).toBe(6);
    expect(r.data.segments.totalCount).toBe(5);
    expect(r.data.segments.edges.some((e: any) => e.node.count > 0)).toBe(true);
    expect(r.data.tasks.totalCount).toBeGreaterThan(0);
    expect(r.data.plugins.edges.every((e: any) => ['INACTIVE', 'ACTIVE'].includes(e.node.status))).toBe(true);
    const health = await fetch(url.replace('/graphql', '/health'));
    expect(await health.json()).toEqual({ status: 'ok', database: testDatabaseKind() });
  });

  it('shows KPIs with uplift against the control group over the demo history of treatment and control', async () => {
    // The history covers the 5th to 3rd months before the last complete one (their horizons have ended).
    const now = new Date();
    const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1 - back, 1)).toISOString().slice(0, 7);
    let treated = 0;
    let control = 0;
    for (const m of [month(5), month(4), month(3)]) {
      const r = await gql(`{ kpis(regionCode: "JS", month: "${m}", by: TACTIC) { rows { key uplift { treated control } } } }`);
      expect(r.errors).toBeUndefined();
      const row = r.data.kpis.rows.find((x: any) => x.key === 'tactic-prepaid-boost/prepaid-boost');
      treated += row?.uplift.treated ?? 0;
      control += row?.uplift.control ?? 0;
    }
    expect(treated).toBeGreaterThan(control);
    expect(control).toBeGreaterThan(0);
    const total = await gql(`{ kpis(regionCode: "JS", month: "${month(0)}") { rows { customers churned retentionRate } } }`);
    expect(total.data.kpis.rows[0].customers).toBeGreaterThan(0);
  });

  it('makes the daily KPI report of each demo province by its job, after the first plans', async () => {
    let reports: Array<{ regionCode: string; html: string; csv: string }> = [];
    for (const started = Date.now(); reports.length === 0 && Date.now() - started < 120_000; await new Promise((r) => setTimeout(r, 1000))) {
      const r = await gql(`{ kpiReports(regionCode: "JS") { regionCode html csv } }`);
      expect(r.errors).toBeUndefined();
      reports = r.data.kpiReports;
    }
    expect(reports.map((r) => r.regionCode)).toEqual(['JS']);
    expect(reports[0]!.html).toContain('<svg');
    expect(reports[0]!.csv.split('\n').length).toBeGreaterThan(2);
    const runs = await gql(`{ jobRuns(filter: { pluginId: "core:kpis-report", regionCode: "JS" }) { edges { node { status trigger } } } }`);
    expect(runs.data.jobRuns.edges.map((e: any) => e.node)).toContainEqual({ status: 'SUCCEEDED', trigger: 'manual' });
  });

  it('enables the warning rules in the demo provinces, runs each once, and backtests them', async () => {
    const plugins = (await gql(`{ plugins(first: 100) { edges { node { id status enabledRegions } } } }`)).data.plugins.edges.map((e: any) => e.node);
    const rules = plugins.filter((p: any) => p.id.startsWith('warning-'));
    expect(rules.length).toBeGreaterThanOrEqual(10);
    expect(rules.every((p: any) => p.status === 'ACTIVE' && p.enabledRegions.includes('JS') && p.enabledRegions.includes('ZJ'))).toBe(true);
    let open = 0;
    for (const started = Date.now(); open === 0 && Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 500))) {
      open = (await gql(`{ warnings { totalCount } }`)).data.warnings.totalCount;
    }
    expect(open).toBeGreaterThan(0);
    const now = new Date();
    const asOf = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 4, 1)).toISOString().slice(0, 7);
    const r = await gql(`{ warningBacktest(asOf: "${asOf}", horizon: 3, region: "JS") { population rules { rule figures { flagged } } combined { flagged } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.warningBacktest.population).toBeGreaterThan(0);
    expect(r.data.warningBacktest.rules.length).toBeGreaterThanOrEqual(rules.length);
  }, 90_000);

  it('plans next best actions with the tactic plugins in every demo city, and dispatches them to the roster', async () => {
    const RUNS = `{ plannerRuns(regionCode: "JS-NJ") { day status tactics created skipped { tactic } } }`;
    // Today's runs: the demo history holds runs of months ago.
    const recent = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    let runs: any[] = [];
    for (const started = Date.now(); !runs.some((r) => r.status === 'succeeded') && Date.now() - started < 90_000; await new Promise((r) => setTimeout(r, 500))) {
      runs = (await gql(RUNS)).data.plannerRuns.filter((r: any) => r.day >= recent);
    }
    expect(runs[0]).toMatchObject({ status: 'succeeded', skipped: [] });
    expect(runs[0].tactics).toBeGreaterThanOrEqual(12);
    expect(runs[0].created).toBeGreaterThan(0);
    const TASKS = `{ tasks(first: 100, filter: { regionCodes: ["JS-NJ"] }) { edges { node { tactic tacticTitle assignee script offer { title costCents } } } } }`;
    let planned: any[] = [];
    for (const started = Date.now(); !planned.some((t) => t.assignee) && Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 500))) {
      planned = (await gql(TASKS)).data.tasks.edges.map((e: any) => e.node).filter((t: any) => t.offer !== null);
    }
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((t: any) => t.tacticTitle && t.offer.title && !/[{}]/.test(t.script))).toBe(true);
    expect(planned.some((t: any) => ['li.lei', 'han.meimei', 'zhou.min', 'zheng.yu'].includes(t.assignee))).toBe(true);
  }, 180_000);
});
