/**
 * `weixi roster import --teams FILE --agents FILE | list`: dispatch's teams and agents (what `upsertTeams`
 * and `upsertAgents` take over the API) from the CSV files a call centre keeps, in one transaction: a new
 * team and its agents land together or not at all, and a rerun of the same files changes nothing.
 */
import { userInfo } from 'node:os';
import { InputError, recordAudit, regionsByCode, systemClock } from '@weixi/core';
import { SYSTEM_PRINCIPAL } from '@weixi/core/access';
import { inArray } from 'drizzle-orm';
import { regions, type Db } from '@weixi/db';
import { listAgents, listTeams, MAX_ROSTER_BATCH, upsertAgents, upsertTeams, type AgentInput, type TeamInput } from '@weixi/dispatch';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseCommandLine } from '../arguments.js';
import { csvField } from '../csv.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';
import { describeIssuesAt, readCsvTable, type TableFile } from '../table-file.js';
import { describeMigrations } from './migrate.js';

const TEAM_COLUMNS = ['regionCode', 'name', 'kind', 'leadAgentId', 'skills'] as const;
const AGENT_COLUMNS = ['agentId', 'name', 'regionCode', 'team', 'capacityPerDay', 'skills', 'active'] as const;

const USAGE = `Usage: weixi roster import [--teams FILE] [--agents FILE]
       weixi roster list [--region CODE] [--format table|csv]

import creates or updates dispatch teams (by region and name) and agents (by agent id), teams first, all
in one transaction: any bad line writes nothing, and every bad line is named. At most
${format(MAX_ROSTER_BATCH)} of each per import.

  teams.csv    ${TEAM_COLUMNS.join(',')}
               JS-NJ,南京外呼一组,call_center,li.lei,renewal;device
  agents.csv   ${AGENT_COLUMNS.join(',')}
               zhang.san,张三,JS-NJ,南京外呼一组,40,renewal,true

  kind            account_managers (客户经理), call_center (外呼) or automated
  skills          separated by ; (may be empty)
  capacityPerDay  tasks a day (default 40); active: true or false (default true)

list prints the teams and their agents, of one region's subtree with --region. The database is
DATABASE_URL, else PGlite at WEIXI_DATA_DIR or .weixi/data; import migrates it first.

Examples:
  pnpm weixi roster import --teams examples/roster/teams.csv --agents examples/roster/agents.csv
  pnpm weixi roster list --region JS-NJ`;

export const roster: Command = {
  name: 'roster',
  summary: 'import dispatch teams and agents from CSV, list them',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'import') return importRoster(rest);
    if (sub === 'list') return list(rest);
    if (sub === undefined) throw new UsageError('no subcommand given: use import or list', 'roster');
    throw new UsageError(`unknown subcommand '${sub}': use import or list`, 'roster');
  },
};

const skillsOf = (text: string | undefined) => (text ? text.split(';').map((s) => s.trim()).filter(Boolean) : []);

