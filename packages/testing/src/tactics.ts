/**
 * Shortcuts for testing a tactic plugin: the platform with the plugin of the calling test's folder enabled,
 * and its tactics built for a region's settings as the planner builds them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { TACTIC_SETTINGS_SCHEMA, tacticProblems, type PluginManifest, type TacticDefinition, type TacticImplementation, type TacticInput } from '@weixi/sdk';
import { afterAll, beforeAll } from 'vitest';
import { pluginDir } from './plugin-dir.js';
import { createTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform.js';

type Settings = Record<string, unknown>;

export interface TacticTestbed {
  platform: TestPlatform;
  pluginId: string;
  /** The ids of the tactics the plugin defined as it activated (the host's registry), sorted. */
  tacticIds: string[];
  /** The input `build` and `refine` get for a region: its resolved settings (own over ancestors' over defaults). */
  input(regionCode: string): Promise<TacticInput<Settings>>;
  /** The implementation the host registered (default: the plugin's only tactic). */
  implementation(tacticId?: string): TacticImplementation<Settings>;
  /** The definition built for a region's settings; throws with every `tacticProblems` when it is invalid. */
  definition(regionCode: string, tacticId?: string): Promise<TacticDefinition>;
  /** Sets `settings` on a region through the API, as an operator would, and returns why it was refused; throws when accepted. */
  refusal(settings: Settings, regionCode?: string): Promise<string>;
}

export interface TacticTestbedOptions {
  /** The plugin's settings per region code (`null`: global), applied at boot. */
  settings?: Record<string, Settings>;
  /** Where the plugin is enabled; default `JS` (Nanjing, its district and Suzhou). */
  enable?: TestPlatformOptions['enable'];
  seed?: TestPlatformOptions['seed'];
  now?: string;
}

/**
 * A platform with the tactic plugin of the calling test's folder (`import.meta.url`) enabled in `JS` (or
 * `options.enable`), with its `options.settings` per region applied at boot. It first checks that the
 * manifest declares the common tactic settings with the SDK's schemas (`TACTIC_SETTINGS_SCHEMA`),
 * defaults aside.
 *
 * @example
 * ```ts
 * const bed = await tacticTestbed(import.meta.url, { settings: { 'JS-SZ': { cooldownDays: 30 } } });
 * expect((await bed.definition('JS-SZ')).cooldownDays).toBe(30);
 * expect(await bed.refusal({ cooldownDays: -1 })).toMatch(/cooldownDays/);
 * ```
 */
export async function tacticTestbed(testUrl: string, options: TacticTestbedOptions = {}): Promise<TacticTestbed> {
  const dir = pluginDir(testUrl);
  const manifest = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { weixi: PluginManifest }).weixi;
  const mismatched = commonSettingsMismatches(manifest);
  if (mismatched.length > 0) throw new Error(`plugin '${manifest.id}' declares the common tactic settings differently from TACTIC_SETTINGS_SCHEMA: ${mismatched.join(', ')}`);
  const platform = await createTestPlatform({
    plugins: [dir],
    settings: Object.entries(options.settings ?? {}).map(([region, settings]) => ({ plugin: manifest.id, ...(region === 'null' ? {} : { region }), settings })),
    enable: options.enable ?? [{ plugin: manifest.id, region: 'JS' }],
    ...(options.seed ? { seed: options.seed } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const defined = platform.host.tactics.list().filter((t) => t.pluginId === manifest.id);
  const implementation = (tacticId?: string) => {
    const found = tacticId === undefined && defined.length === 1 ? defined[0] : defined.find((t) => t.tacticId === tacticId);
    if (!found) throw new Error(`plugin '${manifest.id}' defined no tactic '${tacticId ?? '(its only one)'}'; it defined ${defined.map((t) => t.tacticId).join(', ') || 'none'}`);
    return found.implementation;
  };
  const input = async (regionCode: string) => ({ settings: await platform.host.settingsFor(manifest.id, regionCode), regionCode });
  return {
    platform,
    pluginId: manifest.id,
    tacticIds: defined.map((t) => t.tacticId),
    input,
    implementation,
    async definition(regionCode, tacticId) {
      const definition = await implementation(tacticId).build(await input(regionCode));
      const problems = tacticProblems(definition);
      if (problems.length > 0) throw new Error(`tactic '${tacticId ?? defined[0]?.tacticId}' in ${regionCode} is invalid: ${problems.join('; ')}`);
      return definition;
    },
    async refusal(settings, regionCode = 'JS-NJ') {
      const r = await platform.gql(`mutation ($id: String!, $region: String, $settings: JSONObject!) { updatePluginSettings(id: $id, regionCode: $region, settings: $settings) { plugin { id } } }`, {
        id: manifest.id,
        region: regionCode,
        settings,
      });
      if (!r.errors?.length) throw new Error(`settings ${JSON.stringify(settings)} were accepted in ${regionCode}`);
      return r.errors.map((e) => e.message).join('; ');
    },
  };
}

/** The common settings the manifest declares with another schema than the SDK's (defaults and descriptions aside). */
function commonSettingsMismatches(manifest: PluginManifest): string[] {
  const properties = manifest.settings?.properties ?? {};
  return Object.entries(TACTIC_SETTINGS_SCHEMA)
    .filter(([name, schema]) => {
      const declared = properties[name];
      if (!declared) return true;
      const { default: _default, description: _description, ...shape } = declared;
      return !isDeepStrictEqual(shape, JSON.parse(JSON.stringify(schema)));
    })
    .map(([name]) => name);
}

/**
 * `tacticTestbed` booted in `beforeAll` and closed in `afterAll` of the calling test file; the returned
 * function gives the testbed inside tests.
 *
 * @example
 * ```ts
 * const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { bonusYuan: 120 } } });
 * it('builds Suzhou\'s offer', async () => expect((await bed().definition('JS-SZ')).offer.costCents).toBe(12000));
 * ```
 */
export function useTacticTestbed(testUrl: string, options: TacticTestbedOptions = {}): () => TacticTestbed {
  let bed: TacticTestbed | undefined;
  beforeAll(async () => {
    bed = await tacticTestbed(testUrl, options);
  });
  afterAll(() => bed?.platform.close());
  return () => {
    if (!bed) throw new Error('useTacticTestbed: the testbed is booted in beforeAll; use it inside tests');
    return bed;
  };
}
