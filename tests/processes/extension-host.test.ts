/**
 * Plugins in an extension host process (`WEIXI_EXTENSION_HOST=process`): a plugin that loops, runs out
 * of memory, throws from a timer or exits takes down only its host. Meanwhile the API answers core
 * queries at once, the plugin's fields answer PLUGIN_UNAVAILABLE, the offender is named in the logs and
 * its figures, the host comes back with the plugins still enabled, and repeated crashes switch the
 * offender off. The host may not read outside its plugins, start processes or see credentials.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_ENV } from '@weixi/extension-host';
import { loadPlugins, type Logger } from '@weixi/platform';
import { customerInput, startTestApi, type TestApi } from '../api/harness.js';

const fixture = (name: string) => fileURLToPath(new URL(`../plugins/fixtures/${name}`, import.meta.url));

/** Log records, as the platform's JSON logger would write them. */
const records: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
const logger: Logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (msg: string, fields: Record<string, unknown> = {}) => void records.push({ level, msg, fields })]),
) as unknown as Logger;

let api: TestApi;

const CORE = `{ regions(first: 5) { edges { node { code } } } }`;

/** How long the API takes to answer a core query: the best of three, so one scheduling hiccup of a shared machine does not decide. */
async function coreLatencyMs(): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const answer = await api.gql(CORE);
    expect(answer.errors).toBeUndefined();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const crashes = () => records.filter((r) => r.msg === 'extension host crashed');
/** The last crash logged, once `count` were (a call fails as the host is killed, the log follows its exit). */
async function crash(count: number) {
  await expect.poll(() => crashes().length, { timeout: 5_000 }).toBe(count);
  return crashes().at(-1)!.fields;
}
const STEADY = `{ customers(first: 5) { edges { node { steadyTag } } } }`;

/** Waits for the host to recover from its last crash, then checks the steady plugin answers again. */
async function recovered(): Promise<void> {
  await api.extensionHost!.recovered;
  const again = await api.gql(STEADY);
  expect(again.errors).toBeUndefined();
  expect(again.data!.customers.edges[0].node.steadyTag).toMatch(/^JS-NJ-\d+$/);
}

beforeAll(async () => {
  // What a server's environment holds; none of it may reach plugin code.
  process.env.DATABASE_URL = 'postgres://weixi:secret@db.internal/weixi';
  process.env.PGPASSWORD = 'secret';
  process.env.WEIXI_JWT_SECRET = 'a-secret-of-the-server-that-is-long-enough-0123456789';
  const { plugins, refused } = await loadPlugins({ packages: [fixture('faulty'), fixture('steady')], baseDir: process.cwd() });
  expect(refused).toEqual([]);
  api = await startTestApi('2026-11-15T04:00:00Z', {
    plugins,
    failureThreshold: 6,
    extensionHost: 'process',
    extensionHostLimits: { fieldMs: 1_500, jobMs: 3_000, jobCpuMs: 500, heartbeatMs: 250, deadMs: 1_500, heapMb: 128, backoffMs: [400, 2_000] },
    logger,
  });
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, {
    c: Array.from({ length: 5 }, (_, i) => customerInput(`1350000000${i}`, { regionCode: 'JS-NJ' })),
  });
  for (const id of ['faulty', 'steady']) await api.ok(`mutation { enablePlugin(id: "${id}", regionCode: "JS") { plugin { status } } }`);
  await recovered();
}, 120_000);
afterAll(async () => {
  await api?.close();
  delete process.env.DATABASE_URL;
  delete process.env.PGPASSWORD;
  delete process.env.WEIXI_JWT_SECRET;
});

describe('the extension host confines plugin code', () => {
  it('refuses reading /etc/passwd and starting a process, and holds no credentials', async () => {
    const own = fixture('faulty') + '/package.json';
    const data = await api.ok<Record<string, unknown>>(`query ($own: String!) { passwd: faulty_read(path: "/etc/passwd") own: faulty_read(path: $own) faulty_spawn faulty_env }`, { own });
    expect(data.passwd).toBe('ERR_ACCESS_DENIED');
    expect(data.own).toBe('{'); // its own folder it may read
    expect(data.faulty_spawn).toBe('ERR_ACCESS_DENIED');
    const env = data.faulty_env as string[];
    expect(env.every((name) => (HOST_ENV as readonly string[]).includes(name))).toBe(true);
    expect(env).not.toContain('DATABASE_URL');
    expect(env).not.toContain('PGPASSWORD');
    expect(crashes()).toEqual([]);
  });
});

