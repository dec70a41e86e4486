/**
 * Dispatch control (派单管控) in the API: teams and agents (`upsertTeams`, `upsertAgents`, `teams`, `agents`),
 * rules per region (`dispatchRules`, `setDispatchRules`), `runDispatch`, an agent's queue (`myTasks`) and
 * its contact attempts (`recordContactAttempt`), quality audits (`drawQualityAudits`, `recordAuditResult`)
 * and `RetentionTask.timeline`. Teams and agents are seen by admins and the operators of their region.
 */
import DataLoader from 'dataloader';
import { and, inArray, sql, type SQL } from 'drizzle-orm';
import { listTasks, countTasks, taskSortKey, type Region } from '@weixi/core';
import { regionScopeSql, type Principal } from '@weixi/core/access';
import { AUDIT_STATUSES, DISPOSITIONS, queryRows, retentionTasks, TEAM_KINDS, teams } from '@weixi/db';
import {
  drawQualityAudits,
  listAgents,
  listTeams,
  recordAuditResult,
  recordContactAttempt,
  rulesOfSubtree,
  setDispatchRules,
  TIMELINE_KINDS,
  timelines,
  upsertAgents,
  upsertTeams,
  type Agent,
  type TaskAudit,
  type Team,
  type TimelineEntry,
} from '@weixi/dispatch';
import type { WeixiBuilder } from '../builder.js';
import { cursorKey, keysetConnection } from '../connections.js';
import { queueCoreJobInCities } from '../core-jobs.js';
import type { WeixiContext } from '../context.js';
import { localId } from '../ids.js';
import type { Loaders, TaskRow } from '../loaders.js';
import { reads } from '../projection.js';
import { regionToChange } from '../permissions.js';
import { taskScope } from '../visibility.js';
import { enumOf, type Enums } from './enums.js';
import type { Refs } from './refs.js';

/** Teams (and agents, by their region) the principal sees: admins all, operators their regions', nobody else any. */
function rosterScope(principal: Principal, regionId: SQL | typeof teams.regionId): SQL {
  return principal.kind === 'admin' || principal.kind === 'operator' ? regionScopeSql(principal, regionId) : sql`false`;
}

const perRequest = new WeakMap<Loaders, ReturnType<typeof dispatchLoaders>>();
function loadersOf(ctx: WeixiContext) {
  let found = perRequest.get(ctx.loaders);
  if (!found) perRequest.set(ctx.loaders, (found = dispatchLoaders(ctx)));
  return found;
}

function dispatchLoaders(ctx: WeixiContext) {
  const db = ctx.database.db;
  return {
    team: new DataLoader<number, Team | null>(async (ids) => {
      const rows = await db.select().from(teams).where(and(inArray(teams.id, [...ids]), rosterScope(ctx.principal, teams.regionId)));
      return ids.map((id) => rows.find((t) => t.id === id) ?? null);
    }),
    /** Timelines of tasks the caller sees (the parent task was read in scope). */
    timeline: new DataLoader<number, TimelineEntry[]>(async (ids) => {
      const map = await timelines(db, ids);
      return ids.map((id) => map.get(id) ?? []);
    }),
  };
}

/** The region a dispatch action names, checked for the caller (BAD_USER_INPUT unknown, FORBIDDEN outside). */
const regionFor = (ctx: WeixiContext, code: string, path = 'regionCode') => regionToChange(ctx, 'dispatch', code, path) as Promise<Region>;

