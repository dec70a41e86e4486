/**
 * Teams and agents as data: upserted in batches (all or nothing, every bad item named), each in a region
 * the caller may write. An agent belongs to one team and has the team's region.
 */
import { and, asc, inArray, sql, type SQL } from 'drizzle-orm';
import { checkText, IssueList, mayWriteRegion, OutOfScopeError, regionsByCode, TEXT_LIMITS, type InputIssue, type Region } from '@weixi/core';
import type { Principal } from '@weixi/core/access';
import { agents, queryRows, regions, TEAM_KINDS, teams, type Db, type TeamKind } from '@weixi/db';

export type Team = typeof teams.$inferSelect;
export type Agent = typeof agents.$inferSelect;

export interface TeamInput {
  regionCode: string;
  name: string;
  kind: TeamKind;
  leadAgentId?: string | null;
  skills?: readonly string[] | null;
}

export interface AgentInput {
  agentId: string;
  name: string;
  regionCode: string;
  /** The team's name in that region. */
  team: string;
  capacityPerDay?: number | null;
  skills?: readonly string[] | null;
  active?: boolean | null;
}

/** Batches larger than this are refused: a roster is hundreds of rows, not a bulk import. */
export const MAX_ROSTER_BATCH = 2000;

const ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

function checkCommon(issues: IssueList, at: string, item: { name: string; skills?: readonly string[] | null }) {
  if (!item.name.trim()) issues.add(`${at}.name`, 'must not be empty');
  checkText(issues, `${at}.name`, item.name, TEXT_LIMITS.name);
  (item.skills ?? []).forEach((s, j) => {
    if (!s.trim() || s.length > 64) issues.add(`${at}.skills[${j}]`, 'must be 1 to 64 characters');
  });
}

/** The regions the items name, checked: unknown codes are BAD_USER_INPUT, codes outside the caller's regions FORBIDDEN. */
async function regionsOf(db: Db, principal: Principal, items: ReadonlyArray<{ regionCode: string }>, path: string, issues: IssueList): Promise<Map<string, Region>> {
  const found = await regionsByCode(db, [...new Set(items.map((i) => i.regionCode))]);
  const outside: InputIssue[] = [];
  items.forEach((item, i) => {
    const region = found.get(item.regionCode);
    if (!region) issues.add(`${path}[${i}].regionCode`, `region ${JSON.stringify(item.regionCode)} does not exist`);
    else if (!mayWriteRegion(principal, region.path)) outside.push({ path: `${path}[${i}].regionCode`, message: `${item.regionCode} is outside the caller's regions` });
  });
  if (outside.length) throw new OutOfScopeError(principal, outside);
  return found;
}

function checkBatch(items: readonly unknown[], path: string, issues: IssueList) {
  if (items.length === 0) issues.add(path, 'must hold at least one item');
  if (items.length > MAX_ROSTER_BATCH) issues.add(path, `holds ${items.length} items; at most ${MAX_ROSTER_BATCH} per call`);
}

/** Creates or updates teams by (region, name); returns them in input order. */
export async function upsertTeams(db: Db, principal: Principal, inputs: readonly TeamInput[], path = 'input'): Promise<Team[]> {
  const issues = new IssueList();
  checkBatch(inputs, path, issues);
  inputs.forEach((t, i) => {
    checkCommon(issues, `${path}[${i}]`, t);
    if (!TEAM_KINDS.includes(t.kind)) issues.add(`${path}[${i}].kind`, `must be one of ${TEAM_KINDS.join(', ')}`);
    if (t.leadAgentId != null && !ID.test(t.leadAgentId)) issues.add(`${path}[${i}].leadAgentId`, 'must be an agent id (letters, digits, . _ @ -, at most 100)');
    const twin = inputs.findIndex((o) => o.regionCode === t.regionCode && o.name.trim() === t.name.trim());
    if (twin !== i) issues.add(`${path}[${i}].name`, `repeats ${path}[${twin}] (the same team in ${t.regionCode})`);
  });
  const found = await regionsOf(db, principal, inputs, path, issues);
  issues.throwIfAny();
  const rows = inputs.map((t) => ({
    regionId: found.get(t.regionCode)!.id,
    name: t.name.trim(),
    kind: t.kind,
    leadAgentId: t.leadAgentId ?? null,
    skills: [...(t.skills ?? [])],
  }));
  const saved = await db
    .insert(teams)
    .values(rows)
    .onConflictDoUpdate({
      target: [teams.regionId, teams.name],
      set: { kind: sql`excluded.kind`, leadAgentId: sql`excluded.lead_agent_id`, skills: sql`excluded.skills`, updatedAt: sql`now()` },
    })
    .returning();
  const byKey = new Map(saved.map((t) => [`${t.regionId}\u0000${t.name}`, t]));
  return rows.map((r) => byKey.get(`${r.regionId}\u0000${r.name}`)!);
}

