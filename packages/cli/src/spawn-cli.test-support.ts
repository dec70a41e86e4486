/** Test support: runs the real `weixi` process as a user would, and reads the database it wrote. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openDatabase, type Database } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/src/main.ts');
// Absolute, so the CLI can also run from a folder that is not this checkout.
const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `weixi <args>` with exactly this environment (undefined entries are left out). */
export function runWeixi(args: string[], env: Record<string, string | undefined>, cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd,
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Reads the database a CLI run wrote: the PostgreSQL test database, or the PGlite directory between runs (one process at a time). */
export async function inspectDatabase<T>(target: { postgres?: Database; dataDir?: string }, read: (database: Database) => Promise<T>): Promise<T> {
  if (target.postgres) return read(target.postgres);
  const database = await openDatabase({ dataDir: target.dataDir! });
  try {
    return await read(database);
  } finally {
    await database.close();
  }
}

/** The database a spawned CLI works on in a test: a fresh PostgreSQL test database, or PGlite in a temp folder. */
export interface CliDatabase {
  /** The environment to spawn `weixi` with: the test's database and nothing else of the caller's. */
  env: Record<string, string | undefined>;
  /** A temporary folder for the test's files (the PGlite data lives in it too), removed by `close`. */
  dir: string;
  /** The PostgreSQL test database, when the suite runs on PostgreSQL. */
  postgres?: TestDatabase;
  /** Reads what the CLI wrote (between runs, for PGlite: one process at a time). */
  inspect<T>(read: (database: Database) => Promise<T>): Promise<T>;
  /** Writes `lines` (one per line, with a final newline) to a file named `name` in `dir`, and returns its path. */
  file(name: string, lines: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Sets up the database of the suite's kind for CLI runs; `unset` names more variables to keep out of `env`. */
export async function cliDatabase(name: string, unset: string[] = []): Promise<CliDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `weixi-cli-${name}-`));
  const base: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, WEIXI_DATA_DIR: undefined, WEIXI_DEBUG: undefined };
  for (const key of unset) base[key] = undefined;
  const postgres = testDatabaseKind() === 'postgres' ? await createTestDatabase() : undefined;
  const env: Record<string, string | undefined> = postgres ? { ...base, DATABASE_URL: postgres.url } : { ...base, WEIXI_DATA_DIR: join(dir, 'data') };
  return {
    env,
    dir,
    postgres,
    inspect: (read) => inspectDatabase({ postgres, dataDir: env.WEIXI_DATA_DIR }, read),
    async file(name, lines) {
      const path = join(dir, name);
      await writeFile(path, `${lines.join('\n')}\n`);
      return path;
    },
    async close() {
      await postgres?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
