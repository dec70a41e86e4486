/** Queuing a core job (dispatch, planner) now in the cities a region names. */
import { sql } from 'drizzle-orm';
import { CORE_JOB_PREFIX, WeixiError } from '@weixi/core';
import { queryRows } from '@weixi/db';
import type { WeixiContext } from './context.js';

/**
 * Queues `core:<name>`'s job in every city of the region at `regionPath` (or the city above a district);
 * returns the job run ids.
 */
export async function queueCoreJobInCities(ctx: WeixiContext, name: string, jobId: string, regionPath: string): Promise<number[]> {
  if (!ctx.jobs) throw new WeixiError('CONFLICT', `no job runner in this process: ${name} runs on the server`);
  const cities = await queryRows<{ id: number }>(ctx.database.db, sql`select id from regions where level = 'city' and (starts_with(path, ${regionPath}) or starts_with(${regionPath}::text, path)) order by path`);
  const ids: number[] = [];
  for (const city of cities) ids.push(await ctx.jobs.runNow(`${CORE_JOB_PREFIX}${name}`, jobId, Number(city.id)));
  return ids;
}
