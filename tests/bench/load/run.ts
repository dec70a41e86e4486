/**
 * `pnpm bench load [-- --customers N] [--connections C] [--seconds S] [--max-requests R] [--rounds K] [--reuse]`:
 * everyday requests under load. Weixi (as `pnpm start` serves it) and the bare one-statement baseline run
 * in their own processes on one PostgreSQL database; autocannon drives each at C connections for S seconds
 * (or R requests, whichever comes first), Weixi and baseline alternating, K rounds. Prints a table and
 * writes results/load-latest.json. Only correctness (equal answers, no failed requests) fails the run.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createApiKey } from '@weixi/core/access';
import { check, median, round, type Check } from '../measure.js';
import { writeResults } from '../report.js';
import { setupBenchDatabase } from '../setup.js';
import { ask, cpuMs, startSide, stopSide } from './sides.js';
import { AGENT_ID, OPERATOR_PAGE, OPERATOR_REGION, TASK_LIST, type BaselineScope } from './queries.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'load'),
  options: {
    customers: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '8' },
    'max-requests': { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '2' },
    pool: { type: 'string', default: '10' },
    reuse: { type: 'boolean', default: false },
    /** Another checkout of Weixi (its directory), served too and measured in the same run: an A/B of a change. */
    against: { type: 'string' },
    /** Only the scenarios whose "request as key" contains this text (e.g. `page as admin`). */
    only: { type: 'string' },
    /** Write CPU profiles of the Weixi and baseline sides (node --cpu-prof) into this directory. */
    profile: { type: 'string' },
  },
});
const num = (name: keyof typeof values) => Number(values[name]);
const options = {
  customers: num('customers'),
  connections: num('connections'),
  seconds: num('seconds'),
  maxRequests: num('max-requests'),
  rounds: num('rounds'),
  pool: num('pool'),
};
const url = process.env.WEIXI_BENCH_LOAD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_load';

interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
  /** CPU time (user + system) of the server process per request, ms: robust when the machine is shared. */
  cpuMsPerRequest: number;
}

