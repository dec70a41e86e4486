/** The dispatch job: a core job (no plugin), run every quarter hour in the cities where dispatch is set up. */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';

export const DISPATCH_JOB = {
  id: 'dispatch',
  description: 'Dispatch control: expire, retry unreachable customers, escalate past the SLA, assign open tasks',
  cron: '*/15 * * * *',
  maxAttempts: 3,
};

/**
 * Cities where dispatch is set up: a team or dispatch rules in the city, above it or below it. Elsewhere
 * tasks are dispatched by hand (assignTask) and the job never touches them.
 */
export async function dispatchRegions(db: Db): Promise<Array<{ regionId: number; code: string; timeZone: string }>> {
  const rows = await queryRows<{ id: number; code: string; time_zone: string }>(db, sql`
    select c.id, c.code, c.time_zone from regions c
    where c.level = 'city' and exists (
      select from regions r where (starts_with(c.path, r.path) or starts_with(r.path, c.path))
        and (exists (select from teams t where t.region_id = r.id) or exists (select from dispatch_rules d where d.region_id = r.id)))
    order by c.path`);
  return rows.map((r) => ({ regionId: Number(r.id), code: r.code, timeZone: r.time_zone }));
}
