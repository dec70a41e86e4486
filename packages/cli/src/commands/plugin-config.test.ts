/**
 * `weixi plugins enable|disable|configure`, spawned as a user runs it, on a small demo population: the
 * choice is stored per region as the mutations store it, settings are checked against the schema, and each
 * change is in the audit log under the operating-system user.
 */
import { userInfo } from 'node:os';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runWeixi, type CliDatabase } from '../spawn-cli.test-support.js';

const SLOW = 120_000;
const ID = 'warning-contract-ending';
let cli: CliDatabase;

const inspect: CliDatabase['inspect'] = (read) => cli.inspect(read);
const weixi = (...args: string[]) => runWeixi(['plugins', ...args], cli.env);
const configs = () =>
  inspect((database) =>
    database.rows<{ region: string | null; enabled: boolean | null; settings: Record<string, unknown> }>(sql`
      select r.code as region, p.enabled, p.settings from plugin_configs p left join regions r on r.id = p.region_id
      where p.plugin_id = ${ID} order by r.code nulls first`),
  );

beforeAll(async () => {
  cli = await cliDatabase('plugin-config');
  const seeded = await runWeixi(['seed', '--customers', '200'], cli.env);
  expect(seeded.code, seeded.stderr).toBe(0);
}, SLOW);
afterAll(() => cli?.close());

describe('weixi plugins enable, configure, disable', () => {
  it('enables a plugin in a province, a city configures it and then opts out, each change audited', async () => {
    const enabled = await weixi('enable', ID, '--region', 'JS');
    expect(enabled.code, enabled.stderr).toBe(0);
    const subtree = async (code: string) => (await inspect((database) => database.rows<{ code: string }>(sql`select code from regions where starts_with(path, (select path from regions where code = ${code})) order by code`))).map((r) => r.code);
    const js = await subtree('JS');
    expect(js).toEqual(expect.arrayContaining(['JS', 'JS-NJ', 'JS-SZ', 'JS-WX']));
    expect(enabled.stdout).toMatch(new RegExp(`^${ID} enabled in JS and below in .+: active\nenabled in: ${js.join(', ')}\n$`));

    const configured = await weixi('configure', ID, '--region', 'JS-SZ', '--set', 'daysBefore=60');
    expect(configured.code, configured.stderr).toBe(0);
    expect(JSON.parse(configured.stdout.slice(configured.stdout.indexOf('{')))).toEqual({ daysBefore: 60, weight: 1 });

    const disabled = await weixi('disable', ID, '--region', 'JS-SZ');
    expect(disabled.code, disabled.stderr).toBe(0);
    const suzhou = await subtree('JS-SZ');
    expect(disabled.stdout).toContain(`enabled in: ${js.filter((c) => !suzhou.includes(c)).join(', ')}\n`);

    expect(await configs()).toEqual([
      { region: 'JS', enabled: true, settings: {} },
      { region: 'JS-SZ', enabled: false, settings: { daysBefore: 60 } },
    ]);
    const audit = await inspect((database) => database.rows<{ actor: string; operation: string; objects: string[]; outcome: string }>(sql`select actor, operation, objects, outcome from audit_log order by id`));
    const actor = `cli:${userInfo().username}`;
    expect(audit).toEqual([
      { actor, operation: 'enablePlugin', objects: [`plugin:${ID}`, 'region:JS'], outcome: 'ok' },
      { actor, operation: 'configurePlugin', objects: [`plugin:${ID}`, 'region:JS-SZ'], outcome: 'ok' },
      { actor, operation: 'disablePlugin', objects: [`plugin:${ID}`, 'region:JS-SZ'], outcome: 'ok' },
    ]);
  }, SLOW);

  it('names what is wrong, changes nothing and exits non-zero', async () => {
    const before = await configs();
    const invalid = await weixi('configure', ID, '--region', 'JS-NJ', '--set', 'daysBefore=999');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/daysBefore/);
    const unknown = await weixi('enable', 'no-such-plugin', '--region', 'JS');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no-such-plugin');
    const region = await weixi('enable', ID, '--region', 'XX');
    expect(region.code).toBe(1);
    expect(region.stderr).toContain('XX');
    expect(await weixi('enable')).toMatchObject({ code: 2 });
    expect(await weixi('configure', ID, '--region', 'JS')).toMatchObject({ code: 2 });
    expect(await weixi('configure', ID, '--settings', '[1]')).toMatchObject({ code: 2 });
    expect(await weixi('disable', ID, '--set', 'a=1')).toMatchObject({ code: 2 });
    expect(await configs()).toEqual(before);
  }, SLOW);
});
