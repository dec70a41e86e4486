/**
 * `weixi plugins`, spawned as a user runs it, against fixture plugins written to a temp folder and named in
 * WEIXI_PLUGINS, or laid out as a workspace's plugins/. Each fixture's entry module would leave a marker
 * file if imported; none may appear, since these commands read manifests only.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeixi } from '../spawn-cli.test-support.js';

const SLOW = 60_000;

let fixtures: string;
let workspace: string;

function weixi(args: string[], options: { plugins?: string[]; cwd?: string } = {}) {
  return runWeixi(['plugins', ...args], { ...process.env, WEIXI_PLUGINS: (options.plugins ?? []).join(','), WEIXI_DEBUG: '' }, options.cwd);
}

const manifest = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: `Fixture ${id}`, description: `The ${id} fixture.`, engines: { weixi: '^0.1.0' }, ...extra });

async function writePlugin(dir: string, pkg: Record<string, unknown>): Promise<string> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', ...pkg }, null, 2));
  const marker = JSON.stringify(join(dir, 'IMPORTED'));
  await writeFile(join(dir, 'src/index.ts'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${marker}, 'x');\nexport default { activate() {} };\n`);
  return dir;
}

const CARE = manifest('fixture-tactic-care', {
  dependencies: { 'fixture-warning-silent': '^1.0.0' },
  activationEvents: ['onStartup', 'onJob:daily'],
  capabilities: ['customers:read', 'tasks:write'],
  settings: { type: 'object', properties: { minSilentMonths: { type: 'integer', minimum: 1, default: 2, description: 'Months without usage' } } },
  contributes: {
    tactics: [{ id: 'care-call', title: 'Care call', description: 'An agent calls the customer', preferredChannels: ['outbound-call'] }],
    jobs: [{ id: 'daily', description: 'Plans care calls', cron: '0 6 * * *' }, { id: 'rescan', description: 'Rescans one region' }],
    graphql: [{ type: 'Customer', field: 'careCall', description: 'The planned care call' }, { type: 'Query', field: 'pending', description: 'Pending calls' }],
    graphqlTypes: [{ kind: 'enum', name: 'Outcome', description: 'How a call ended', values: { REACHED: {}, NO_ANSWER: { description: 'Try again' } } }],
  },
});

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'weixi-cli-plugins-'));
  await writePlugin(join(fixtures, 'care'), { name: '@fixture/tactic-care', version: '1.0.0', weixi: CARE });
  await writePlugin(join(fixtures, 'silent'), { name: 'fixture-warning-silent', version: '1.3.0', weixi: manifest('fixture-warning-silent', { contributes: { warningRules: [{ id: 'silent', title: 'Silent', description: 'No usage' }] } }) });
  await writePlugin(join(fixtures, 'future'), { name: 'fixture-future', version: '2.0.0', weixi: manifest('fixture-future', { engines: { weixi: '^9.0.0' } }) });
  await writePlugin(join(fixtures, 'bad'), {
    name: 'fixture-bad',
    version: '1.0.0',
    weixi: manifest('fixture-bad', {
      capabilities: ['customers:write'],
      contributes: { jobs: [{ id: 'daily', description: 'x', cron: '0 6 * * *' }, { id: 'daily', description: 'x', cron: '0 25 * * *' }] },
    }),
  });
  await writePlugin(join(fixtures, 'library'), { name: 'fixture-library', version: '1.0.0' });
  await writePlugin(join(fixtures, 'mistyped'), {
    name: 'fixture-mistyped',
    version: '1.0.0',
    weixi: manifest('fixture-mistyped', {
      contributes: {
        graphqlTypes: [
          { kind: 'object', name: 'Offer', description: 'An offer', fields: { next: { type: 'Ofer!' }, steps: { type: '[[Step]]' }, filter: { type: 'Filter' } } },
          { kind: 'input', name: 'Filter', description: 'Which', fields: { offer: { type: 'Offer' } } },
          { kind: 'enum', name: 'Offer', description: 'Again', values: { A: {} } },
        ],
      },
    }),
  });

  // A workspace of its own: plugins/* plus a package installed in its node_modules.
  workspace = await mkdtemp(join(tmpdir(), 'weixi-cli-workspace-'));
  await writeFile(join(workspace, 'pnpm-workspace.yaml'), 'packages:\n  - plugins/*\n');
  await writePlugin(join(workspace, 'plugins/warning-silent'), { name: 'warning-silent', version: '1.0.0', weixi: manifest('warning-silent') });
  await writePlugin(join(workspace, 'node_modules/@acme/channel-wechat'), { name: '@acme/channel-wechat', version: '0.2.0', weixi: manifest('channel-wechat', { dependencies: { 'warning-silent': '^1.0.0' } }) });
});

afterAll(async () => {
  for (const dir of ['care', 'silent', 'future', 'bad', 'library', 'mistyped']) expect(existsSync(join(fixtures, dir, 'IMPORTED')), dir).toBe(false);
  await rm(fixtures, { recursive: true, force: true });
  await rm(workspace, { recursive: true, force: true });
});

const all = () => ['care', 'silent', 'future', 'bad', 'library'].map((d) => join(fixtures, d));
const rowOf = (stdout: string, id: string) => stdout.split('\n').find((l) => l.startsWith(`${id} `));

describe('weixi plugins', () => {
  it('list shows id, version, status and contributions, with reasons, and exits 0', async () => {
    const run = await weixi(['list'], { plugins: all() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID\s+VERSION\s+STATUS\s+CONTRIBUTIONS$/m);
    expect(rowOf(run.stdout, 'fixture-tactic-care')).toMatch(/^fixture-tactic-care\s+1\.0\.0\s+valid\s+6 \(1 tactic, 2 jobs, 2 GraphQL fields, 1 GraphQL type\)$/);
    expect(rowOf(run.stdout, 'fixture-warning-silent')).toMatch(/^fixture-warning-silent\s+1\.3\.0\s+valid\s+1 \(1 warning rule\)$/);
    expect(rowOf(run.stdout, 'fixture-future')).toMatch(/^fixture-future\s+2\.0\.0\s+refused\s+0$/);
    expect(run.stdout).toContain("    plugin 'fixture-future' 2.0.0 needs Weixi SDK ^9.0.0; this platform provides 0.1.0\n");
    expect(rowOf(run.stdout, 'fixture-bad')).toMatch(/^fixture-bad\s+1\.0\.0\s+invalid\s+-$/);
    expect(run.stdout).toContain(`    3 issues in ${join(fixtures, 'bad/package.json')}; run 'weixi plugins validate ${join(fixtures, 'bad')}'`);
    expect(run.stdout).toContain(`skipped ${join(fixtures, 'library')}: package.json has no "weixi" key, so it is not a Weixi plugin`);
  }, SLOW);

  it('validate <path> prints every issue as path: message, one per line, and exits 1', async () => {
    const run = await weixi(['validate', join(fixtures, 'bad')]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      `${join(fixtures, 'bad/package.json')}: plugin 'fixture-bad', 3 issues:`,
      expect.stringMatching(/^ {2}weixi\.capabilities\[0\]: "customers:write" is not accepted; did you mean "customers:read"\?; use one of: customers:read, /),
      '  weixi.contributes.jobs[1].cron: "0 25 * * *": hour 25 is out of range 0-23; a cron expression has five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * *" for 06:00 every day',
      "  weixi.contributes.jobs[1].id: plugin 'fixture-bad' declares job 'daily' twice (also at jobs[0]); give each job its own id",
      '',
    ]);
  }, SLOW);

  it('validate <path> checks declared GraphQL types without running code: references, kinds, lists and name clashes', async () => {
    const run = await weixi(['validate', join(fixtures, 'mistyped')]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      `${join(fixtures, 'mistyped/package.json')}: plugin 'fixture-mistyped', 5 issues:`,
      "  weixi.contributes.graphqlTypes[0].fields.filter.type: names input type 'Filter': an input type cannot be returned; declare an object type for it",
      "  weixi.contributes.graphqlTypes[0].fields.next.type: names type 'Ofer', which is neither a scalar nor declared in contributes.graphqlTypes; did you mean \"Offer\"?; usable here: String, Int, Float, Boolean, ID, Date, DateTime, JSON, Offer",
      '  weixi.contributes.graphqlTypes[0].fields.steps.type: "[[Step]]" is not a type reference: write a type name, with [ ] for a list and ! for non-null, e.g. "[Message!]"',
      "  weixi.contributes.graphqlTypes[1].fields.offer.type: names object type 'Offer': an object type cannot be taken as input; declare an input type for it",
      "  weixi.contributes.graphqlTypes[2].name: plugin 'fixture-mistyped' declares GraphQL type 'Offer' twice (also at graphqlTypes[0]); each type, whatever its kind, needs its own name",
      '',
    ]);
  }, SLOW);

  it('validate <path> checks the engine range and dependencies against what is installed', async () => {
    const [ok, refused, missingDependency] = await Promise.all([
      weixi(['validate', join(fixtures, 'care')], { plugins: [join(fixtures, 'silent')] }),
      weixi(['validate', join(fixtures, 'future', 'package.json')]),
      weixi(['validate', join(fixtures, 'care')]),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`ok plugin 'fixture-tactic-care' 1.0.0 (${join(fixtures, 'care/package.json')}): 6 (1 tactic, 2 jobs, 2 GraphQL fields, 1 GraphQL type)\n`);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("  weixi.engines.weixi: plugin 'fixture-future' 2.0.0 needs Weixi SDK ^9.0.0; this platform provides 0.1.0\n");
    expect(missingDependency.code).toBe(1);
    expect(missingDependency.stdout).toContain("  weixi.dependencies.fixture-warning-silent: plugin 'fixture-tactic-care' needs plugin 'fixture-warning-silent' ^1.0.0, which is not installed\n");
  }, SLOW);

  it('validate <path> fails clearly on a folder that is not a plugin', async () => {
    const [library, nowhere] = await Promise.all([weixi(['validate', join(fixtures, 'library')]), weixi(['validate', join(fixtures, 'nowhere')])]);
    expect(library.code).toBe(1);
    expect(library.stderr).toBe(`weixi plugins: ${join(fixtures, 'library')}: package.json has no "weixi" key, so it is not a Weixi plugin\n`);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toBe(`weixi plugins: ${join(fixtures, 'nowhere')}: no package.json there; give the path of a plugin folder\n`);
  }, SLOW);

  it('discovers <workspace>/plugins/* and package names from the workspace; validate checks them all', async () => {
    const good = await weixi(['validate'], { cwd: workspace, plugins: ['@acme/channel-wechat'] });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toBe(
      [
        "ok plugin 'warning-silent' 1.0.0 (plugins/warning-silent/package.json): 0",
        "ok plugin 'channel-wechat' 0.2.0 (node_modules/@acme/channel-wechat/package.json): 0",
        '',
        'All plugins are valid.',
        '',
      ].join('\n'),
    );
    const bad = await weixi(['validate'], { cwd: workspace, plugins: ['@acme/channel-wechat', join(fixtures, 'bad'), 'not-installed'] });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("plugin 'fixture-bad', 3 issues:\n");
    expect(bad.stdout).toContain(`  package: no package 'not-installed' in node_modules from ${workspace} upwards; install it, or give the path to the plugin folder (starting with ./ or /)\n`);
    expect(bad.stdout).toMatch(/\n2 plugins with problems\.\n$/);
    const list = await weixi(['list'], { cwd: workspace });
    expect(list.stdout).toMatch(/^warning-silent\s+1\.0\.0\s+valid\s+0$/m);
    expect(list.stdout).toContain('1 plugin: 1 valid, 0 refused, 0 invalid (Weixi SDK 0.1.0)');
  }, SLOW);

  it('show <id> prints the manifest and its contributions as text', async () => {
    const run = await weixi(['show', 'fixture-tactic-care'], { plugins: all() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toMatch(/^fixture-tactic-care 1\.0\.0: Fixture fixture-tactic-care\n {2}The fixture-tactic-care fixture\.\n/);
    expect(text).toMatch(/^Status: +valid \(activates \d+ of \d+, after fixture-warning-silent\)$/m);
    expect(text).toMatch(/^Package: +@fixture\/tactic-care at /m);
    expect(text).toMatch(/^Engine: +Weixi SDK \^0\.1\.0 \(this platform provides 0\.1\.0\)$/m);
    expect(text).toMatch(/^Depends on: +fixture-warning-silent \^1\.0\.0$/m);
    expect(text).toMatch(/^Activation: +onStartup, onJob:daily$/m);
    expect(text).toMatch(/^Capabilities: +customers:read, tasks:write$/m);
    expect(text).toContain('Settings:\n  minSilentMonths (integer, default 2): Months without usage\n');
    expect(text).toContain('Tactics:\n  care-call  Care call: An agent calls the customer (channels: outbound-call)\n');
    expect(text).toContain('Jobs:\n  daily  cron "0 6 * * *": Plans care calls\n  rescan  on demand: Rescans one region\n');
    expect(text).toContain('GraphQL fields:\n  Customer.careCall: The planned care call\n  Query.fixtureTacticCare_pending: Pending calls\n');
    expect(text).toContain('GraphQL types:\n  FixtureTacticCare_Outcome (enum): How a call ended\n    REACHED\n    NO_ANSWER  Try again\n');
  }, SLOW);

  it('show explains a refused or invalid plugin, and an unknown id', async () => {
    const [refused, invalid, unknown] = await Promise.all([
      weixi(['show', 'fixture-future'], { plugins: all() }),
      weixi(['show', 'fixture-bad'], { plugins: all() }),
      weixi(['show', 'fixture-nope'], { cwd: workspace }),
    ]);
    expect(refused.code).toBe(0);
    expect(refused.stdout).toMatch(/^Status: +refused: plugin 'fixture-future' 2\.0\.0 needs Weixi SDK \^9\.0\.0; this platform provides 0\.1\.0$/m);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('Status: invalid, 3 issues:\n');
    expect(invalid.stdout).toContain("  weixi.contributes.jobs[1].id: plugin 'fixture-bad' declares job 'daily' twice");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("weixi plugins: no plugin 'fixture-nope' found; found: warning-silent\n");
  }, SLOW);

  it('rejects wrong command lines with exit 2 and points at the usage', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'no subcommand given: use list, validate, show, enable, disable or configure'],
      [['frob'], "unknown subcommand 'frob': use list, validate, show, enable, disable or configure"],
      [['show'], 'show needs a plugin id'],
      [['list', 'extra'], 'unexpected arguments: extra'],
      [['list', '--all'], "unknown option '--all'"],
    ];
    const runs = await Promise.all(cases.map(([args]) => weixi(args)));
    runs.forEach((run, i) => {
      expect(run.code, cases[i]![0].join(' ')).toBe(2);
      expect(run.stderr).toBe(`weixi plugins: ${cases[i]![1]}\nRun 'weixi help plugins' for usage.\n`);
    });
    const help = await weixi(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: weixi plugins <list \| validate \[path\] \| show <id>>/);
  }, SLOW);
});
