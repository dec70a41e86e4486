/** Test support: runs the real `weixi` process as a user would, and reads the database it wrote. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openDatabase, type Database } from '@weixi/db';

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