function wholeOrNull(text: string | undefined, place: string, column: string, problems: string[]): number | null {
  if (!text) return null;
  if (!/^\d+$/.test(text)) problems.push(`${place}, ${column}: expected a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function booleanOrNull(text: string | undefined, place: string, problems: string[]): boolean | null {
  if (!text) return null;
  if (!/^(true|false)$/i.test(text)) problems.push(`${place}, active: expected true or false, got ${JSON.stringify(text)}`);
  return /^true$/i.test(text);
}

function teamInputs(file: TableFile): TeamInput[] {
  return file.rows.map((r) => ({ regionCode: r.regionCode!, name: r.name!, kind: r.kind as TeamInput['kind'], leadAgentId: r.leadAgentId || null, skills: skillsOf(r.skills) }));
}

function agentInputs(name: string, file: TableFile): AgentInput[] {
  const problems: string[] = [];
  const inputs = file.rows.map((r, i) => ({
    agentId: r.agentId!,
    name: r.name!,
    regionCode: r.regionCode!,
    team: r.team!,
    capacityPerDay: wholeOrNull(r.capacityPerDay, file.places[i]!, 'capacityPerDay', problems),
    skills: skillsOf(r.skills),
    active: booleanOrNull(r.active, file.places[i]!, problems),
  }));
  if (problems.length > 0) throw new CliError(`${name}: nothing was imported. ${problems.join('\n  ')}`);
  return inputs;
}

async function importRoster(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('roster', args, { teams: { type: 'string' }, agents: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`import takes its files as --teams FILE and --agents FILE, not ${positionals.join(' ')}`, 'roster');
  if (values.teams === undefined && values.agents === undefined) throw new UsageError('import needs --teams FILE, --agents FILE or both', 'roster');
  const teamFile = values.teams === undefined ? undefined : await readCsvTable(values.teams, { columns: TEAM_COLUMNS, required: ['regionCode', 'name', 'kind'], max: MAX_ROSTER_BATCH, what: 'teams' });
  const agentFile = values.agents === undefined ? undefined : await readCsvTable(values.agents, { columns: AGENT_COLUMNS, required: ['agentId', 'name', 'regionCode', 'team'], max: MAX_ROSTER_BATCH, what: 'agents' });
  const teams = teamFile && teamInputs(teamFile);
  const agents = agentFile && agentInputs(values.agents!, agentFile);
  if (!teams?.length && !agents?.length) throw new CliError('the files hold no teams and no agents');
  process.stderr.write(`Read ${format(teams?.length ?? 0)} teams and ${format(agents?.length ?? 0)} agents; writing them to ${describeDatabase()}\n`);

  const actor = `cli:${userInfo().username}`;
  await withDatabase(async (database) => {
    const report = await applyMigrations(database);
    if (report.applied.length > 0) process.stdout.write(`${describeMigrations(report)}\n`);
    await database.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      if (teams?.length) await explained(values.teams!, teamFile!, teams.map((t) => `${t.regionCode} ${t.name}`), () => upsertTeams(db, SYSTEM_PRINCIPAL, teams));
      if (agents?.length) await explained(values.agents!, agentFile!, agents.map((a) => a.agentId), () => upsertAgents(db, SYSTEM_PRINCIPAL, agents));
      const objects = [...(teams ?? []).map((t) => `team:${t.regionCode}/${t.name}`), ...(agents ?? []).map((a) => `agent:${a.agentId}`)];
      await recordAudit(db, { at: systemClock.now(), actor, role: 'admin', operation: 'roster.import', pluginId: null, objects, outcome: 'ok', detail: {} });
    });
  });
  process.stdout.write(`Imported ${format(teams?.length ?? 0)} teams and ${format(agents?.length ?? 0)} agents (created or updated; unchanged rows stay as they were).\n`);
  return 0;
}

/** Runs an upsert, telling its input issues by line of the file they came from. */
async function explained<T>(name: string, file: TableFile, labels: string[], upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (error instanceof InputError) throw new CliError(`${name}: nothing was imported. ${describeIssuesAt(file.places, labels, error.issues)}`);
    throw error;
  }
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('roster', args, { region: { type: 'string' }, format: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`list takes no file, got ${positionals.join(' ')}`, 'roster');
  const output = values.format ?? 'table';
  if (output !== 'table' && output !== 'csv') throw new UsageError(`--format must be table or csv, got '${output}'`, 'roster');
  return withDatabase(async (database) => {
    let root = '/';
    if (values.region !== undefined) {
      const region = (await regionsByCode(database.db, [values.region])).get(values.region);
      if (!region) throw new CliError(`no region ${JSON.stringify(values.region)} in ${describeDatabase()}; weixi regions list shows the codes`);
      root = region.path;
    }
    const [teams, agents] = await Promise.all([listTeams(database.db, root), listAgents(database.db, root)]);
    if (teams.length === 0) {
      process.stderr.write(`No teams${values.region ? ` in ${values.region}` : ''}. Import some: weixi roster import --teams teams.csv --agents agents.csv\n`);
      return 0;
    }
    if (output === 'csv') {
      process.stdout.write(`${AGENT_COLUMNS.join(',')}\n`);
      const teamName = new Map(teams.map((t) => [t.id, t.name]));
      const codes = await regionCodes(database.db, [...new Set(agents.map((a) => a.regionId))]);
      for (const a of agents) process.stdout.write(`${[a.agentId, a.name, codes.get(a.regionId) ?? '', teamName.get(a.teamId) ?? '', String(a.capacityPerDay), a.skills.join(';'), String(a.active)].map(csvField).join(',')}\n`);
      return 0;
    }
    for (const t of teams) {
      const members = agents.filter((a) => a.teamId === t.id);
      process.stdout.write(`${t.name}  (${t.kind}${t.leadAgentId ? `, lead ${t.leadAgentId}` : ''}${t.skills.length ? `, skills ${t.skills.join(';')}` : ''}): ${members.length} agent${members.length === 1 ? '' : 's'}\n`);
      for (const a of members) process.stdout.write(`  ${a.agentId.padEnd(24)}${String(a.capacityPerDay).padStart(4)}/day  ${a.active ? 'active  ' : 'inactive'}  ${a.name}\n`);
    }
    process.stdout.write(`\n${format(teams.length)} teams, ${format(agents.length)} agents\n`);
    return 0;
  });
}

async function regionCodes(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: regions.id, code: regions.code }).from(regions).where(inArray(regions.id, ids));
  return new Map(rows.map((r) => [r.id, r.code]));
}
