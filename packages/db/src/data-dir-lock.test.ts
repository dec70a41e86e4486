import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError } from './data-dir-lock.js';
import { openDatabase } from './database.js';

const root = mkdtempSync(join(tmpdir(), 'weixi-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

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
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'weixi.lock'), String(pid));
    const database = await openDatabase({ dataDir });
    await database.close();
  }, 60_000);
});
