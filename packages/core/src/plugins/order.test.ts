import { describe, expect, it, vi } from 'vitest';
import type { DiscoveredPlugin, InvalidPlugin, ValidPlugin } from './discovery.js';
import { ManifestError } from './manifest.js';
import { planActivation } from './order.js';

const SDK = '0.1.0';

/** A discovered valid plugin, in memory: planning reads manifests only. */
function plugin(id: string, options: { version?: string; engine?: string; dependsOn?: Record<string, string>; dir?: string } = {}): ValidPlugin {
  const version = options.version ?? '1.0.0';
  const dir = options.dir ?? `/plugins/${id}`;
  return {
    status: 'valid',
    id,
    version,
    dir,
    packageJsonPath: `${dir}/package.json`,
    from: 'workspace',
    entry: `${dir}/src/index.ts`,
    manifest: { id, displayName: id, description: id, version, engines: { weixi: options.engine ?? '^0.1.0' }, ...(options.dependsOn ? { dependencies: options.dependsOn } : {}) },
  };
}

function broken(id: string): InvalidPlugin {
  return { status: 'invalid', id, dir: `/plugins/${id}`, packageJsonPath: `/plugins/${id}/package.json`, from: 'workspace', error: new ManifestError(`/plugins/${id}/package.json`, [{ path: 'weixi.description', message: 'is missing' }], id) };
}

const quiet = { warn: () => {} };
const plan = (plugins: DiscoveredPlugin[], overrides?: string[], logger = quiet) => planActivation(plugins, { sdkVersion: SDK, overrides, logger });
const ids = (list: Array<{ id: string } | { plugin: { id: string } }>) => list.map((p) => ('plugin' in p ? p.plugin.id : p.id));
const reasons = (result: ReturnType<typeof plan>) => Object.fromEntries(result.refused.map((r) => [r.plugin.id, r.reason]));

describe('planActivation: engine range', () => {
  it('refuses a plugin whose engines.weixi range excludes the SDK version, saying both', () => {
    const result = plan([plugin('tactic-new', { version: '1.2.0', engine: '^2.0.0' }), plugin('tactic-ok')]);
    expect(ids(result.order)).toEqual(['tactic-ok']);
    expect(result.refused).toEqual([
      { plugin: expect.objectContaining({ id: 'tactic-new' }), path: 'weixi.engines.weixi', reason: "plugin 'tactic-new' 1.2.0 needs Weixi SDK ^2.0.0; this platform provides 0.1.0" },
    ]);
  });

  it('runs an engine mismatch that overrides allow, and logs it', () => {
    const warn = vi.fn();
    const result = plan([plugin('tactic-new', { version: '1.2.0', engine: '^2.0.0' })], ['tactic-new', 'not-installed'], { warn });
    expect(ids(result.order)).toEqual(['tactic-new']);
    expect(result.refused).toEqual([]);
    expect(result.overridden).toEqual([{ plugin: expect.objectContaining({ id: 'tactic-new' }), reason: "plugin 'tactic-new' 1.2.0 needs Weixi SDK ^2.0.0; this platform provides 0.1.0" }]);
    expect(warn).toHaveBeenCalledWith("plugin 'tactic-new' 1.2.0 needs Weixi SDK ^2.0.0; this platform provides 0.1.0; activating it anyway because it is overridden", { pluginId: 'tactic-new' });
    expect(warn).toHaveBeenCalledWith("override for plugin 'not-installed' has no effect: no valid plugin has that id");
  });

  it('accepts a prerelease SDK inside the range and rejects a bad sdkVersion', () => {
    expect(ids(planActivation([plugin('a', { engine: '^0.2.0-0' })], { sdkVersion: '0.2.0-beta.1', logger: quiet }).order)).toEqual(['a']);
    expect(() => planActivation([], { sdkVersion: 'latest' })).toThrow("sdkVersion 'latest' is not a semver version");
  });
});

describe('planActivation: dependencies', () => {
  it('refuses a plugin whose dependency is not installed', () => {
    const result = plan([plugin('tactic-care', { dependsOn: { 'warning-silent': '^1.0.0' } })]);
    expect(result.order).toEqual([]);
    expect(result.refused).toEqual([
      { plugin: expect.objectContaining({ id: 'tactic-care' }), path: 'weixi.dependencies.warning-silent', reason: "plugin 'tactic-care' needs plugin 'warning-silent' ^1.0.0, which is not installed" },
    ]);
  });

  it('refuses a plugin whose dependency is installed out of range, naming the installed version', () => {
    const result = plan([plugin('tactic-care', { dependsOn: { 'warning-silent': '^2.0.0' } }), plugin('warning-silent', { version: '1.4.0' })]);
    expect(ids(result.order)).toEqual(['warning-silent']);
    expect(reasons(result)).toEqual({ 'tactic-care': "plugin 'tactic-care' needs plugin 'warning-silent' ^2.0.0; installed is 1.4.0" });
  });

  it('refuses a plugin whose dependency has an invalid manifest', () => {
    const result = plan([plugin('tactic-care', { dependsOn: { 'warning-silent': '^1.0.0' } }), broken('warning-silent')]);
    expect(reasons(result)).toEqual({ 'tactic-care': "plugin 'tactic-care' needs plugin 'warning-silent' ^1.0.0, whose manifest in /plugins/warning-silent/package.json is invalid" });
  });

  it('refuses transitively, saying why each link was refused', () => {
    const result = plan([
      plugin('tactic-care', { dependsOn: { 'warning-silent': '^1.0.0' } }),
      plugin('warning-silent', { dependsOn: { 'usage-core': '^1.0.0' } }),
      plugin('usage-core', { engine: '^3.0.0', version: '1.0.0' }),
      plugin('channel-sms'),
    ]);
    expect(ids(result.order)).toEqual(['channel-sms']);
    const engine = "plugin 'usage-core' 1.0.0 needs Weixi SDK ^3.0.0; this platform provides 0.1.0";
    const silent = `plugin 'warning-silent' needs plugin 'usage-core', which is refused (${engine})`;
    expect(reasons(result)).toEqual({
      'usage-core': engine,
      'warning-silent': silent,
      'tactic-care': `plugin 'tactic-care' needs plugin 'warning-silent', which is refused (${silent})`,
    });
    expect(result.refused.find((r) => r.plugin.id === 'tactic-care')!.path).toBe('weixi.dependencies.warning-silent');
  });

  it('lists every direct reason of one plugin', () => {
    const result = plan([plugin('a', { engine: '^9.0.0', dependsOn: { b: '^1.0.0', c: '^1.0.0' } })]);
    expect(reasons(result).a).toBe("plugin 'a' 1.0.0 needs Weixi SDK ^9.0.0; this platform provides 0.1.0; plugin 'a' needs plugin 'b' ^1.0.0, which is not installed; plugin 'a' needs plugin 'c' ^1.0.0, which is not installed");
  });
});

