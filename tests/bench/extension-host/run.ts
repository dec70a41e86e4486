/**
 * `pnpm bench extension-host [-- --customers N] [--rounds R] [--requests Q] [--reuse]`: a page of 100
 * customers with a plugin field (`steady`, a test fixture: `Customer.steadyTag` computed in the resolver,
 * and `Customer.steadyTier` read through the plugin's services), POSTed over HTTP to two servers on the
 * same database in the same process: one running the plugin in process, one in an extension host
 * process. The two alternate, R rounds of Q requests each; prints the median request times and the ratio
 * (target ≤ 1.3 for steadyTag), writes results/extension-host-latest.json. Fails only when the two
 * servers answer differently.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApiKey } from '@weixi/core/access';
import { loadPlugins, startPlatform, type Platform } from '@weixi/platform';
import { check, median, round, timed, type Check } from '../measure.js';
import { table, writeResults } from '../report.js';
import { BENCH_NOW, setupBenchDatabase } from '../setup.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'extension-host'),
  options: { customers: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '10' }, requests: { type: 'string', default: '20' }, reuse: { type: 'boolean', default: false } },
});
const customers = Number(values.customers!.replace(/[_,]/g, ''));
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const url = process.env.WEIXI_BENCH_EXTENSION_HOST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_extension_host';
const page = (field: string) => `{ customers(first: 100) { edges { node { id ${field} } } } }`;
const FIELDS = [
  { field: 'steadyTag', what: 'computed in the resolver' },
  { field: 'steadyTier', what: 'read through request.services, one call a customer' },
  { field: 'tier', what: 'core field only (no plugin), for scale' },
];

/** A GraphQL client over HTTP (`@weixi/testing`'s needs vitest): `ok` fails on any error. */
const graphqlClient = (url: string, key: string) => {
  const gql = async (query: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
    return (await res.json()) as { data?: any; errors?: unknown[] };
  };
  const ok = async (query: string) => {
    const body = await gql(query);
    if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors).slice(0, 500)}`);
    return body.data;
  };
  return { gql, ok };
};

const { database, figures: setup } = await setupBenchDatabase({ customers, reuse: values.reuse!, url });
const { plugins } = await loadPlugins({ packages: [fileURLToPath(new URL('../../plugins/fixtures/steady', import.meta.url))], baseDir: process.cwd() });
const clock = { now: () => new Date(BENCH_NOW) };
const servers: Record<'in-process' | 'process', Platform | undefined> = { 'in-process': undefined, process: undefined };
const checks: Check[] = [];
try {
  for (const mode of ['in-process', 'process'] as const) servers[mode] = await startPlatform({ database, clock, plugins, runJobs: false, extensionHost: mode });
  const key = (await createApiKey(database.db, { role: 'admin', name: 'bench extension host' })).key;
  const clients = { 'in-process': graphqlClient(servers['in-process']!.server.url, key), process: graphqlClient(servers.process!.server.url, key) };
  const client = (mode: 'in-process' | 'process') => clients[mode];
  await client('in-process').ok(`mutation { enablePlugin(id: "steady") { plugin { status } } }`);
  // The other server follows the change notice.
  for (const mode of ['in-process', 'process'] as const) {
    for (let i = 0; ; i++) {
      if ((await client(mode).gql(page('steadyTag'))).errors === undefined) break;
      if (i > 100) throw new Error(`the ${mode} server did not activate the plugin`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const rows: Array<{ field: string; what: string; inProcessMs: number; processMs: number; ratio: number }> = [];
  for (const { field, what } of FIELDS) {
    const query = page(field);
    const answers = await Promise.all([client('in-process').ok(query), client('process').ok(query)]);
    checks.push(check(`${field}: both servers answer the same page`, JSON.stringify(answers[0]) === JSON.stringify(answers[1]), 'the pages differ'));
    const ms: Record<'in-process' | 'process', number[]> = { 'in-process': [], process: [] };
    for (const mode of ['in-process', 'process'] as const) for (let i = 0; i < requests; i++) await client(mode).ok(query); // warm
    for (let r = 0; r < rounds; r++) {
      for (const mode of r % 2 === 0 ? (['in-process', 'process'] as const) : (['process', 'in-process'] as const)) {
        for (let i = 0; i < requests; i++) ms[mode].push((await timed(() => client(mode).ok(query))).ms);
      }
    }
    const inProcessMs = round(median(ms['in-process']), 2);
    const processMs = round(median(ms.process), 2);
    rows.push({ field, what, inProcessMs, processMs, ratio: round(processMs / inProcessMs, 2) });
  }
  const messages = servers.process!.extensionHost!.messages;
  const results = {
    generatedAt: new Date().toISOString(),
    options: { customers, rounds, requests, page: 100 },
    node: process.version,
    setup,
    fields: rows,
    target: 1.3,
    extensionHost: { messages, figures: servers.process!.extensionHost!.figures() },
    checks,
    passed: checks.every((c) => c.ok),
  };
  console.log(
    `\nExtension host bench: a page of 100 customers with a plugin field, median of ${rounds * requests} requests per side\n` +
      table(['field', 'in process ms', 'extension host ms', 'ratio'], rows.map((r) => [`${r.field} (${r.what})`, r.inProcessMs, r.processMs, r.ratio.toFixed(2)])),
  );
  console.log(`\nwrote ${writeResults(results, 'extension-host-latest.json')}`);
  if (!results.passed) process.exitCode = 1;
} finally {
  for (const platform of Object.values(servers)) await platform?.close();
  await database.close();
}
