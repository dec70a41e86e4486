/** Test support: the Weixi server as a child process on a fresh database of the run's kind, as an operator starts it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const STARTUP_SECONDS = 240;

export interface ServerProcess {
  url: string;
  /** The first admin key the server printed. */
  adminKey: string;
  /** Everything it printed up to its URL. */
  banner: string;
  /** POSTs a query with the admin key. */
  gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: unknown[] }>;
  stop(): Promise<void>;
}

/**
 * Runs `command args` from the repository root with a small demo population on a fresh PGlite folder or
 * PostgreSQL database (WEIXI_TEST_DB) and waits for the URL it prints.
 */
export async function startServerProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', WEIXI_DEMO_CUSTOMERS: '800', WEIXI_LOG_LEVEL: 'warn', ...env };
  if (testDatabaseKind() === 'postgres') {
    database = await createTestDatabase();
    childEnv.DATABASE_URL = database.url;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'weixi-start-'));
    childEnv.WEIXI_DATA_DIR = join(dataDir, 'data');
    delete childEnv.DATABASE_URL;
  }
  const child: ChildProcess = spawn(command, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  try {
    const banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      // Generous: a first PGlite start with demo data takes ~15 s alone, minutes on a crowded machine.
      const timer = setTimeout(() => reject(new Error(`no URL within ${STARTUP_SECONDS} s; stderr: ${stderr}`)), STARTUP_SECONDS * 1000);
      child.stdout!.on('data', (d) => {
        out += d;
        if (/GraphiQL: http:\/\/\S+/.test(out)) {
          clearTimeout(timer);
          resolve(out);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}; stderr: ${stderr}`)));
    });
    const url = /GraphiQL: (http:\/\/\S+)/.exec(banner)![1]!;
    const adminKey = /Authorization: Bearer (wx_\S+)/.exec(banner)?.[1] ?? '';
    const gql = async (query: string, variables?: Record<string, unknown>) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ query, variables }) });
      return (await response.json()) as { data?: any; errors?: unknown[] };
    };
    return { url, adminKey, banner, gql, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