/**
 * Creates or updates agents by id. An agent already in a region outside the caller's is FORBIDDEN (it is
 * looked up past row-level security, answering only for the ids in the batch), so nobody takes over
 * another region's agent.
 */
export async function upsertAgents(db: Db, principal: Principal, inputs: readonly AgentInput[], path = 'input'): Promise<Agent[]> {
  const issues = new IssueList();
  checkBatch(inputs, path, issues);
  inputs.forEach((a, i) => {
    const at = `${path}[${i}]`;
    checkCommon(issues, at, a);
    if (!ID.test(a.agentId)) issues.add(`${at}.agentId`, 'must be an agent id (letters, digits, . _ @ -, at most 100)');
    if (a.capacityPerDay != null && (!Number.isInteger(a.capacityPerDay) || a.capacityPerDay < 0 || a.capacityPerDay > 1000)) issues.add(`${at}.capacityPerDay`, 'must be a whole number from 0 to 1000');
    const twin = inputs.findIndex((o) => o.agentId === a.agentId);
    if (twin !== i) issues.add(`${at}.agentId`, `repeats ${path}[${twin}]`);
  });
  const found = await regionsOf(db, principal, inputs, path, issues);
  issues.throwIfAny();
  const ids = inputs.map((a) => a.agentId);
  const current = await queryRows<{ agent_id: string; region_path: string }>(db, sql`select agent_id, region_path from weixi_agent_regions(array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::text[])`);
  const outside = current
    .filter((c) => !mayWriteRegion(principal, c.region_path))
    .map((c) => ({ path: `${path}[${ids.indexOf(c.agent_id)}].agentId`, message: `agent ${c.agent_id} belongs to a region outside the caller's` }));
  if (outside.length) throw new OutOfScopeError(principal, outside);
  const regionIds = [...new Set([...found.values()].map((r) => r.id))];
  const teamRows = regionIds.length ? await db.select().from(teams).where(inArray(teams.regionId, regionIds)) : [];
  const teamOf = new Map(teamRows.map((t) => [`${t.regionId}\u0000${t.name}`, t]));
  const rows = inputs.map((a, i) => {
    const region = found.get(a.regionCode);
    const team = region && teamOf.get(`${region.id}\u0000${a.team.trim()}`);
    if (region && !team) issues.add(`${path}[${i}].team`, `no team ${JSON.stringify(a.team)} in ${a.regionCode}; upsert it with upsertTeams first`);
    return {
      agentId: a.agentId,
      name: a.name.trim(),
      teamId: team?.id ?? 0,
      regionId: region?.id ?? 0,
      capacityPerDay: a.capacityPerDay ?? 40,
      skills: [...(a.skills ?? [])],
      active: a.active ?? true,
    };
  });
  issues.throwIfAny();
  const saved = await db
    .insert(agents)
    .values(rows)
    .onConflictDoUpdate({
      target: agents.agentId,
      set: {
        name: sql`excluded.name`,
        teamId: sql`excluded.team_id`,
        regionId: sql`excluded.region_id`,
        capacityPerDay: sql`excluded.capacity_per_day`,
        skills: sql`excluded.skills`,
        active: sql`excluded.active`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  const byId = new Map(saved.map((a) => [a.agentId, a]));
  return ids.map((id) => byId.get(id)!);
}

/** Teams of the regions in a subtree, by region path then name. */
export function listTeams(db: Db, rootPath: string, where?: SQL): Promise<Team[]> {
  return db
    .select({ team: teams })
    .from(teams)
    .innerJoin(regions, sql`${regions.id} = ${teams.regionId}`)
    .where(and(sql`starts_with(${regions.path}, ${rootPath})`, where))
    .orderBy(asc(regions.path), asc(teams.name))
    .then((rows) => rows.map((r) => r.team));
}

/** Agents of the regions in a subtree, by region path then id. */
export function listAgents(db: Db, rootPath: string, where?: SQL): Promise<Agent[]> {
  return db
    .select({ agent: agents })
    .from(agents)
    .innerJoin(regions, sql`${regions.id} = ${agents.regionId}`)
    .where(and(sql`starts_with(${regions.path}, ${rootPath})`, where))
    .orderBy(asc(regions.path), asc(agents.agentId))
    .then((rows) => rows.map((r) => r.agent));
}