describe('a plugin that brings its host down takes nothing else with it', () => {
  it('an endless loop in a resolver: killed, named, unavailable meanwhile, then back', async () => {
    const spinning = api.gql(`{ faulty_spin }`);
    await new Promise((r) => setTimeout(r, 200));
    expect(await coreLatencyMs()).toBeLessThan(100);
    const answer = await spinning;
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'PLUGIN_UNAVAILABLE', plugin: 'faulty' });
    expect(answer.errors?.[0]?.message).toContain('ran over 1500 ms');
    // Down until the backoff ends: the other plugin's fields too, core fields not.
    const down = await api.gql(STEADY);
    expect(down.errors?.[0]?.extensions).toMatchObject({ code: 'PLUGIN_UNAVAILABLE', plugin: 'steady' });
    expect(await coreLatencyMs()).toBeLessThan(100);
    expect(await crash(1)).toMatchObject({ plugin: 'faulty' });
    await recovered();
  });

  it('a 2 GB allocation: the host runs out of memory, not the API', async () => {
    const hog = api.gql(`{ faulty_hog }`);
    expect(await coreLatencyMs()).toBeLessThan(100);
    const answer = await hog;
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'PLUGIN_UNAVAILABLE', plugin: 'faulty' });
    expect(await crash(2)).toMatchObject({ plugin: 'faulty', reason: expect.stringContaining('out of memory') });
    expect(await coreLatencyMs()).toBeLessThan(100);
    await recovered();
  });

  it('an error thrown from a timer: the host exits naming the plugin whose code threw', async () => {
    // Asked without a pause through the crash and the recovery, a plugin field answers or is unavailable:
    // it never leaves the schema (a validation error) while the plugins are activated again.
    let watching = true;
    const codes = new Set<string>();
    const watch = (async () => {
      while (watching) {
        const answer = await api.gql(STEADY);
        codes.add(answer.errors ? String(answer.errors[0]?.extensions?.code) : 'ok');
      }
    })();
    try {
      expect((await api.ok(`{ faulty_throwLater }`)).faulty_throwLater).toBe(1);
      expect(await crash(3)).toMatchObject({ plugin: 'faulty', reason: expect.stringContaining('faulty threw from a timer') });
      expect(await coreLatencyMs()).toBeLessThan(100);
      await recovered();
    } finally {
      // A failure above must not leave the loop asking through the tests that follow.
      watching = false;
      await watch;
    }
    expect([...codes].sort()).toEqual(['PLUGIN_UNAVAILABLE', 'ok']);
  });

  it('a job run over its CPU limit: killed, the run failed with the reason, the plugin named', async () => {
    await api.ok(`mutation { runJob(pluginId: "faulty", jobId: "burn", regionCode: "JS-NJ") { run { status } } }`);
    const started = Date.now();
    await api.jobs.work();
    expect(Date.now() - started).toBeLessThan(5_000);
    const [run] = await api.jobs.runs({ pluginId: 'faulty', jobId: 'burn' });
    expect(run).toMatchObject({ attempt: 1, status: 'queued' }); // failed once, retried later by the runner
    expect(run!.error).toMatch(/used \d+ ms of CPU, over its 500 ms/);
    expect(await crash(4)).toMatchObject({ plugin: 'faulty', reason: expect.stringContaining('CPU') });
    await api.jobs.cancelQueued('faulty', [], 'test: no retry');
    await recovered();
  });

  it('a job run over its wall-clock limit: killed, the run failed with the reason', async () => {
    await api.ok(`mutation { runJob(pluginId: "faulty", jobId: "sleep", regionCode: "JS-NJ") { run { status } } }`);
    await api.jobs.work();
    const [run] = await api.jobs.runs({ pluginId: 'faulty', jobId: 'sleep' });
    expect(run!.error).toMatch(/ran over 3000 ms/);
    expect(await crash(5)).toMatchObject({ plugin: 'faulty' });
    await api.jobs.cancelQueued('faulty', [], 'test: no retry');
    await recovered();
  });

  it('process.exit() in a job: the run fails, the host restarts, and the sixth crash switches the plugin off', async () => {
    await api.ok(`mutation { runJob(pluginId: "faulty", jobId: "exit", regionCode: "JS-NJ") { run { status } } }`);
    await api.jobs.work();
    expect(await coreLatencyMs()).toBeLessThan(100);
    expect(await crash(6)).toMatchObject({ plugin: 'faulty', reason: 'exited with code 0' });
    await api.extensionHost!.recovered;
    const [run] = await api.jobs.runs({ pluginId: 'faulty', jobId: 'exit' });
    // The attempt failed on the dead host; the retry it queued was cancelled when the breaker switched faulty off.
    expect(run).toMatchObject({ attempt: 1, status: 'cancelled' });
    expect(run!.error).toMatch(/faulty/);
    // Six crashes in a row in JS: the circuit breaker disabled faulty there; steady runs on.
    const plugin = await api.ok(`{ plugins(first: 10) { edges { node { id status enabledRegions health { regionCode consecutiveFailures trippedAt lastError } } } } }`);
    const faulty = plugin.plugins.edges.map((e: { node: Record<string, unknown> }) => e.node).find((n: { id: string }) => n.id === 'faulty');
    expect(faulty.enabledRegions).toEqual([]);
    expect(faulty.health).toEqual([expect.objectContaining({ regionCode: 'JS', consecutiveFailures: 6, trippedAt: expect.any(String), lastError: expect.stringContaining('its extension host exited with code 0') })]);
    const gone = await api.gql(`{ faulty_ok }`);
    expect(gone.errors?.[0]?.message).toMatch(/faulty_ok/);
    await recovered();
    const figures = api.extensionHost!.figures().find((f) => f.pluginId === 'faulty')!;
    expect(figures.crashes).toBe(6);
    expect(figures.cpuMicros).toBeGreaterThan(0);
    // Admins see the same figures on /metrics (served to loopback without a token).
    const metrics = await (await fetch(new URL('/metrics', api.server.url))).text();
    expect(metrics).toMatch(/weixi_extension_host_crashes\{plugin="faulty"\} 6/);
    expect(metrics).toMatch(/weixi_extension_host_cpu_seconds\{plugin="faulty"\} [0-9.e-]+/);
  });
});
