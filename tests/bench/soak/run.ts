/**
 * `pnpm bench soak [-- --minutes M | --seconds S] [--rate R] [--connections C] [--servers K] [--customers N] [--reuse]`:
 * the platform as `pnpm start` serves it (K processes on one PostgreSQL database, default 1, each taking an
 * equal share of the rate and connections, as behind a load balancer) under a steady mix of reads and writes
 * at R requests/s (default 200 for 30 minutes): an operator's customers page, an agent's task list,
 * recordEvents, recordUsage and createTask, each write with a fresh idempotency key. Every response is
 * read: a non-2xx status or a GraphQL error counts as an error. The server's heap after a full collection
 * is sampled through the run (each server's); "flat" means the last third's median is within 15% (and 16 MB) of the first
 * third's, after a minute's warm-up or a fifth of the run. Errors or growth fail the run. Writes
 * results/soak-latest.json. CI runs `--seconds 60`.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createApiKey } from '@weixi/core/access';
import { check, median, round, type Check } from '../measure.js';
import { writeResults } from '../report.js';
import { BENCH_NOW, setupBenchDatabase } from '../setup.js';
import { ask, memoryOf, startSide, stopSide, cpuMs, type Side, type SideMemory } from '../load/sides.js';
import { AGENT_ID, OPERATOR_PAGE, OPERATOR_REGION, TASK_LIST } from '../load/queries.js';
import { soakMix, type SoakCustomer } from './mix.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'soak'),
  options: {
    minutes: { type: 'string', default: '30' },
    seconds: { type: 'string' },
    rate: { type: 'string', default: '200' },
    connections: { type: 'string', default: '50' },
    customers: { type: 'string', default: '20000' },
    pool: { type: 'string', default: '10' },
    servers: { type: 'string', default: '1' },
    reuse: { type: 'boolean', default: false },
  },
});
const seconds = values.seconds ? Number(values.seconds) : Number(values.minutes) * 60;
const rate = Number(values.rate);
const serverCount = Math.max(1, Number(values.servers));
const url = process.env.WEIXI_BENCH_SOAK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_soak';

const { database } = await setupBenchDatabase({ customers: Number(values.customers), reuse: values.reuse!, url });
const keys = {
  operator: (await createApiKey(database.db, { role: 'operator', regionCodes: [OPERATOR_REGION], name: 'soak bench' })).key,
  agent: (await createApiKey(database.db, { role: 'agent', agentId: AGENT_ID, name: 'soak bench' })).key,
};
await database.close();

const servers: Side[] = [];
for (let i = 0; i < serverCount; i++) servers.push(await startSide('weixi', { url, pool: Number(values.pool), scopes: {}, nodeArgs: ['--expose-gc'] }));
/** Heap samples per server. */
const samples: { atSeconds: number; memory: SideMemory[] }[] = [];
const started = Date.now();
let customers: SoakCustomer[] = [];
const mix = soakMix({ keys, customers: () => customers, queries: { page: OPERATOR_PAGE, tasks: TASK_LIST }, runId: started.toString(36), now: BENCH_NOW });
const sampleEvery = Math.max(5, Math.min(30, Math.round(seconds / 20)));
const cpuOfServers = () => servers.reduce((sum, s) => sum + cpuMs(s.child.pid), 0);
const memoryOfServers = () => Promise.all(servers.map((s) => memoryOf(s)));
const cpuBefore = cpuOfServers();
let results: autocannon.Result[];
let cpuAfter = cpuBefore;
try {
  customers = await operatorCustomers(servers[0]!.url, keys.operator);
  samples.push({ atSeconds: 0, memory: await memoryOfServers() });
  const timer = setInterval(() => {
    void memoryOfServers().then((memory) => {
      const at = Math.round((Date.now() - started) / 1000);
      samples.push({ atSeconds: at, memory });
      const errors = mix.errors();
      const heap = memory.map((m) => m.heapUsedMb).join(' + ');
      const rss = memory.map((m) => m.rssMb).join(' + ');
      console.log(`  soak ${at}/${seconds} s: ${mix.sent().toLocaleString('en')} requests, ${errors.total} errors, heap ${heap} MB, RSS ${rss} MB`);
    });
  }, sampleEvery * 1000);
  // One autocannon per server, each with its share: the rotation (one mix) runs across all of them.
  results = await Promise.all(
    servers.map((server) =>
      autocannon({
        url: server.url,
        method: 'POST',
        connections: Math.ceil(Number(values.connections) / serverCount),
        overallRate: rate / serverCount,
        duration: seconds,
        requests: [{ setupRequest: mix.setupRequest, onResponse: mix.onResponse }],
      }),
    ),
  );
  clearInterval(timer);
  cpuAfter = cpuOfServers();
  samples.push({ atSeconds: Math.round((Date.now() - started) / 1000), memory: await memoryOfServers() });
} finally {
  for (const server of servers) await stopSide(server);
}

