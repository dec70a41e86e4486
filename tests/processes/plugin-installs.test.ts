/**
 * Plugins from a private registry across two real server processes (`api/src/main.ts`) and a `weixi
 * worker` on one PostgreSQL database and one Verdaccio, each with its own plugin store: installed over the
 * API on one, enabled for one city, upgraded (settings kept and migrated), a failing upgrade rolled back,
 * disabled and uninstalled, every step served by both servers (and followed by the worker, by its log)
 * within seconds, and none restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@weixi/core/access';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { generatePublisherKeys } from '@weixi/plugin-store';
import { graphqlHttpClient, type GraphQLHttpClient } from '@weixi/testing';
import { publishGreetingReleases } from '../../packages/plugin-store/src/fixture-plugin.test-support.js';
import { startRegistry, type TestRegistry } from '../../packages/plugin-store/src/verdaccio.test-support.js';
import { insertTestRegions } from '../api/harness.js';
import { repoRoot, startApiProcess, stopApiProcess, within, type ApiProcess } from './api-process.js';

const onPostgres = testDatabaseKind() === 'postgres';
const acme = generatePublisherKeys();
const SECONDS = 15_000;

interface Server {
  name: string;
  process: ApiProcess;
  api: GraphQLHttpClient;
  store: string;
}

let database: TestDatabase;
let registry: TestRegistry;
let work: string;
const servers: Server[] = [];

async function startServer(name: string, adminKey: string): Promise<Server> {
  const store = join(work, `store-${name}`);
  const process = await startApiProcess(
    { DATABASE_URL: database.url, WEIXI_DEMO_CUSTOMERS: '0', WEIXI_LOG_LEVEL: 'info', WEIXI_RATE_LIMIT_PER_MINUTE: '0', WEIXI_PLUGIN_STORE: store, WEIXI_PLUGIN_REGISTRY: registry.url },
    180_000,
  );
  const server = { name, process, api: graphqlHttpClient(process.url, adminKey), store };
  servers.push(server);
  return server;
}

/** `weixi worker` (no HTTP): what it did is read from its JSON log lines. */
async function startWorker(): Promise<{ child: ChildProcess; logs(): string }> {
  const env = { ...process.env, DATABASE_URL: database.url, WEIXI_LOG_LEVEL: 'info', WEIXI_PLUGIN_STORE: join(work, 'store-worker'), WEIXI_PLUGIN_REGISTRY: registry.url };
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['packages/cli/src/main.ts', 'worker'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (/Weixi worker running/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}; stderr: ${stderr}`)));
  });
  return { child, logs: () => stderr };
}

/** Waits for the worker's log line `msg` about greeting (and `version`, when given). */
const workerLogged = (msg: string, version?: string) =>
  within(`worker logs ${msg} ${version ?? ''}`, SECONDS, async () =>
    worker.logs().split('\n').some((line) => line.includes(`"msg":"${msg}"`) && line.includes('"plugin":"greeting"') && (version === undefined || line.includes(`"version":"${version}"`))),
  );

const hello = async (server: Server) => {
  const r = await server.api.gql<{ greeting_hello: string }>(`query { greeting_hello(regionCode: "JS-NJ") }`);
  return r.errors ? `error: ${r.errors[0]!.message}` : r.data!.greeting_hello;
};
/** Waits until both servers answer `expected`. */
const bothAnswer = async (expected: string | RegExp) => {
  const matches = (answer: string) => (typeof expected === 'string' ? answer === expected : expected.test(answer));
  await Promise.all(servers.map((s) => within(`${s.name} answers ${String(expected)}`, SECONDS, async () => matches(await hello(s)))));
};

let a: Server;
let b: Server;
let worker: Awaited<ReturnType<typeof startWorker>>;
const pids: number[] = [];

describe.skipIf(!onPostgres)('plugins from a registry across server processes (PostgreSQL)', () => {
  beforeAll(async () => {
    registry = await startRegistry();
    await publishGreetingReleases(registry, { privateKey: acme.privateKey, publisher: 'acme' });
    work = await mkdtemp(join(tmpdir(), 'weixi-installs-'));
    database = await createTestDatabase();
    await insertTestRegions(database);
    const adminKey = (await createApiKey(database.db, { role: 'admin', name: 'installs test' })).key;
    [a, b, worker] = await Promise.all([startServer('A', adminKey), startServer('B', adminKey), startWorker()]);
    pids.push(a.process.child.pid!, b.process.child.pid!, worker.child.pid!);
  }, 300_000);

  afterAll(async () => {
    for (const s of servers) await s.process.stop();
    await stopApiProcess(worker?.child);
    await database?.close();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs on A and loads it on B, each from its own store', async () => {
    await a.api.ok(`mutation ($k: String!) { trustPublisher(publisher: "acme", publicKey: $k) { keyId } }`, { k: acme.publicKey });
    const { installPlugin } = await a.api.ok<any>(`mutation { installPlugin(name: "weixi-plugin-greeting", range: "1.0.0") { id version signatureState } }`);
    expect(installPlugin).toEqual({ id: 'greeting', version: '1.0.0', signatureState: 'VERIFIED' });
    await within('B lists greeting', SECONDS, async () => (await b.api.ok<any>(`query { plugin(id: "greeting") { version status } }`)).plugin?.version === '1.0.0');
    for (const s of servers) expect(existsSync(join(s.store, 'greeting', '1.0.0', 'weixi-signature.json'))).toBe(true);
    await workerLogged('plugin loaded from the store', '1.0.0');
  });

  it('enabled for one city on A, its field answers on both', async () => {
    await a.api.ok(`mutation { enablePlugin(id: "greeting", regionCode: "JS-NJ") { plugin { status } } }`);
    await a.api.ok(`mutation { updatePluginSettings(id: "greeting", regionCode: "JS-NJ", settings: { greeting: "你好" }) { plugin { id } } }`);
    await bothAnswer('你好 from 1.0.0');
    const elsewhere = await b.api.gql(`query { greeting_hello(regionCode: "ZJ-HZ") }`);
    expect(elsewhere.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('upgraded on A, settings migrated: both serve the new version', async () => {
    const { upgradePlugin } = await a.api.ok<any>(`mutation { upgradePlugin(id: "greeting", range: "~1.1.0") { version previousVersion } }`);
    expect(upgradePlugin).toEqual({ version: '1.1.0', previousVersion: '1.0.0' });
    await bothAnswer('你好 from 1.1.0');
    const { plugin } = await b.api.ok<any>(`query { plugin(id: "greeting") { version settings(regionCode: "JS-NJ") } }`);
    expect(plugin).toEqual({ version: '1.1.0', settings: { salutation: '你好' } });
    await workerLogged('plugin version replaced', '1.1.0');
  });

  it('a failing upgrade on B is rolled back on both', async () => {
    const failed = await b.api.gql(`mutation { upgradePlugin(id: "greeting") { version } }`);
    expect(failed.errors![0]!.message).toContain("plugin 'greeting' 1.2.0 failed to activate (greeting 1.2.0 cannot start); rolled back to 1.1.0");
    await bothAnswer('你好 from 1.1.0');
    for (const s of servers) {
      await within(`${s.name} runs 1.1.0`, SECONDS, async () => (await s.api.ok<any>(`query { plugin(id: "greeting") { version status } }`)).plugin.status === 'ACTIVE');
      expect((await s.api.ok<any>(`query { plugin(id: "greeting") { version } installedPlugins { version } }`))).toEqual({ plugin: { version: '1.1.0' }, installedPlugins: [{ version: '1.1.0' }] });
    }
  });

  it('disabled and uninstalled on A: gone on both, with no restart', async () => {
    await a.api.ok(`mutation { disablePlugin(id: "greeting", regionCode: "JS-NJ") { plugin { status } } }`);
    await a.api.ok(`mutation { uninstallPlugin(id: "greeting") { id } }`);
    await bothAnswer(/Cannot query field "greeting_hello"/);
    for (const s of servers) {
      await within(`${s.name} drops greeting`, SECONDS, async () => (await s.api.ok<any>(`query { plugin(id: "greeting") { id } }`)).plugin === null);
      // The files go right after the plugin is switched off (plugin-store's sync): on B, a moment later.
      await within(`${s.name} deletes greeting's files`, SECONDS, async () => !existsSync(join(s.store, 'greeting')));
    }
    await workerLogged('plugin uninstalled');
    expect([a.process.child, b.process.child, worker.child].map((c) => [c.pid, c.exitCode])).toEqual(pids.map((pid) => [pid, null]));
  });
});
