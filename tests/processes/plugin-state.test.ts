/**
 * Plugin state across two real server processes (`api/src/main.ts`) on one PostgreSQL database, with a
 * plugin loaded through WEIXI_PLUGINS: enablement, settings and a tripped circuit breaker changed on one
 * reach the other within a second, and when the process running a job is killed with SIGKILL the other
 * takes over its run once the lease lapses and keeps the cron schedule going.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApiKey } from '@weixi/core/access';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { graphqlHttpClient, type GraphQLHttpClient } from '@weixi/testing';
import { insertTestRegions } from '../api/harness.js';
import { killAll, TWO_NANJING_CUSTOMERS, within } from './api-process.js';

const onPostgres = testDatabaseKind() === 'postgres';
const root = fileURLToPath(new URL('../..', import.meta.url));
const plugin = fileURLToPath(new URL('../plugins/fixtures/regional', import.meta.url));

interface Server {
  name: string;
  child: ChildProcess;
  api: GraphQLHttpClient;
  logs(): string;
  exited: Promise<unknown>;
}

let database: TestDatabase;
let adminKey: string;
const servers: Server[] = [];

/** Starts the server as `pnpm start` does (node itself, so its pid is the worker's), and waits for its URL. */
async function startServer(name: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: '0',
    WEIXI_DEMO_CUSTOMERS: '0',
    WEIXI_LOG_LEVEL: 'info',
    WEIXI_PLUGINS: plugin,
    WEIXI_RATE_LIMIT_PER_MINUTE: '0',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'api/src/main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name}: no URL within 90 s; stderr: ${stderr}`)), 90_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /GraphiQL: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}; stderr: ${stderr}`)));
  });
  const server = { name, child, api: graphqlHttpClient(url, adminKey), logs: () => stderr, exited };
  servers.push(server);
  return server;
}

const CANDIDATES = `query ($region: String!) { regional_candidates(regionCode: $region) }`;
const served = async (server: Server, region: string) => (await server.api.gql(CANDIDATES, { region })).data?.regional_candidates ?? undefined;

let a: Server;
let b: Server;

describe.skipIf(!onPostgres)('plugin state across server processes (PostgreSQL)', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    await insertTestRegions(database);
    adminKey = (await createApiKey(database.db, { role: 'admin', name: 'processes test' })).key;
    [a, b] = await Promise.all([startServer('A'), startServer('B')]);
    await a.api.ok(TWO_NANJING_CUSTOMERS);
  }, 180_000);

  afterAll(async () => {
    await killAll(servers);
    await database?.close();
  });

  it('enabling on A: within a second B serves the plugin and registers its job', { timeout: 30_000 }, async () => {
    expect(await served(b, 'JS-NJ')).toBeUndefined();
    await a.api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
    const ms = await within('B serves the field', 5_000, async () => (await served(b, 'JS-NJ')) !== undefined);
    expect(ms).toBeLessThan(1_000);
    expect(await served(b, 'JS-NJ')).toMatchObject({ count: 2, tag: 'base' });
    expect((await b.api.ok(`query { plugin(id: "regional") { status } }`)).plugin.status).toBe('ACTIVE');
    // The activation registered the plugin's job in B (four fields, one job, one event handler).
    expect(b.logs()).toMatch(/"msg":"plugin activated","plugin":"regional","registrations":\d+/);
  });

  it('a settings change on B reaches A within a second', { timeout: 30_000 }, async () => {
    await b.api.ok(`mutation { updatePluginSettings(id: "regional", regionCode: "JS-NJ", settings: { tag: "changed" }) { plugin { id } } }`);
    const ms = await within('A reads the new tag', 5_000, async () => (await served(a, 'JS-NJ'))?.tag === 'changed');
    expect(ms).toBeLessThan(1_000);
  });

  it('a circuit breaker tripped on A reaches B within a second', { timeout: 30_000 }, async () => {
    for (let i = 0; i < 5; i++) {
      const failed = await a.api.gql(`query { regional_candidates(regionCode: "JS-NJ-GL", limit: 13) }`);
      expect(failed.errors![0]!.extensions!.code).toBe('PLUGIN_ERROR');
    }
    const ms = await within('B stops serving the tripped district', 5_000, async () => {
      const r = await b.api.gql(CANDIDATES, { region: 'JS-NJ-GL' });
      return r.errors?.[0]?.extensions?.reason === 'plugin_not_enabled';
    });
    expect(ms).toBeLessThan(1_000);
    expect(await served(b, 'JS-NJ')).toMatchObject({ count: 1 });
    await a.api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS-NJ-GL") { plugin { status } } }`);
  });

  it('disabling on B: within a second A stops serving the plugin', { timeout: 30_000 }, async () => {
    await b.api.ok(`mutation { disablePlugin(id: "regional", regionCode: "JS-NJ-GL") { plugin { status } } }`);
    await b.api.ok(`mutation { disablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
    const ms = await within('A drops the field', 5_000, async () => {
      const r = await a.api.gql(CANDIDATES, { region: 'JS-NJ' });
      return r.errors?.[0]?.message.includes('Cannot query field "regional_candidates"') ?? false;
    });
    expect(ms).toBeLessThan(1_000);
    expect((await a.api.ok(`query { plugin(id: "regional") { status } }`)).plugin.status).toBe('INACTIVE');
  });

  it('kill -9 of the process running a job: the other takes over its run after the lease and runs the next cron slot', { timeout: 150_000 }, async () => {
    await a.api.ok(`mutation { updatePluginSettings(id: "regional", regionCode: "JS-NJ", settings: { steps: 20, stepMs: 300 }) { plugin { id } } }`);
    await a.api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
    await within('B has the plugin', 5_000, async () => (await served(b, 'JS-NJ')) !== undefined);
    // Two six-second runs: each process runs one at a time, so A takes one of them.
    for (let i = 0; i < 2; i++) await a.api.ok(`mutation { runJob(pluginId: "regional", jobId: "open-tasks", regionCode: "JS-NJ") { run { id } } }`);
    const worker = (server: Server) => `%:${server.child.pid}:%`;
    let runId = 0;
    await within('A runs a job', 20_000, async () => {
      const [row] = await database.rows<{ id: number }>(
        sql`select id from job_runs where plugin_id = 'regional' and status = 'running' and worker_id like ${worker(a)} and progress > 0 limit 1`,
      );
      runId = row?.id ?? 0;
      return runId > 0;
    });
    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = new Date();

    await within('B takes over the run', 60_000, async () => {
      const [run] = await database.rows<{ status: string }>(sql`select status from job_runs where id = ${runId}`);
      return run?.status === 'succeeded';
    });
    const [run] = await database.rows<{ attempt: number; worker: string }>(sql`select attempt, worker_id as worker from job_runs where id = ${runId}`);
    expect(run!.attempt).toBe(2);
    expect(run!.worker).toContain(`:${b.child.pid}:`);

    await within('B runs the next cron slot', 90_000, async () => {
      const [slot] = await database.rows<{ worker: string }>(
        sql`select worker_id as worker from job_runs where plugin_id = 'regional' and trigger = 'schedule' and status = 'succeeded'
            and scheduled_for > ${killedAt.toISOString()}::timestamptz`,
      );
      return slot?.worker.includes(`:${b.child.pid}:`) ?? false;
    });
    const stuck = await database.rows<{ n: number }>(sql`select count(*)::int as n from job_runs where status = 'running' and lease_until < now() - interval '20 seconds'`);
    expect(stuck[0]!.n).toBe(0);
  });
});
