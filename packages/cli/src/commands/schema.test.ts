/**
 * `weixi schema print --with-plugins`, spawned as a frontend team runs it before codegen: the workspace's
 * plugins and one named in WEIXI_PLUGINS (a folder outside the workspace) are in the printed schema with
 * their fields and declared types; a plugin that cannot activate stops it, naming the plugin.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, isEnumType, isInputObjectType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeixi } from '../spawn-cli.test-support.js';

const SLOW = 180_000;
let fixtures: string;

const manifest = (id: string, extra: Record<string, unknown>) => ({ id, displayName: id, description: `The ${id} fixture.`, engines: { weixi: '^0.1.0' }, ...extra });

/** A plugin folder whose code needs no package (it runs outside the workspace): `activate` is given as text. */
async function writePlugin(dir: string, weixi: Record<string, unknown>, activate: string): Promise<string> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `fixture-${String(weixi.id)}`, version: '1.0.0', type: 'module', exports: { '.': './src/index.ts' }, weixi }));
  await writeFile(join(dir, 'src/index.ts'), `export default { activate(ctx: any) { ${activate} } };\n`);
  return dir;
}

const LOYALTY = manifest('loyalty', {
  contributes: {
    graphql: [{ type: 'Query', field: 'points', description: 'Points by tier' }],
    graphqlTypes: [
      { kind: 'enum', name: 'Tier', description: 'A loyalty tier', values: { GOLD: {}, SILVER: {} } },
      { kind: 'object', name: 'Points', description: 'Points of a tier', fields: { tier: { type: 'Tier!' }, points: { type: 'Int!' } } },
      { kind: 'input', name: 'Filter', description: 'Which tiers', fields: { tiers: { type: '[Tier!]!' } } },
    ],
  },
});

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'weixi-cli-schema-'));
  await writePlugin(join(fixtures, 'loyalty'), LOYALTY, `ctx.graphql.addRootField('Query', 'points', { type: '[Points!]', description: 'Points', args: { filter: { type: 'Filter', required: true } }, resolve: () => [] });`);
  await writePlugin(join(fixtures, 'broken'), manifest('broken', {}), `throw new Error('no model file');`);
});
afterAll(() => rm(fixtures, { recursive: true, force: true }));

const weixi = (args: string[], plugins: string[]) => runWeixi(['schema', ...args], { ...process.env, WEIXI_PLUGINS: plugins.join(',') });

describe('weixi schema print --with-plugins', () => {
  it('writes the schema with the workspace plugins and WEIXI_PLUGINS\' fields and types, ready for codegen', async () => {
    const out = join(fixtures, 'schema.graphql');
    const run = await weixi(['print', '--with-plugins', '--out', out], [join(fixtures, 'loyalty')]);
    expect(run.stderr).toBe(`wrote ${out}\n`);
    expect(run.code).toBe(0);
    const schema = buildSchema(await readFile(out, 'utf8'));
    const points = schema.getQueryType()!.getFields().loyalty_points!;
    expect(String(points.type)).toBe('[Loyalty_Points!]');
    expect(points.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['filter: Loyalty_Filter!']);
    const type = schema.getType('Loyalty_Points');
    expect(isObjectType(type) && Object.values(type.getFields()).map((f) => `${f.name}: ${String(f.type)}`)).toEqual(['points: Int!', 'tier: Loyalty_Tier!']);
    const tier = schema.getType('Loyalty_Tier');
    expect(isEnumType(tier) && tier.getValues().map((v) => v.name)).toEqual(['GOLD', 'SILVER']);
    expect(isInputObjectType(schema.getType('Loyalty_Filter'))).toBe(true);
    // The workspace's plugins, typed.
    expect(String(schema.getQueryType()!.getFields().sms_outbox!.type)).toBe('[Sms_Message!]');
    expect(String(schema.getQueryType()!.getFields().tacticProactiveCare_upcomingBirthdays!.type)).toBe('[TacticProactiveCare_BirthdayDay!]');
    expect(schema.getType('Customer') && isObjectType(schema.getType('Customer')) && 'silentMonths' in (schema.getType('Customer') as any).getFields()).toBe(true);
  }, SLOW);

  it('refuses to print a schema that would miss a plugin which fails to activate', async () => {
    const run = await weixi(['print', '--with-plugins'], [join(fixtures, 'broken')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('plugins failed to activate, so their fields would be missing:\n  broken: no model file');
  }, SLOW);
});
