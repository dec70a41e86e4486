import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';
import { openDatabase } from './database.js';

const root = mkdtempSync(join(tmpdir(), 'weixi-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const lockModule = fileURLToPath(new URL('./data-dir-lock.ts', import.meta.url));
const onLinux = existsSync('/proc/self/stat');

/** A child process that takes the directory's lock, says so, and holds it until killed. */
async function holder(dataDir: string): Promise<ChildProcess> {
  mkdirSync(dataDir, { recursive: true });
  const script = `import { lockDataDir } from ${JSON.stringify(lockModule)};
    await lockDataDir(${JSON.stringify(dataDir)}); console.log('locked'); setInterval(() => {}, 1000);`;
  // node itself with tsx's loader (not the tsx CLI, which would hold the lock in a grandchild)
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${stderr}`)));
  });
  return child;
}

function lockFile(dataDir: string, content: string): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'weixi.lock'), content);
}

describe('embedded data directory lock', () => {
  it('refuses a second opener while the first is open, and frees the directory on close', async () => {
    const dataDir = join(root, 'a');
    const first = await openDatabase({ dataDir });
    const second = await openDatabase({ dataDir }).then(() => undefined, (e: unknown) => e);
    expect(second).toBeInstanceOf(DataDirInUseError);
    expect((second as Error).message).toMatch(/in use by process \d+.*pnpm start/);
    await first.close();
    expect(existsSync(join(dataDir, 'weixi.lock'))).toBe(false);
    const again = await openDatabase({ dataDir });
    await again.close();
  }, 60_000);

  it('takes over a lock left by a process that no longer runs', async () => {
    const gone = spawn(process.execPath, ['-e', '0']);
    const pid = gone.pid!;
    await new Promise((resolve) => gone.once('exit', resolve));
    const dataDir = join(root, 'b');
    lockFile(dataDir, String(pid));
    const database = await openDatabase({ dataDir });
    await database.close();
  }, 60_000);

  // A container restarts its one process as pid 1 again: the lock's pid is "alive" (it is us), but the
  // process that wrote it started at another time or in another boot.
  it.skipIf(!onLinux)('takes over a lock naming this process id with another start time or boot', async () => {
    const mine = JSON.parse(readFileSync(join(await lockAndRead(join(root, 'c'))), 'utf8')) as { pid: number; start: string; boot: string };
    expect(mine.pid).toBe(process.pid);
    for (const [name, stale] of [
      ['d', { ...mine, start: String(Number(mine.start) - 1) }],
      ['e', { ...mine, boot: '00000000-0000-0000-0000-000000000000' }],
      ['f', { pid: process.pid }],
      ['f2', process.pid], // the format before start times were recorded
    ] as const) {
      const dataDir = join(root, name);
      lockFile(dataDir, JSON.stringify(stale));
      const release = await lockDataDir(dataDir);
      expect(JSON.parse(readFileSync(join(dataDir, 'weixi.lock'), 'utf8'))).toEqual(mine);
      release();
    }
  });

  it('refuses a lock held by another running process, naming it and what to do', async () => {
    const dataDir = join(root, 'g');
    const child = await holder(dataDir);
    try {
      const refused = await lockDataDir(dataDir).then(() => undefined, (e: unknown) => e);
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect((refused as DataDirInUseError).pid).toBe(child.pid);
      expect((refused as Error).message).toContain(`in use by process ${child.pid}`);
      expect((refused as Error).message).toMatch(/Stop that process first, or use PostgreSQL \(DATABASE_URL\)/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('opens right after the holder is killed with SIGKILL, every time', async () => {
    const dataDir = join(root, 'h');
    for (let round = 0; round < 5; round++) {
      const child = await holder(dataDir);
      child.kill('SIGKILL'); // and reopen at once, without waiting for the exit to be reaped
      const release = await lockDataDir(dataDir);
      release();
    }
  }, 120_000);
});

/** Takes a lock in a fresh directory, returns the lock file's path while still holding it, then frees it. */
async function lockAndRead(dataDir: string): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  const release = await lockDataDir(dataDir);
  const copy = join(root, `${Math.random()}.json`);
  writeFileSync(copy, readFileSync(join(dataDir, 'weixi.lock')));
  release();
  return copy;
}
