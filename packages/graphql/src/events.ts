import type { WeixiContext } from './context.js';

/**
 * Tells plugins what happened, after the write committed. Customers are grouped by region code, since
 * plugins act per region. Handler failures are contained by the event bus and never fail the mutation.
 */
export async function emitByRegion(
  ctx: WeixiContext,
  regionIds: readonly number[],
  customerIds: readonly number[],
  emit: (regionCode: string, customerIds: number[]) => Promise<void>,
): Promise<void> {
  if (!ctx.plugins) return;
  const byRegion = new Map<number, number[]>();
  regionIds.forEach((regionId, i) => byRegion.set(regionId, [...(byRegion.get(regionId) ?? []), customerIds[i]!]));
  for (const [regionId, ids] of byRegion) {
    const region = await ctx.loaders.region.load(regionId);
    if (region) await emit(region.code, ids);
  }
}