export function registerDispatch(builder: WeixiBuilder, refs: Refs, enums: Enums): void {
  const TeamKind = enumOf(builder, 'TeamKind', TEAM_KINDS, 'What a team does: ACCOUNT_MANAGERS (客户经理) serve the top tiers, CALL_CENTER agents call (外呼), AUTOMATED sends through a channel.');
  const Disposition = enumOf(builder, 'Disposition', DISPOSITIONS, 'What happened on a contact attempt. NO_ANSWER, POWERED_OFF and SUSPENDED did not reach the customer: the dispatch job retries at another time of day.');
  const TimelineKind = enumOf(builder, 'TimelineKind', TIMELINE_KINDS, 'A timeline entry: a STATE change; what dispatch did (DISPATCH, ESCALATION, REDISPATCH, HANDOFF, REOPEN, EXPIRY); an ATTEMPT; an audit drawn or checked.');
  const AuditStatus = enumOf(builder, 'AuditStatus', AUDIT_STATUSES, 'A quality audit: PENDING until its callback check; a FAILED check reopens the task.');
  const { TaskState, TaskOutcome } = enums;

  const TeamRef = builder.objectRef<Team>('Team').implement({
    description: 'A team of a region (派单对象): account managers, a call-center queue, or an automated channel.',
    fields: (t) => ({
      id: t.exposeInt('id'),
      region: t.field({ type: refs.Region, resolve: (team, _a, ctx) => ctx.loaders.region.load(team.regionId).then((r) => r!) }),
      name: t.exposeString('name'),
      kind: t.expose('kind', { type: TeamKind }),
      leadAgentId: t.exposeString('leadAgentId', { nullable: true, description: 'Takes escalations (and account-manager work without an active manager).' }),
      skills: t.exposeStringList('skills'),
    }),
  });
  const AgentRef = builder.objectRef<Agent>('Agent').implement({
    description: 'An agent: the id its agent key names and tasks are assigned to.',
    fields: (t) => ({
      agentId: t.exposeString('agentId'),
      name: t.exposeString('name'),
      team: t.field({ type: TeamRef, resolve: (a, _x, ctx) => loadersOf(ctx).team.load(a.teamId).then((team) => team!) }),
      region: t.field({ type: refs.Region, resolve: (a, _x, ctx) => ctx.loaders.region.load(a.regionId).then((r) => r!) }),
      capacityPerDay: t.exposeInt('capacityPerDay', { description: 'Tasks dispatch may give it per local day.' }),
      skills: t.exposeStringList('skills'),
      active: t.exposeBoolean('active'),
    }),
  });
  const Entry = builder.objectRef<TimelineEntry>('TimelineEntry').implement({
    description: 'One entry of a task\'s timeline.',
    fields: (t) => ({
      at: t.expose('at', { type: 'DateTime' }),
      kind: t.expose('kind', { type: TimelineKind }),
      actor: t.exposeString('actor', { nullable: true }),
      note: t.exposeString('note', { nullable: true }),
      fromState: t.expose('fromState', { type: TaskState, nullable: true }),
      toState: t.expose('toState', { type: TaskState, nullable: true }),
      disposition: t.expose('disposition', { type: Disposition, nullable: true }),
      outcome: t.expose('outcome', { type: TaskOutcome, nullable: true }),
      auditId: t.int({ nullable: true, resolve: (e) => e.auditId }),
      auditStatus: t.expose('auditStatus', { type: AuditStatus, nullable: true }),
    }),
  });
  const Audit = builder.objectRef<TaskAudit>('QualityAudit').implement({
    description: 'A quality audit (回访抽检) of a done task.',
    fields: (t) => ({
      id: t.exposeInt('id'),
      task: t.field({ type: refs.RetentionTask, nullable: true, resolve: (a, _x, ctx) => ctx.loaders.task.load(a.taskId) }),
      agentId: t.exposeString('agentId', { nullable: true, description: 'Who did the task.' }),
      status: t.expose('status', { type: AuditStatus }),
      drawnAt: t.expose('drawnAt', { type: 'DateTime' }),
      checkedAt: t.expose('checkedAt', { type: 'DateTime', nullable: true }),
      checkedBy: t.exposeString('checkedBy', { nullable: true }),
      note: t.exposeString('note', { nullable: true }),
    }),
  });

  builder.objectFields(refs.RetentionTask, (t) => ({
    timeline: t.field({
      type: [Entry],
      description: 'State changes, what dispatch did, contact attempts and quality audits, in time order.',
      ...reads<TaskRow>('id'),
      resolve: (task, _a, ctx) => loadersOf(ctx).timeline.load(task.id),
    }),
    team: t.field({ type: TeamRef, nullable: true, description: 'The team it was dispatched to (seen by admins and the operators of the team\'s region).', ...reads<TaskRow>('teamId'), resolve: (task, _a, ctx) => (task.teamId ? loadersOf(ctx).team.load(task.teamId) : null) }),
    dispatchedAt: t.expose('dispatchedAt', { type: 'DateTime', nullable: true }),
    slaDueAt: t.expose('slaDueAt', { type: 'DateTime', nullable: true, description: 'The tier\'s SLA deadline; past it the task is escalated to the team lead.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'After an unreached attempt: the next contact window.' }),
    escalatedAt: t.expose('escalatedAt', { type: 'DateTime', nullable: true }),
  }));

  const TeamInput = builder.inputType('TeamInput', {
    fields: (t) => ({
      regionCode: t.string({ required: true }),
      name: t.string({ required: true, description: 'Unique in the region.' }),
      kind: t.field({ type: TeamKind, required: true }),
      leadAgentId: t.string(),
      skills: t.stringList(),
    }),
  });
  const AgentInput = builder.inputType('AgentInput', {
    fields: (t) => ({
      agentId: t.string({ required: true }),
      name: t.string({ required: true }),
      regionCode: t.string({ required: true }),
      team: t.string({ required: true, description: 'The name of a team of that region.' }),
      capacityPerDay: t.int({ description: 'Default 40.' }),
      skills: t.stringList(),
      active: t.boolean({ description: 'Default true; inactive agents get no new tasks.' }),
    }),
  });

  builder.queryFields((t) => ({
    teams: t.field({
      type: [TeamRef],
      description: 'Teams of a region and the regions below it.',
      args: { regionCode: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => listTeams(ctx.database.db, (await regionFor(ctx, args.regionCode)).path),
    }),
    agents: t.field({
      type: [AgentRef],
      description: 'Agents of a region and the regions below it.',
      args: { regionCode: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => listAgents(ctx.database.db, (await regionFor(ctx, args.regionCode)).path),
    }),
    dispatchRules: t.field({
      type: 'JSONObject',
      description: 'The dispatch rules in force in a region (its own, inherited, defaults): routes and SLA hours per tier, max attempts, contact windows, audit sample rate.',
      args: { regionCode: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => {
        const region = await regionFor(ctx, args.regionCode);
        return (await rulesOfSubtree(ctx.database.db, region.path)).find((r) => r.regionId === region.id)!.rules as never;
      },
    }),
    myTasks: t.connection({
      type: refs.RetentionTask,
      description: 'The calling agent\'s queue: its tasks, soonest due first. Empty for a caller that is not an agent (read tasks(filter: { assignee }) instead).',
      args: { states: t.arg({ type: [TaskState] }) },
      resolve: (_r, args, ctx) => {
        // Reads are filtered, never refused: a caller without an agent id has an empty queue.
        const mine = ctx.principal.kind === 'agent' ? taskScope(ctx.principal) : sql`false`;
        const where = and(mine, args.states?.length ? inArray(retentionTasks.state, [...args.states]) : undefined);
        return keysetConnection(args, cursorKey(['time', 'id'], (r: TaskRow) => taskSortKey(r)), (page) => listTasks(ctx.database.db, where, page), () => countTasks(ctx.database.db, where));
      },
    }, refs.connections.RetentionTask),
  }));

  const TaskResult = builder.objectRef<{ task: TaskRow }>('ContactAttemptPayload').implement({ fields: (t) => ({ task: t.field({ type: refs.RetentionTask, resolve: (p) => p.task }) }) });
  const AuditResult = builder.objectRef<{ audit: TaskAudit; task: TaskRow | null; reopened: boolean; dispatchRunIds: number[] }>('AuditResultPayload').implement({
    fields: (t) => ({
      audit: t.field({ type: Audit, resolve: (p) => p.audit }),
      task: t.field({ type: refs.RetentionTask, nullable: true, description: 'The audited task (named in the audit log too).', resolve: (p) => p.task }),
      reopened: t.exposeBoolean('reopened', { description: 'True when the failed check reopened the task.' }),
      dispatchRunIds: t.exposeIntList('dispatchRunIds', { description: 'The dispatch job runs queued to dispatch the reopened task again (see jobRuns).' }),
    }),
  });

  /** Queues the dispatch job in the cities of a region's subtree (or the city above a district); returns the run ids. */
  const queueDispatch = (ctx: WeixiContext, regionPath: string) => queueCoreJobInCities(ctx, 'dispatch', 'dispatch', regionPath);

  builder.mutationFields((t) => ({
    upsertTeams: t.field({
      type: [TeamRef],
      description: 'Creates or updates teams by region and name; all or nothing.',
      args: { input: t.arg({ type: [TeamInput], required: true }) },
      resolve: (_r, args, ctx) => upsertTeams(ctx.database.db, ctx.principal, args.input.map((i) => ({ ...i, kind: i.kind }))),
    }),
    upsertAgents: t.field({
      type: [AgentRef],
      description: 'Creates or updates agents by id; all or nothing. An agent of a region outside the caller\'s is FORBIDDEN.',
      args: { input: t.arg({ type: [AgentInput], required: true }) },
      resolve: (_r, args, ctx) => upsertAgents(ctx.database.db, ctx.principal, args.input),
    }),
    setDispatchRules: t.field({
      type: 'JSONObject',
      description: 'Sets dispatch rules of a region (a null value removes the key, which then inherits); returns the rules in force there.',
      args: { regionCode: t.arg.string({ required: true }), rules: t.arg({ type: 'JSONObject', required: true }) },
      resolve: async (_r, args, ctx) => setDispatchRules(ctx.database.db, await regionFor(ctx, args.regionCode), args.rules as Record<string, unknown>) as never,
    }),
    runDispatch: t.field({
      type: ['Int'],
      description: 'Queues the dispatch job now in every city of the region (or the city of a district); returns the job run ids (see jobRuns).',
      args: { regionCode: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => queueDispatch(ctx, (await regionFor(ctx, args.regionCode)).path),
    }),
    recordContactAttempt: t.field({
      type: TaskResult,
      description: 'Records a contact attempt on a task in progress: the disposition and, when the customer was reached, the outcome (implied by REFUSED, PROMISED, ACCEPTED and the unreached ones).',
      args: {
        taskId: t.arg.globalID({ for: refs.RetentionTask, required: true }),
        disposition: t.arg({ type: Disposition, required: true }),
        outcome: t.arg({ type: TaskOutcome, description: 'Required for REACHED; implied for the others.' }),
        note: t.arg.string(),
        channel: t.arg.string(),
      },
      resolve: async (_r, args, ctx) => {
        const task = await recordContactAttempt(
          ctx.database.db,
          ctx.clock,
          localId(args.taskId, 'taskId'),
          { disposition: args.disposition, outcome: args.outcome, note: args.note, channel: args.channel },
          ctx.principal.actor,
          taskScope(ctx.principal),
        );
        return { task };
      },
    }),
    drawQualityAudits: t.field({
      type: [Audit],
      description: 'Draws a sample of each agent\'s done tasks in the region for callback checks (回访抽检): up to ceil(rate x done tasks of the audit window); a rerun draws no more.',
      args: { regionCode: t.arg.string({ required: true }), rate: t.arg.float({ description: 'Overrides the regions\' auditSampleRate (0 to 1).' }) },
      resolve: async (_r, args, ctx) =>
        drawQualityAudits(ctx.database.db, ctx.clock, await regionFor(ctx, args.regionCode), { rate: args.rate, actor: ctx.principal.actor, scope: taskScope(ctx.principal) }),
    }),
    recordAuditResult: t.field({
      type: AuditResult,
      description: 'Records a callback check; a failed one reopens the task and queues dispatch for its city.',
      args: { auditId: t.arg.int({ required: true }), passed: t.arg.boolean({ required: true }), note: t.arg.string() },
      resolve: async (_r, args, ctx) => {
        const result = await recordAuditResult(ctx.database.db, ctx.clock, args.auditId, { passed: args.passed, note: args.note }, ctx.principal.actor, taskScope(ctx.principal));
        let dispatchRunIds: number[] = [];
        if (result.reopened && ctx.jobs) {
          const [where] = await queryRows<{ path: string }>(ctx.database.db, sql`select r.path from retention_tasks t join customers c on c.id = t.customer_id join regions r on r.id = c.region_id where t.id = ${result.audit.taskId}`);
          if (where) dispatchRunIds = await queueDispatch(ctx, where.path);
        }
        // Read after the change, so the payload (and the audit log) shows the task as it is now.
        const [task] = await ctx.database.db.select().from(retentionTasks).where(and(inArray(retentionTasks.id, [result.audit.taskId]), taskScope(ctx.principal)));
        return { ...result, task: task ?? null, dispatchRunIds };
      },
    }),
  }));
}
