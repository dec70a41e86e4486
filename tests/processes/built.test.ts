/**
 * Weixi as it ships, outside the workspace's TypeScript: `pnpm pack:all` builds every package to JavaScript
 * and packs the tarballs; the built server runs on plain Node (no tsx) and loads plugins from their builds;
 * an integrator program compiled by tsc against the packed @weixi/client runs against it; and a plugin
 * scaffolded outside the repository installs @weixi/sdk and @weixi/testing from the tarballs and passes its
 * own test. That last part does not depend on the database kind, so it runs in the PGlite half only.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '@weixi/db/testing';
import { ROOT, startServerProcess, type ServerProcess } from './api-process.js';

/** An install from the store takes seconds; from the registry, or on a crowded machine, minutes. */
const INSTALL_TIMEOUT = 600_000;
let tmp: string;
let packages: string;
let server: ServerProcess;

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}

/** pnpm as the suite was started with (`pnpm test`), else the one on PATH. */
const pnpm = (args: string[], cwd: string) =>
  /pnpm\.c?js$/.test(process.env.npm_execpath ?? '') ? run(process.execPath, [process.env.npm_execpath!, ...args], cwd) : run('pnpm', args, cwd);

/** Installs a project outside the workspace from the local store where it can, else from the registry. */
async function install(dir: string): Promise<void> {
  // No lockfile yet: CI=true would otherwise make pnpm insist on a frozen one.
  const args = ['install', '--no-frozen-lockfile', '--ignore-workspace'];
  await pnpm([...args, '--offline'], dir).catch(() => pnpm([...args, '--prefer-offline'], dir));
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'weixi-built-'));
  packages = join(tmp, 'packages');
  await run(process.execPath, [join(ROOT, 'scripts/pack.mjs'), '--out', packages], ROOT);
  // The example regional plugin comes in through WEIXI_PLUGINS, as its README tells a regional developer.
  server = await startServerProcess(process.execPath, ['--conditions=weixi-built', 'api/dist/main.js'], { WEIXI_PLUGINS: './examples/regional-plugin' });
}, 600_000);

afterAll(async () => {
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the built packages', () => {
  it('packs @weixi/sdk, @weixi/testing, @weixi/client and the packages they need', () => {
    expect(readdirSync(packages).sort()).toEqual(
      ['client', 'contact-policy', 'core', 'db', 'demo', 'dispatch', 'extension-host', 'graphql', 'import', 'jobs', 'kpis', 'live', 'model', 'planner', 'platform', 'plugin-store', 'sdk', 'testing', 'warnings'].map((name) => `weixi-${name}-0.1.0.tgz`),
    );
  });

  it('serve from JavaScript on plain Node, with plugins loaded from their builds', async () => {
    expect((await server.gql('{ customers { totalCount } }')).data.customers.totalCount).toBe(800);
    const enabled = await server.gql('mutation { enablePlugin(id: "tactic-proactive-care", regionCode: "JS-NJ") { plugin { status error enabledRegions } } }');
    expect(enabled.errors).toBeUndefined();
    expect(enabled.data.enablePlugin.plugin).toMatchObject({ status: 'ACTIVE', error: null });
    expect(enabled.data.enablePlugin.plugin.enabledRegions).toContain('JS-NJ');
    // The plugin's code runs: its field answers from dist/index.js.
    const field = await server.gql('{ tacticProactiveCare_upcomingBirthdays(regionCode: "JS-NJ", days: 3) { date customers } }');
    expect(field.errors).toBeUndefined();
    expect(field.data.tacticProactiveCare_upcomingBirthdays).toHaveLength(3);

    const regional = await server.gql('mutation { enablePlugin(id: "tactic-campus-summer", regionCode: "JS-NJ") { plugin { status enabledRegions } } }');
    expect(regional.data.enablePlugin.plugin.status).toBe('ACTIVE');
    // Nanjing and its districts, no other city.
    expect(regional.data.enablePlugin.plugin.enabledRegions.every((code: string) => code === 'JS-NJ' || code.startsWith('JS-NJ-'))).toBe(true);
    const window = await server.gql('{ campusSummer_offerWindow(regionCode: "JS-NJ") }');
    expect(window.data.campusSummer_offerWindow).toMatchObject({ from: expect.stringMatching(/-06-15$/), until: expect.stringMatching(/-07-10$/) });
  });

  it('run an integrator program compiled by tsc against the packed client, on Node', async () => {
    const project = join(tmp, 'integrator');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'crm-sync', private: true, type: 'module', dependencies: { '@weixi/client': `file:${join(packages, 'weixi-client-0.1.0.tgz')}` }, devDependencies: { typescript: '5.9.3', '@types/node': '20.19.25' } }),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], outDir: 'dist', rootDir: 'src' }, include: ['src'] }),
    );
    copyFileSync(join(ROOT, 'tests/processes/integrator/program.ts'), join(project, 'src/program.ts'));
    await install(project);
    await run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], project);

    const output = await run(process.execPath, [join(project, 'dist/program.js'), server.url, server.adminKey], project);
    const report = JSON.parse(output.trim().split('\n').at(-1)!);
    expect(report).toEqual({
      upsert: { created: 1000, updated: 0 },
      entered: 250,
      members: { totalCount: 250, page: 100, hasNextPage: true },
      history: [{ segment: 'Nanjing campus intake', left: null }],
      own: 1000,
    });
  }, INSTALL_TIMEOUT);

  it.skipIf(testDatabaseKind() !== 'pglite')('install from the tarballs into a plugin scaffolded outside the repository, whose test passes', async () => {
    const scaffolded = await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'packages/cli/src/main.ts'), 'plugin', 'new', 'tactic-campus-welcome', '--dir', tmp, '--from', packages], tmp);
    expect(scaffolded).toContain('pnpm install');
    const plugin = join(tmp, 'tactic-campus-welcome');
    await install(plugin);
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
    const output = await run(process.execPath, [join(plugin, 'node_modules/vitest/vitest.mjs'), 'run'], plugin, { ...env, WEIXI_TEST_DB: 'pglite', NO_COLOR: '1' });
    expect(output).toMatch(/Tests +(\d+) passed \(\1\)/); // every test of the scaffold, none failed
  }, INSTALL_TIMEOUT);
});
