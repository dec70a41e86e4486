/**
 * `weixi plugin keygen | sign | trust | install | list | upgrade | uninstall | purge`, spawned as a
 * regional developer and an operator run them, against a real Verdaccio: the developer makes a key and
 * signs the plugin folder before `npm publish`; the operator trusts the key and installs from the registry.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixturePlugin } from '../../../plugin-store/src/fixture-plugin.test-support.js';
import { startRegistry, type TestRegistry } from '../../../plugin-store/src/verdaccio.test-support.js';
import { cliDatabase, runWeixi, type CliDatabase } from '../spawn-cli.test-support.js';
import { packageSpec } from './plugin-registry.js';

// Each spawned command starts the workspace's plugin host, as the server does: seconds each.
const SLOW = 600_000;
let cli: CliDatabase;
let registry: TestRegistry;
let env: Record<string, string | undefined>;
const weixi = (...args: string[]) => runWeixi(['plugin', ...args], env);

/** Writes a release of the fixture plugin, signs it with the CLI and publishes it. */
async function release(options: Parameters<typeof writeFixturePlugin>[0]) {
  const dir = await writeFixturePlugin(options, join(cli.dir, `release-${options.version}`));
  const signed = await weixi('sign', dir, '--key', join(cli.dir, 'acme.private.pem'), '--publisher', 'acme');
  expect(signed.code, signed.stderr).toBe(0);
  expect(signed.stdout).toMatch(/^signed 2 files as acme \(key [0-9a-f]{16}\)/);
  await registry.publish(dir);
}

beforeAll(async () => {
  cli = await cliDatabase('plugin-registry');
  registry = await startRegistry();
  // No `weixi migrate` first: the registry commands migrate the database themselves.
  env = { ...cli.env, WEIXI_PLUGIN_STORE: join(cli.dir, 'store'), WEIXI_PLUGIN_REGISTRY: registry.url };
}, 120_000);
afterAll(async () => {
  await registry?.stop();
  await cli?.close();
});

describe('weixi plugin, from a private registry', () => {
  it('reads package specs with scopes and ranges', () => {
    expect(packageSpec('@acme/weixi-plugin@^1.2')).toEqual({ name: '@acme/weixi-plugin', range: '^1.2' });
    expect(packageSpec('@acme/weixi-plugin')).toEqual({ name: '@acme/weixi-plugin' });
    expect(packageSpec('greeting@1.0.0')).toEqual({ name: 'greeting', range: '1.0.0' });
  });

  it('makes keys, signs, trusts, installs, upgrades, uninstalls and purges, each audited', async () => {
    const keygen = await weixi('keygen', '--publisher', 'acme', '--out', cli.dir);
    expect(keygen.code, keygen.stderr).toBe(0);
    const keyId = /^key ([0-9a-f]{16}):/.exec(keygen.stdout)![1]!;
    await release({ version: '1.0.0' });

    const untrusted = await weixi('install', 'weixi-plugin-greeting@^1.0.0');
    expect(untrusted.code).toBe(1);
    // A fresh PGlite folder is migrated by this first command (PostgreSQL test databases come migrated).
    if (!cli.postgres) expect(untrusted.stderr).toMatch(/^Applied \d+ migrations to /m);
    expect(untrusted.stderr).toContain(`publisher 'acme' with key ${keyId} is not trusted here`);
    expect(untrusted.stderr).toContain('[UNKNOWN_PUBLISHER]');

    const trusted = await weixi('trust', '--publisher', 'acme', '--key', join(cli.dir, 'acme.public.pem'));
    expect(trusted.stdout).toBe(`trusted acme key ${keyId}\n`);
    const installed = await weixi('install', 'weixi-plugin-greeting@^1.0.0');
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/^installed greeting 1\.0\.0 \(weixi-plugin-greeting, signature verified by acme\) in .+: inactive\n$/);
    expect(installed.stderr).toContain('  resolving weixi-plugin-greeting@^1.0.0\n  downloading weixi-plugin-greeting@1.0.0\n  verifying weixi-plugin-greeting@1.0.0\n  placed weixi-plugin-greeting@1.0.0\n');
    expect(existsSync(join(cli.dir, 'store', 'greeting', '1.0.0', 'weixi-signature.json'))).toBe(true);

    await release({ version: '1.1.0', renamed: true });
    const listed = await weixi('list');
    expect(listed.stdout).toBe(`greeting  weixi-plugin-greeting@1.0.0  signature verified (acme ${keyId})  available: 1.0.0, 1.1.0\n`);
    const upgraded = await weixi('upgrade', 'greeting');
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(upgraded.stdout).toBe('upgraded greeting from 1.0.0 to 1.1.0 (signature verified)\n');

    await cli.inspect((database) => database.rows(sql`insert into plugin_configs (plugin_id, region_id, settings) values ('greeting', null, '{"salutation": "hi"}'::jsonb) returning id`));
    const uninstalled = await weixi('uninstall', 'greeting');
    expect(uninstalled.stdout).toBe('uninstalled greeting 1.1.0; its settings stay until: weixi plugin purge greeting\n');
    const purged = await weixi('purge', 'greeting');
    expect(purged.stdout).toBe('purged greeting: 1 settings rows, 0 storage entries\n');

    const audit = await cli.inspect((database) => database.rows<{ operation: string; outcome: string; actor: string }>(sql`select operation, outcome, actor from audit_log order by id`));
    const actor = `cli:${userInfo().username}`;
    expect(audit).toEqual(
      [['installPlugin', 'error'], ['trustPublisher', 'ok'], ['installPlugin', 'ok'], ['upgradePlugin', 'ok'], ['uninstallPlugin', 'ok'], ['purgePlugin', 'ok']].map(([operation, outcome]) => ({ operation, outcome, actor })),
    );
  }, SLOW);
});