const errors = mix.errors();
const warm = Math.min(60, seconds / 5);
const steady = samples.filter((s) => s.atSeconds >= warm);
const third = Math.max(1, Math.floor(steady.length / 3));
// Each server's heap must stay flat on its own.
const heaps = servers.map((_, i) => {
  const first = median(steady.slice(0, third).map((s) => s.memory[i]!.heapUsedMb));
  const last = median(steady.slice(-third).map((s) => s.memory[i]!.heapUsedMb));
  return { first, last, flat: last <= Math.max(first * 1.15, first + 16) };
});
const total = (pick: (r: autocannon.Result) => number) => results.reduce((sum, r) => sum + pick(r), 0);
const requests = total((r) => r.requests.total);
const achieved = round(requests / Math.max(...results.map((r) => r.duration || seconds)));
const checks: Check[] = [
  check('no failed request', errors.total + total((r) => r.errors) + total((r) => r.timeouts) === 0, `${errors.total} errors (${JSON.stringify(errors.byKind)}), ${total((r) => r.errors)} socket errors, ${total((r) => r.timeouts)} timeouts`),
  check('flat memory', heaps.every((h) => h.flat), `heap after collection ${heaps.map((h) => `${h.first} MB in the first third, ${h.last} MB in the last`).join('; ')}`),
  check('held the rate', achieved >= rate * 0.9, `${achieved} req/s of ${rate}`),
];
const figures = {
  seconds,
  rate,
  servers: serverCount,
  achievedPerSecond: achieved,
  requests,
  byKind: mix.counts(),
  // With several servers, the worst server's percentiles (a conservative stand-in for the merged ones).
  p50Ms: Math.max(...results.map((r) => r.latency.p50)),
  p99Ms: Math.max(...results.map((r) => r.latency.p99)),
  cpuMsPerRequest: round((cpuAfter - cpuBefore) / Math.max(1, requests), 2),
  heapFirstThirdMb: heaps.map((h) => h.first),
  heapLastThirdMb: heaps.map((h) => h.last),
  samples,
};
console.log(`\nsoak: ${figures.requests.toLocaleString('en')} requests in ${seconds} s on ${serverCount} server${serverCount > 1 ? 's' : ''} (${achieved}/s of ${rate}), p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms,`);
console.log(`      ${errors.total} errors; heap ${heaps.map((h) => `${h.first} MB → ${h.last} MB`).join(', ')}; ${figures.cpuMsPerRequest} ms server CPU a request; mix ${JSON.stringify(figures.byKind)}`);
const passed = checks.every((c) => c.ok);
console.log(`wrote ${writeResults({ generatedAt: new Date().toISOString(), figures, checks, passed }, 'soak-latest.json')}`);
if (!passed) process.exitCode = 1;

/** The operator's first 100 customers, as the API names them. */
async function operatorCustomers(target: string, token: string): Promise<SoakCustomer[]> {
  const data = (await ask(target, token, '{ customers(first: 100) { edges { node { id msisdn } } } }')) as { customers: { edges: { node: SoakCustomer }[] } };
  const found = data.customers.edges.map((e) => e.node);
  if (found.length === 0) throw new Error('the operator sees no customers');
  return found;
}
