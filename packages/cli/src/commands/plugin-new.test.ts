/**
 * `weixi plugin new`: each kind is scaffolded outside the monorepo (as a third party would), validated by
 * `weixi plugins validate`, and its generated test is run by vitest in a child process against the local
 * @weixi/sdk and @weixi/testing (linked into the temp folder's node_modules), on the configured database.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../run.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'weixi-plugin-new-'));
  await mkdir(join(tmp, 'node_modules', '@weixi'), { recursive: true });
  await symlink(join(ROOT, 'packages/sdk'), join(tmp, 'node_modules/@weixi/sdk'));
  await symlink(join(ROOT, 'packages/testing'), join(tmp, 'node_modules/@weixi/testing'));
  await symlink(await realpath(join(ROOT, 'node_modules/vitest')), join(tmp, 'node_modules/vitest'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function weixi(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

/** Runs vitest in the plugin folder, as its author would (`npx vitest run`). */
function vitest(cwd: string): Promise<{ code: number | null; output: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(tmp, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    // eslint-disable-next-line no-control-regex
    child.on('close', (code) => resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

describe('weixi plugin new', () => {
  it('scaffolds a tactic, a warning and a channel plugin that validate and pass their own tests', async () => {
    const names = { tactic: 'tactic-loyalty-call', warning: 'warning-complaints', channel: 'channel-wechat' };
    for (const [kind, name] of Object.entries(names)) {
      const created = await weixi('plugin', 'new', name, '--kind', kind, '--dir', join(tmp, 'plugins'));
      expect(created.code).toBe(0);
      expect(created.stdout).toContain(`Created ${kind} plugin '${name}' in ${join(tmp, 'plugins', name)}:`);
      const validated = await weixi('plugins', 'validate', join(tmp, 'plugins', name));
      expect(validated.stdout).toMatch(new RegExp(`^ok plugin '${name}' 0\\.1\\.0 `));
      expect(validated.code).toBe(0);
    }
    const files = ['package.json', 'README.md', 'vitest.config.ts', 'src/index.ts'];
    for (const file of files) expect(existsSync(join(tmp, 'plugins/warning-complaints', file))).toBe(true);
    const manifest = JSON.parse(await readFile(join(tmp, 'plugins/channel-wechat/package.json'), 'utf8')).weixi;
    expect(manifest.contributes.channels[0].id).toBe('wechat');

    // One at a time: three PGlite platforms at once on two cores are slower than in turn.
    for (const name of Object.values(names)) {
      const run = await vitest(join(tmp, 'plugins', name));
      expect(run.output, run.output).toMatch(name.startsWith('tactic') ? /Tests +2 passed \(2\)/ : /Tests +1 passed \(1\)/);
      expect(run.code).toBe(0);
    }
  });

  it('refuses a folder that already exists, and leaves it as it was', async () => {
    await mkdir(join(tmp, 'taken/tactic-taken'), { recursive: true });
    await writeFile(join(tmp, 'taken/tactic-taken/keep.txt'), 'mine');
    const run = await weixi('plugin', 'new', 'tactic-taken', '--dir', join(tmp, 'taken'));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`weixi plugin: ${join(tmp, 'taken/tactic-taken')} already exists; choose another name or remove that folder first\n`);
    expect(await readFile(join(tmp, 'taken/tactic-taken/keep.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(tmp, 'taken/tactic-taken/package.json'))).toBe(false);
  });

  it('refuses a bad name, an unknown or contradicting kind, and a missing name, with exit 2', async () => {
    const dir = join(tmp, 'refused');
    const cases: Array<[string[], string]> = [
      [['Tactic_Bad'], "'Tactic_Bad' is not a valid plugin name: use lowercase letters and digits joined by single hyphens"],
      [['tactic--x'], "'tactic--x' is not a valid plugin name"],
      [['loyalty', '--kind', 'offer'], "--kind must be one of tactic, channel, warning, got 'offer'"],
      [['channel-push', '--kind', 'warning'], "'channel-push' reads as a channel plugin but --kind is warning; rename it or drop --kind"],
      [[], 'plugin new needs a name'],
      [['a-b', 'c-d'], 'plugin new takes one name, got: a-b c-d'],
    ];
    for (const [args, message] of cases) {
      const run = await weixi('plugin', 'new', ...args, '--dir', dir);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
    expect((await weixi('plugin', 'old')).stderr).toContain("unknown subcommand 'old': use new");
    expect(existsSync(dir)).toBe(false);
  });

  it('inside a Weixi workspace depends on the workspace packages and uses the root vitest config', async () => {
    const workspace = join(tmp, 'workspace');
    await mkdir(join(workspace, 'packages/sdk'), { recursive: true });
    await writeFile(join(workspace, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n  - plugins/*\n');
    await writeFile(join(workspace, 'package.json'), JSON.stringify({ devDependencies: { vitest: '3.2.7' } }));
    await writeFile(join(workspace, 'packages/sdk/package.json'), JSON.stringify({ name: '@weixi/sdk' }));
    const run = await weixi('plugin', 'new', 'loyalty-club', '--dir', join(workspace, 'plugins'));
    expect(run.code).toBe(0);
    const pkg = JSON.parse(await readFile(join(workspace, 'plugins/loyalty-club/package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@weixi/loyalty-club',
      dependencies: { '@weixi/sdk': 'workspace:*' },
      devDependencies: { '@weixi/testing': 'workspace:*', vitest: '3.2.7' },
      weixi: { id: 'loyalty-club', contributes: { tactics: [expect.objectContaining({ id: 'offer' })] } },
    });
    expect(existsSync(join(workspace, 'plugins/loyalty-club/vitest.config.ts'))).toBe(false);
    expect(await readFile(join(workspace, 'plugins/loyalty-club/README.md'), 'utf8')).toContain('`npx vitest run plugins/loyalty-club`');
  });

  it('--from a folder of tarballs: file: dependencies and overrides for every Weixi package in it, relative to the plugin', async () => {
    const tarballs = join(tmp, 'tarballs');
    await mkdir(tarballs, { recursive: true });
    for (const name of ['sdk', 'testing', 'core', 'platform']) await writeFile(join(tarballs, `weixi-${name}-0.1.0.tgz`), '');
    await writeFile(join(tarballs, 'notes.txt'), 'not a tarball');
    const run = await weixi('plugin', 'new', 'tactic-offline', '--dir', join(tmp, 'outside'), '--from', tarballs);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Next:\n  cd ${join(tmp, 'outside/tactic-offline')}\n  pnpm install\n  pnpm test\n`);
    const pkg = JSON.parse(await readFile(join(tmp, 'outside/tactic-offline/package.json'), 'utf8'));
    const file = (name: string) => `file:../../tarballs/weixi-${name}-0.1.0.tgz`;
    expect(pkg.dependencies).toEqual({ '@weixi/sdk': file('sdk') });
    expect(pkg.devDependencies).toMatchObject({ '@weixi/testing': file('testing') });
    const overrides = { '@weixi/core': file('core'), '@weixi/platform': file('platform'), '@weixi/sdk': file('sdk'), '@weixi/testing': file('testing') };
    expect(pkg.overrides).toEqual(overrides);
    expect(pkg.pnpm.overrides).toEqual(overrides);

    const missing = await weixi('plugin', 'new', 'tactic-nowhere', '--dir', join(tmp, 'outside'), '--from', join(tmp, 'no-such-folder'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such folder; build it with pnpm pack:all in the Weixi repository');
    await mkdir(join(tmp, 'sdk-only'), { recursive: true });
    await writeFile(join(tmp, 'sdk-only/weixi-sdk-0.1.0.tgz'), '');
    const partial = await weixi('plugin', 'new', 'tactic-partial', '--dir', join(tmp, 'outside'), '--from', join(tmp, 'sdk-only'));
    expect(partial.stderr).toContain('has no tarball for @weixi/testing');
    expect(existsSync(join(tmp, 'outside/tactic-nowhere'))).toBe(false);
    expect(existsSync(join(tmp, 'outside/tactic-partial'))).toBe(false);
  });

  it('is listed in the help', async () => {
    expect((await weixi('help')).stdout).toMatch(/\n {2}plugin +create a plugin package \(new\); install, upgrade, uninstall plugins from a registry; sign them/);
    expect((await weixi('plugin', 'new', '--help')).stdout).toContain('Usage: weixi plugin new <name> [--kind tactic|channel|warning] [--dir plugins]');
  });
});
