/** Starts `api/src/main.ts` as `pnpm start` does, for tests of whole processes, and stops it; fresh databases for it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  /** The admin key a database without one gets, printed once ('' when none was printed). */
  adminKey: string;
  /** Standard output up to the GraphiQL line. */
  banner: string;
}

/** Spawns the server with this environment (undefined entries left out) and waits for its GraphiQL URL. */
export function startApiProcess(env: Record<string, string | undefined>, timeoutMs = 90_000): Promise<ApiProcess> {
  const child = spawn(TSX, ['api/src/main.ts'], { cwd: ROOT, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs / 1000} s; stderr: ${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /GraphiQL: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, adminKey: /Authorization: Bearer (wx_\S+)/.exec(out)?.[1] ?? '', banner: out });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}; stderr: ${stderr}`)));
  });
}

/** SIGTERM, and waits for the exit; nothing when it has already exited. */
export async function stopApiProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
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
