import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverPlugins, nodeConditions, readPluginFolder, type DiscoveredPlugin, type InvalidPlugin, type ValidPlugin } from './discovery.js';
import { ManifestError } from './manifest.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weixi-discovery-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const manifest = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: id, description: `The ${id} plugin.`, engines: { weixi: '^0.1.0' }, ...extra });

/**
 * Writes a plugin folder: package.json (as given) and a src/index.ts that would leave a marker file if it
 * were ever imported, so tests can prove discovery runs no plugin code.
 */
async function writePlugin(dir: string, pkg: unknown, files: Record<string, string> = {}): Promise<string> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg, null, 2));
  const marker = JSON.stringify(join(dir, 'IMPORTED'));
  await writeFile(join(dir, 'src/index.ts'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${marker}, 'x');\nexport default { activate() {} };\n`);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const byStatus = (found: DiscoveredPlugin[], status: DiscoveredPlugin['status']) => found.filter((p) => p.status === status);

describe('discoverPlugins', () => {
  it('scans <workspace>/plugins/*: valid, invalid and skipped folders, without importing plugin code', async () => {
    await writePlugin(join(root, 'plugins/tactic-care'), { name: '@acme/tactic-care', version: '2.1.0', weixi: manifest('tactic-care') });
    await writePlugin(join(root, 'plugins/warning-bad'), { name: 'warning-bad', version: '1.0.0', weixi: manifest('warning-bad', { capabilities: ['everything'] }) });
    await writePlugin(join(root, 'plugins/shared-lib'), { name: 'shared-lib', version: '1.0.0' });
    await mkdir(join(root, 'plugins/empty'), { recursive: true });
    await writeFile(join(root, 'plugins/README.md'), '# plugins');

    const found = await discoverPlugins({ workspaceDir: root, baseDir: root });
    expect(found.map((p) => [p.status, p.dir.slice(root.length + 1)])).toEqual([
      ['skipped', 'plugins/empty'],
      ['skipped', 'plugins/shared-lib'],
      ['valid', 'plugins/tactic-care'],
      ['invalid', 'plugins/warning-bad'],
    ]);
    const [empty, library, valid, invalid] = found as [DiscoveredPlugin, DiscoveredPlugin, ValidPlugin, InvalidPlugin];
    expect(empty).toMatchObject({ reason: 'no package.json' });
    expect(library).toMatchObject({ reason: 'package.json has no "weixi" key, so it is not a Weixi plugin', packageName: 'shared-lib' });
    // The version comes from the package when the manifest has none.
    expect(valid).toMatchObject({ id: 'tactic-care', version: '2.1.0', packageName: '@acme/tactic-care', from: 'workspace' });
    expect(valid.manifest.version).toBe('2.1.0');
    expect(valid.entry).toBe(join(root, 'plugins/tactic-care/src/index.ts'));
    expect(invalid.error).toBeInstanceOf(ManifestError);
    expect(invalid.id).toBe('warning-bad');
    expect(invalid.error.message).toContain(`invalid manifest of plugin 'warning-bad' in ${join(root, 'plugins/warning-bad/package.json')}`);
    expect(invalid.error.issues[0]!.path).toBe('weixi.capabilities[0]');
    expect(existsSync(join(root, 'plugins/tactic-care/IMPORTED'))).toBe(false);
  });

  it('returns nothing for a workspace without plugins/', async () => {
    expect(await discoverPlugins({ workspaceDir: root, baseDir: root })).toEqual([]);
  });

  it('keeps a manifest version that differs from the package version', async () => {
    const dir = await writePlugin(join(root, 'p'), { name: 'p', version: '9.9.9', weixi: manifest('p', { version: '1.0.0' }) });
    expect(await readPluginFolder(dir)).toMatchObject({ status: 'valid', version: '1.0.0' });
  });

  it('reports a missing version when neither the manifest nor the package has one', async () => {
    const dir = await writePlugin(join(root, 'p'), { name: 'p', weixi: manifest('p') });
    const found = (await readPluginFolder(dir)) as InvalidPlugin;
    expect(found.error.issues).toEqual([{ path: 'weixi.version', message: 'is missing: add a string: The plugin version (semver); defaults to the package version.' }]);
  });

  it('resolves the entry module from exports["."], then main, then src/index.ts', async () => {
    const weixi = (id: string) => ({ version: '1.0.0', weixi: manifest(id) });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['exports-string', { exports: './lib/entry.ts' }, 'lib/entry.ts'],
      ['exports-dot', { exports: { '.': './lib/entry.ts', './extra': './lib/extra.ts' }, main: 'nope.js' }, 'lib/entry.ts'],
      ['exports-conditions', { exports: { '.': { types: './lib/entry.d.ts', import: './lib/entry.mjs', require: './lib/entry.cjs' } } }, 'lib/entry.mjs'],
      ['exports-sugar', { exports: { node: './lib/entry.ts' } }, 'lib/entry.ts'],
      ['main', { main: 'lib/entry.js' }, 'lib/entry.js'],
      ['default', {}, 'src/index.ts'],
    ];
    for (const [id, fields, entry] of cases) {
      const dir = await writePlugin(join(root, id), { name: id, ...fields, ...weixi(id) }, entry === 'src/index.ts' ? {} : { [entry]: 'export default {};' });
      expect(await readPluginFolder(dir), id).toMatchObject({ status: 'valid', entry: join(dir, entry) });
    }
  });

  it('takes the built entry when Node runs with its condition (the built server), else the source', async () => {
    const pkg = { name: 'p', version: '1.0.0', exports: { '.': { 'weixi-built': './dist/index.js', default: './src/index.ts' } }, weixi: manifest('p') };
    const dir = await writePlugin(join(root, 'p'), pkg, { 'dist/index.js': 'export default {};' });
    expect(await discoverPlugins({ packages: [dir], baseDir: root, conditions: ['weixi-built'] })).toMatchObject([{ status: 'valid', entry: join(dir, 'dist/index.js') }]);
    expect(await discoverPlugins({ packages: [dir], baseDir: root, conditions: [] })).toMatchObject([{ status: 'valid', entry: join(dir, 'src/index.ts') }]);
    expect(nodeConditions(['--conditions=weixi-built', '-C', 'development', '--import', 'tsx', '-C=x'])).toEqual(['weixi-built', 'development', 'x']);
  });

  it('marks a plugin invalid when its entry module does not exist', async () => {
    const dir = await writePlugin(join(root, 'p'), { name: 'p', version: '1.0.0', main: 'dist/index.js', weixi: manifest('p') });
    const found = (await readPluginFolder(dir)) as InvalidPlugin;
    expect(found.status).toBe('invalid');
    expect(found.manifest?.id).toBe('p');
    expect(found.error.issues).toEqual([{ path: 'main', message: `the entry module dist/index.js does not exist in ${dir}; build the plugin or point main at its source` }]);
  });

  it('finds packages by name through node_modules, and by absolute or relative path', async () => {
    const app = join(root, 'app');
    await writePlugin(join(root, 'node_modules/@acme/weixi-channel-wechat'), { name: '@acme/weixi-channel-wechat', version: '0.3.0', weixi: manifest('channel-wechat') });
    await writePlugin(join(app, 'local/tactic-hall'), { name: 'tactic-hall', version: '1.0.0', weixi: manifest('tactic-hall') });
    await writePlugin(join(root, 'elsewhere/warning-arrears'), { name: 'warning-arrears', version: '1.0.0', weixi: manifest('warning-arrears') });

    const found = await discoverPlugins({ baseDir: app, packages: ['@acme/weixi-channel-wechat', './local/tactic-hall', join(root, 'elsewhere/warning-arrears')] });
    expect(found.map((p) => [p.status, p.status === 'valid' && p.id, p.from])).toEqual([
      ['valid', 'channel-wechat', '@acme/weixi-channel-wechat'],
      ['valid', 'tactic-hall', './local/tactic-hall'],
      ['valid', 'warning-arrears', join(root, 'elsewhere/warning-arrears')],
    ]);
    expect(found[0]!.dir).toBe(join(root, 'node_modules/@acme/weixi-channel-wechat'));
  });

  it('reports packages that are not found, unreadable or not JSON, without failing the others', async () => {
    await writePlugin(join(root, 'broken'), '{ "name": "broken", ');
    await writePlugin(join(root, 'good'), { name: 'good', version: '1.0.0', weixi: manifest('good') });
    await mkdir(join(root, 'no-package'));
    const found = await discoverPlugins({ baseDir: root, packages: ['weixi-plugin-missing', './broken', './no-package', './good'] });
    expect(found.map((p) => p.status)).toEqual(['invalid', 'invalid', 'invalid', 'valid']);
    const messages = (found.slice(0, 3) as InvalidPlugin[]).map((p) => p.error.issues[0]!);
    expect(messages[0]).toEqual({ path: 'package', message: `no package 'weixi-plugin-missing' in node_modules from ${root} upwards; install it, or give the path to the plugin folder (starting with ./ or /)` });
    expect(messages[1]).toMatchObject({ path: 'package.json', message: expect.stringMatching(/^is not valid JSON: /) });
    expect(messages[2]).toEqual({ path: 'package.json', message: 'does not exist; point at a plugin folder with a package.json' });
  });

  it('reports a "weixi" key that is not an object', async () => {
    const dir = await writePlugin(join(root, 'p'), { name: 'p', version: '1.0.0', weixi: true });
    expect(((await readPluginFolder(dir)) as InvalidPlugin).error.issues[0]!.message).toMatch(/^must be an object with the plugin manifest/);
  });

  it('marks two plugins with one id invalid, each naming both paths', async () => {
    await writePlugin(join(root, 'plugins/tactic-care'), { name: 'a', version: '1.0.0', weixi: manifest('tactic-care') });
    await writePlugin(join(root, 'vendor/tactic-care-fork'), { name: 'b', version: '1.1.0', weixi: manifest('tactic-care') });
    const found = await discoverPlugins({ workspaceDir: root, baseDir: root, packages: ['./vendor/tactic-care-fork'] });
    const first = join(root, 'plugins/tactic-care/package.json');
    const second = join(root, 'vendor/tactic-care-fork/package.json');
    expect(byStatus(found, 'invalid')).toHaveLength(2);
    const [a, b] = found as [InvalidPlugin, InvalidPlugin];
    expect(a.error.issues).toEqual([{ path: 'weixi.id', message: `plugin id 'tactic-care' is declared by both ${first} and ${second}; plugin ids must be unique: rename one or remove the copy` }]);
    expect(b.error.message).toContain(`plugin id 'tactic-care' is declared by both ${second} and ${first}`);
    expect([a.version, b.version]).toEqual(['1.0.0', '1.1.0']);
  });

  it('counts one folder reached twice (workspace and a path, or a symlink) once', async () => {
    await writePlugin(join(root, 'plugins/tactic-care'), { name: 'a', version: '1.0.0', weixi: manifest('tactic-care') });
    await symlink(join(root, 'plugins/tactic-care'), join(root, 'link'));
    const found = await discoverPlugins({ workspaceDir: root, baseDir: root, packages: ['./plugins/tactic-care', './link'] });
    expect(found.map((p) => p.status)).toEqual(['valid']);
  });
});