async function load(target: string, token: string, query: string, seconds: number, maxRequests = options.maxRequests, pid?: number): Promise<LoadFigures> {
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({
    url: target,
    method: 'POST',
    connections: options.connections,
    duration: seconds,
    maxOverallRequests: maxRequests,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return {
    requestsPerSecond: round(result.requests.total / (result.duration || seconds)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    cpuMsPerRequest: round((cpuMs(pid) - cpuBefore) / Math.max(1, result.requests.total), 2),
  };
}

const { database } = await setupBenchDatabase({ customers: options.customers, reuse: values.reuse!, url });
const keys = {
  admin: (await createApiKey(database.db, { role: 'admin', name: 'load bench' })).key,
  operator: (await createApiKey(database.db, { role: 'operator', regionCodes: [OPERATOR_REGION], name: 'load bench' })).key,
  agent: (await createApiKey(database.db, { role: 'agent', agentId: AGENT_ID, name: 'load bench' })).key,
};
const [njPath] = await database.rows<{ path: string }>(sql`select path from regions where code = ${OPERATOR_REGION}`);
await database.close();

const scopes: Record<string, BaselineScope> = {
  [keys.admin]: { kind: 'all' },
  [keys.operator]: { kind: 'regions', path: njPath!.path },
  [keys.agent]: { kind: 'agent', agentId: AGENT_ID },
};
const scenarios = [
  { name: 'operator page', role: 'admin', query: OPERATOR_PAGE },
  { name: 'operator page', role: 'operator', query: OPERATOR_PAGE },
  { name: 'task list', role: 'admin', query: TASK_LIST },
  { name: 'task list', role: 'operator', query: TASK_LIST },
  { name: 'task list', role: 'agent', query: TASK_LIST },
].filter((s) => !values.only || `${s.name} as ${s.role}`.includes(values.only)) as { name: string; role: keyof typeof keys; query: string }[];

const sides = { url, pool: options.pool, scopes };
// Each side's profiles in a folder of its own (`DIR/weixi`, `DIR/baseline`), to compare where each spends.
const profiled = (side: string) => (values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}/${side}`] : []);
const weixi = await startSide('weixi', { ...sides, nodeArgs: profiled('weixi') });
const baseline = await startSide('baseline', { ...sides, nodeArgs: profiled('baseline') });
const against = values.against ? await startSide('weixi', { ...sides, checkout: values.against }) : undefined;
const checks: Check[] = [];
const rows = [];
let rss: { weixiMb: number; baselineMb: number; againstMb?: number } = { weixiMb: 0, baselineMb: 0 };
try {
  // The first requests of a fresh process run cold (JIT, prepared statements, plans): warm every request first.
  for (const scenario of scenarios) {
    await load(weixi.url, keys[scenario.role], scenario.query, 2, 2000);
    if (against) await load(against.url, keys[scenario.role], scenario.query, 2, 2000);
  }
  for (const scenario of scenarios) {
    const token = keys[scenario.role];
    const [a, b] = [await ask(weixi.url, token, scenario.query), await ask(baseline.url, token, scenario.query)];
    checks.push(check(`${scenario.name} as ${scenario.role}: same answer`, isDeepStrictEqual(a, b), isDeepStrictEqual(a, b) ? 'equal' : `Weixi ${JSON.stringify(a).slice(0, 300)} vs baseline ${JSON.stringify(b).slice(0, 300)}`));
    // Warm-up: plans, JIT, connections.
    await load(weixi.url, token, scenario.query, 2, 2000);
    await load(baseline.url, token, scenario.query, 2, 2000);
    if (against) await load(against.url, token, scenario.query, 2, 2000);
    const runs = { weixi: [] as LoadFigures[], baseline: [] as LoadFigures[], against: [] as LoadFigures[] };
    for (let r = 0; r < options.rounds; r++) {
      runs.weixi.push(await load(weixi.url, token, scenario.query, options.seconds, options.maxRequests, weixi.child.pid));
      runs.baseline.push(await load(baseline.url, token, scenario.query, options.seconds, options.maxRequests, baseline.child.pid));
      if (against) runs.against.push(await load(against.url, token, scenario.query, options.seconds, options.maxRequests, against.child.pid));
    }
    const failures = [...runs.weixi, ...runs.baseline, ...runs.against].reduce((n, f) => n + f.failures, 0);
    checks.push(check(`${scenario.name} as ${scenario.role}: no failed request`, failures === 0, `${failures} failed`));
    const mid = (side: LoadFigures[], key: keyof LoadFigures) => round(median(side.map((f) => f[key])));
    const figures = (side: LoadFigures[]) => ({
      requestsPerSecond: mid(side, 'requestsPerSecond'),
      p50Ms: mid(side, 'p50Ms'),
      p99Ms: mid(side, 'p99Ms'),
      cpuMsPerRequest: round(median(side.map((f) => f.cpuMsPerRequest)), 2),
    });
    const row = {
      scenario: scenario.name,
      role: scenario.role,
      weixi: figures(runs.weixi),
      baseline: figures(runs.baseline),
      against: against ? figures(runs.against) : undefined,
      throughputRatio: 0,
      runs,
    };
    row.throughputRatio = round(row.weixi.requestsPerSecond / row.baseline.requestsPerSecond, 2);
    rows.push(row);
    const shown = (f: ReturnType<typeof figures>) => `${f.requestsPerSecond} req/s p50 ${f.p50Ms} ms p99 ${f.p99Ms} ms CPU ${f.cpuMsPerRequest} ms/req`;
    console.log(`  ${scenario.name} as ${scenario.role}: Weixi ${shown(row.weixi)}; baseline ${shown(row.baseline)}; ${row.throughputRatio}x`);
    if (row.against) console.log(`    against ${values.against}: ${shown(row.against)}; ${round(row.against.requestsPerSecond / row.baseline.requestsPerSecond, 2)}x`);
  }
} finally {
  rss = { weixiMb: await stopSide(weixi), baselineMb: await stopSide(baseline), againstMb: against ? await stopSide(against) : undefined };
}

console.log(`\n| request | key | Weixi req/s | baseline req/s | ratio | Weixi p50 / p99 ms | baseline p50 / p99 ms | CPU ms/request Weixi / baseline |`);
console.log(`|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.scenario} | ${r.role} | ${r.weixi.requestsPerSecond} | ${r.baseline.requestsPerSecond} | ${r.throughputRatio} | ${r.weixi.p50Ms} / ${r.weixi.p99Ms} | ${r.baseline.p50Ms} / ${r.baseline.p99Ms} | ${r.weixi.cpuMsPerRequest} / ${r.baseline.cpuMsPerRequest} |`);
}
console.log(`\npeak RSS: Weixi ${rss.weixiMb} MB, baseline ${rss.baselineMb} MB`);
const passed = checks.every((c) => c.ok);
console.log(`wrote ${writeResults({ generatedAt: new Date().toISOString(), options, scenarios: rows, peakRss: rss, checks, passed }, 'load-latest.json')}`);
if (!passed) process.exitCode = 1;
