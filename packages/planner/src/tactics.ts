/**
 * The tactics planned in a region: every tactic of the host's registry whose plugin is enabled there,
 * built with the region's effective settings. A tactic whose build throws or whose definition has problems
 * is skipped, with why.
 */
import type { TacticCandidate, TacticDefinition, TacticRefinement } from '@weixi/sdk';
import { tacticProblems } from '@weixi/sdk';
import type { PluginHost } from '@weixi/core';

/** A tactic as the planner evaluates it in one region. */
export interface PlannedTactic {
  /** `<pluginId>/<tacticId>`, as tasks carry it. */
  key: string;
  pluginId: string;
  title: string;
  definition: TacticDefinition;
  /** The tactic's `refine`, bound to the region's input. */
  refine?: (candidates: readonly TacticCandidate[]) => Promise<TacticRefinement[]>;
}

export interface SkippedTactic {
  tactic: string;
  error: string;
}

/** What the planner needs of the plugin host: the tactics, where plugins are enabled, settings, and channels. */
export type PlannerHost = Pick<PluginHost, 'tactics' | 'isEnabledIn' | 'settingsFor' | 'channelsIn'>;

/** The enabled tactics of a region, built with its settings, and those skipped. */
export async function regionTactics(host: PlannerHost, region: { id: number; code: string }): Promise<{ tactics: PlannedTactic[]; skipped: SkippedTactic[] }> {
  const tactics: PlannedTactic[] = [];
  const skipped: SkippedTactic[] = [];
  for (const defined of host.tactics.list()) {
    if (!host.isEnabledIn(defined.pluginId, region.id)) continue;
    const key = `${defined.pluginId}/${defined.tacticId}`;
    const input = { settings: await host.settingsFor(defined.pluginId, region.code), regionCode: region.code };
    let definition: TacticDefinition;
    try {
      definition = await defined.implementation.build(input);
    } catch (error) {
      skipped.push({ tactic: key, error: `build failed: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const problems = tacticProblems(definition);
    if (problems.length > 0) {
      skipped.push({ tactic: key, error: `invalid in ${region.code}: ${problems.join('; ')}` });
      continue;
    }
    const refine = defined.implementation.refine?.bind(defined.implementation);
    tactics.push({ key, pluginId: defined.pluginId, title: defined.title, definition, ...(refine ? { refine: (candidates) => refine(candidates, input) } : {}) });
  }
  return { tactics, skipped };
}
