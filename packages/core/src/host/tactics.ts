/**
 * `ctx.tactics.define`: the host checks a tactic as it is defined (declared in the manifest, the
 * capabilities it needs, a valid definition with the default settings) and keeps it in the registry the
 * planner reads. The planner, not the plugin, decides whom a tactic reaches and where (regions where the
 * plugin is enabled only).
 */
import { CapabilityError, tacticGrants, tacticProblems, type Disposable, type PluginManifest, type TacticImplementation } from '@weixi/sdk';
import { WeixiError } from '../errors.js';
import { settingsDefaults } from './scope.js';

/** A tactic an active plugin defined, keyed `<pluginId>/<tacticId>` in the registry. */
export interface DefinedTactic {
  pluginId: string;
  tacticId: string;
  title: string;
  implementation: TacticImplementation<Record<string, unknown>>;
}

/** What a tactic is built with as it is defined, to check it: the default settings, no region. */
export const tacticSampleInput = (manifest: PluginManifest) => ({ settings: settingsDefaults(manifest.settings) as never, regionCode: '' });

/** The tactics of the active plugins, by `<pluginId>/<tacticId>`. */
export class TacticRegistry {
  private readonly byKey = new Map<string, DefinedTactic>();

  define(manifest: PluginManifest, tacticId: string, implementation: TacticImplementation<never>): Disposable {
    const id = manifest.id;
    if (!(manifest.capabilities ?? []).includes('tasks:write')) throw new CapabilityError(id, 'tasks:write', 'tactics.define');
    const declared = manifest.contributes?.tactics?.find((t) => t.id === tacticId);
    if (!declared) {
      const names = manifest.contributes?.tactics?.map((t) => t.id).join(', ') || 'none';
      throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' defines tactic '${tacticId}', which its manifest does not declare under contributes.tactics (declared: ${names})`);
    }
    if (typeof implementation?.build !== 'function') throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' defines tactic '${tacticId}' without build(input) => definition`);
    const key = `${id}/${tacticId}`;
    if (this.byKey.has(key)) throw new WeixiError('CONFLICT', `plugin '${id}' defines tactic '${tacticId}' twice; define each tactic once in activate`);
    // Checked with the default settings as it registers, so a broken tactic fails activation, not a planner run.
    const sample = implementation.build(tacticSampleInput(manifest));
    const problems = tacticProblems(sample);
    if (problems.length > 0) throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' tactic '${tacticId}' is invalid with its default settings: ${problems.join('; ')}`);
    if (tacticGrants(sample) && !(manifest.capabilities ?? []).includes('offers:grant')) throw new CapabilityError(id, 'offers:grant', `tactic '${tacticId}' granting its offer`);
    const entry: DefinedTactic = { pluginId: id, tacticId, title: declared.title, implementation: implementation as never };
    this.byKey.set(key, entry);
    return { dispose: () => void (this.byKey.get(key) === entry && this.byKey.delete(key)) };
  }

  /** Every defined tactic, in a stable order (by key). */
  list(): DefinedTactic[] {
    return [...this.byKey.values()].sort((a, b) => `${a.pluginId}/${a.tacticId}`.localeCompare(`${b.pluginId}/${b.tacticId}`));
  }

  get(pluginId: string, tacticId: string): DefinedTactic | undefined {
    return this.byKey.get(`${pluginId}/${tacticId}`);
  }
}