describe('planActivation: order', () => {
  it('activates dependencies first, alphabetically among plugins that could go in either order', () => {
    const result = plan([
      plugin('tactic-care', { dependsOn: { 'warning-silent': '^1.0.0', 'channel-call': '^1.0.0' } }),
      plugin('warning-silent', { dependsOn: { 'usage-core': '^1.0.0' } }),
      plugin('zeta'),
      plugin('usage-core'),
      plugin('channel-call'),
      plugin('alpha', { dependsOn: { zeta: '*' } }),
      broken('warning-broken'),
    ]);
    expect(ids(result.order)).toEqual(['channel-call', 'usage-core', 'warning-silent', 'tactic-care', 'zeta', 'alpha']);
    expect(result.refused).toEqual([]);
  });

  it('gives the same order whatever order plugins were discovered in', () => {
    const plugins = [plugin('c', { dependsOn: { a: '*' } }), plugin('b'), plugin('a'), plugin('d', { dependsOn: { b: '*', c: '*' } })];
    const orders = [plugins, [...plugins].reverse(), [plugins[2]!, plugins[0]!, plugins[3]!, plugins[1]!]].map((p) => ids(plan(p).order));
    expect(orders).toEqual([['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd']]);
  });

  it('refuses the plugins on a dependency cycle, naming it, and the plugins that need them', () => {
    const result = plan([
      plugin('c', { dependsOn: { a: '^1.0.0' } }),
      plugin('b', { dependsOn: { c: '^1.0.0' } }),
      plugin('a', { dependsOn: { b: '^1.0.0' } }),
      plugin('tactic-care', { dependsOn: { b: '^1.0.0' } }),
      plugin('free'),
    ]);
    const cycle = 'dependency cycle a → b → c → a; remove one of these dependencies';
    expect(ids(result.order)).toEqual(['free']);
    expect(reasons(result)).toEqual({ a: cycle, b: cycle, c: cycle, 'tactic-care': `plugin 'tactic-care' needs plugin 'b', which is refused (${cycle})` });
    expect(result.refused.find((r) => r.plugin.id === 'a')!.path).toBe('weixi.dependencies');
  });

  it('names the shortest loop through the first plugin of a tangle, and each separate cycle', () => {
    const result = plan([
      plugin('a', { dependsOn: { b: '*', c: '*' } }),
      plugin('b', { dependsOn: { c: '*' } }),
      plugin('c', { dependsOn: { a: '*' } }),
      plugin('x', { dependsOn: { y: '*' } }),
      plugin('y', { dependsOn: { x: '*' } }),
    ]);
    expect(reasons(result)).toMatchObject({ a: expect.stringContaining('a → c → a'), b: expect.stringContaining('a → c → a'), x: expect.stringContaining('x → y → x') });
  });

  it('refuses two valid plugins with one id, naming both paths', () => {
    const result = plan([plugin('dup', { dir: '/one/dup' }), plugin('dup', { dir: '/two/dup' }), plugin('user', { dependsOn: { dup: '*' } })]);
    expect(result.order).toEqual([]);
    expect(result.refused.map((r) => r.reason)).toEqual([
      "plugin id 'dup' is declared by both /one/dup/package.json and /two/dup/package.json; rename one or remove the copy",
      "plugin id 'dup' is declared by both /one/dup/package.json and /two/dup/package.json; rename one or remove the copy",
      expect.stringMatching(/^plugin 'user' needs plugin 'dup', which is refused/),
    ]);
  });

  it('ignores invalid and skipped entries', () => {
    const skipped: DiscoveredPlugin = { status: 'skipped', dir: '/plugins/lib', packageJsonPath: '/plugins/lib/package.json', from: 'workspace', reason: 'no "weixi" key' };
    expect(plan([skipped, broken('x'), plugin('a')])).toEqual({ order: [expect.objectContaining({ id: 'a' })], refused: [], overridden: [] });
  });
});
