/**
 * The real server as a child process: `api/src/main.ts` run as `pnpm start` runs it, with the given
 * environment on top of this one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const ROOT = repoRoot;

export interface ApiProcess {
  child: ChildProcess;
  /** The GraphQL endpoint it printed. */
  url: string;
  /** Its stdout up to the URL (the first-start banner). */
  banner: string;
  /** The admin key the first start printed ('' when the database had one). */
  adminKey: string;
  /** Everything it wrote to stderr so far (its JSON log lines). */
  stderr(): string;
  /** SIGTERM, and wait for it to exit (a no-op when it already has). */
  stop(): Promise<void>;
}

/** Spawns the server (`pnpm start`'s command unless told another) and waits for its GraphiQL line. */
export async function startApiProcess(
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
  command: { file: string; args: string[] } = { file: join(repoRoot, 'node_modules/.bin/tsx'), args: ['api/src/main.ts'] },
): Promise<ApiProcess> {
  const child = spawn(command.file, command.args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs / 1000} s; stderr: ${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      if (/GraphiQL: http:\/\/\S+/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}; stderr: ${stderr}`)));
  }).catch(async (error: unknown) => {
    await stopApiProcess(child);
    throw error;
  });
  return {
    child,
    banner,
    url: /GraphiQL: (http:\/\/\S+)/.exec(banner)![1]!,
    adminKey: /Authorization: Bearer (wx_\S+)/.exec(banner)?.[1] ?? '',
    stderr: () => stderr,
    stop: () => stopApiProcess(child),
  };
}

/** Generous: a first PGlite start with demo data takes ~15 s alone, minutes on a crowded machine. */
export const STARTUP_SECONDS = 240;

/** A server process on its own fresh database with a small demo population, as an operator first starts it. */
export interface ServerProcess extends ApiProcess {
  /** POSTs a query with the admin key. */
  gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: unknown[] }>;
}

/**
 * Runs `file args` from the repository root on a fresh PGlite folder or PostgreSQL database
 * (WEIXI_TEST_DB) with 800 demo customers, and waits for the URL it prints. `stop` also drops the database.
 */
export async function startServerProcess(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const database = await freshDatabase({ WEIXI_DEMO_CUSTOMERS: '800', WEIXI_LOG_LEVEL: 'warn' });
  let api: ApiProcess;
  try {
    api = await startApiProcess({ ...database.env, ...env }, STARTUP_SECONDS * 1000, { file, args });
  } catch (error) {
    await database.close();
    throw error;
  }
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}` }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };
  return {
    ...api,
    gql,
    stop: async () => {
      await api.stop();
      await database.close();
    },
  };
}

/** SIGTERM, and waits for the exit; nothing when it has already exited. */
export async function stopApiProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface FreshDatabase {
  /** The process environment naming it (DATABASE_URL, else WEIXI_DATA_DIR), with `extra` on top. */
  env: Record<string, string | undefined>;
  /** The PostgreSQL test database, when that is the configured kind. */
  postgres?: TestDatabase;
  close(): Promise<void>;
}

/** A fresh database of the configured kind (WEIXI_TEST_DB) for processes to share: PostgreSQL, or a PGlite folder. */
export async function freshDatabase(extra: Record<string, string>): Promise<FreshDatabase> {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, WEIXI_DATA_DIR: undefined, ...extra };
  if (testDatabaseKind() === 'postgres') {
    const postgres = await createTestDatabase();
    return { env: { ...env, DATABASE_URL: postgres.url }, postgres, close: () => postgres.close() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'weixi-process-'));
  return { env: { ...env, WEIXI_DATA_DIR: join(dataDir, 'data') }, close: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** How long until `probe` holds (polled every 20 ms), failing after `timeoutMs`. */
export async function within(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** SIGKILLs each process still running and waits for its exit. */
export async function killAll(processes: Array<{ child: ChildProcess; exited: Promise<unknown> }>): Promise<void> {
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
}

/** Two customers of Nanjing (one in Gulou district), for the `regional` fixture plugin's field and job. */
export const TWO_NANJING_CUSTOMERS = `mutation { upsertCustomers(customers: [
  { msisdn: "13700000001", name: "甲", regionCode: "JS-NJ-GL", joinedOn: "2020-01-01", plan: "P99", paymentType: POSTPAID },
  { msisdn: "13700000002", name: "乙", regionCode: "JS-NJ", joinedOn: "2020-01-01", plan: "P99", paymentType: POSTPAID }
]) { created } }`;
