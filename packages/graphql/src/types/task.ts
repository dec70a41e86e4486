import {
  assignTask,
  cancelTask,
  countTasks,
  createTask,
  tasksPageQuery,
  recordTaskOutcome,
  startTask,
  taskFilterSql,
  taskSortKey,
} from '@weixi/core';
import { and } from 'drizzle-orm';
import { retentionTasks } from '@weixi/db';
import type { WeixiBuilder } from '../builder.js';
import { childConnection, cursorKey, keysetConnection } from '../connections.js';
import type { WeixiContext } from '../context.js';
import { localId } from '../ids.js';
import { liveIds } from '../live.js';
import { customerScope, taskScope } from '../visibility.js';
import { prefetchedValue } from '../handover.js';
import { pageRows, selectedFields, taskPrefetches } from '../prefetch.js';
import { projection, reads } from '../projection.js';
import { shapeOf } from '../statements.js';
import type { AttemptRow, CustomerRow, TaskRow, TransitionRow } from '../loaders.js';
import type { Enums } from './enums.js';
import type { Refs } from './refs.js';

/** Who moves a task (recorded on its transitions) and the tasks it may move: any other is not found. */
const as = (ctx: WeixiContext) => [ctx.principal.actor, taskScope(ctx.principal)] as const;

export function registerTask(builder: WeixiBuilder, refs: Refs, enums: Enums): void {
  builder.node(refs.RetentionTask, {
    description: 'A retention work order (派单): who to contact, why, with which tactic and channel, by when.',
    id: { resolve: (task) => task.id },
    loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.task.load(Number(id)))),
    fields: (t) => ({
      customer: t.field({
        type: refs.Customer,
        ...reads<TaskRow>('customerId'),
        resolve: async (task, _a, ctx) => {
          const fetched = prefetchedValue<CustomerRow | null>(task, 'customer');
          return (fetched ? fetched.value : await ctx.loaders.customer.load(task.customerId))!;
        },
      }),
      reason: t.exposeString('reason', { description: 'Why: the alert or occasion behind the task.' }),
      tactic: t.exposeString('tactic', { nullable: true, description: 'Retention tactic id.' }),
      channel: t.exposeString('channel', { nullable: true, description: 'Contact channel id.' }),
      requiredSkills: t.exposeStringList('requiredSkills', { description: 'Skills an agent needs to work it; dispatch gives it only to call-centre agents having all of them.' }),
      assignee: t.exposeString('assignee', { nullable: true, description: 'Agent, team or region the task is dispatched to.' }),
      state: t.expose('state', { type: enums.TaskState }),
      outcome: t.expose('outcome', { type: enums.TaskOutcome, nullable: true, description: 'Set when the task is done.' }),
      dueAt: t.expose('dueAt', { type: 'DateTime' }),
      script: t.exposeString('script', { nullable: true, description: 'What the agent says or sends.' }),
      idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
      attemptCount: t.exposeInt('attemptCount'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
      closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
      transitions: t.connection({
        type: refs.TaskTransition,
        description: 'Every state change, oldest first.',
        ...reads<TaskRow>('id'),
        resolve: (task, args, ctx) => childConnection(args, ctx.loaders.transitions, task.id, cursorKey(['id'], (r: TransitionRow) => [r.id])),
      }, refs.connections.TaskTransition),
      attempts: t.connection({
        type: refs.TaskAttempt,
        description: 'Contact attempts, oldest first.',
        ...reads<TaskRow>('id'),
        resolve: (task, args, ctx) => childConnection(args, ctx.loaders.attempts, task.id, cursorKey(['id'], (r: AttemptRow) => [r.id])),
      }, refs.connections.TaskAttempt),
    }),
  });

  refs.TaskTransition.implement({
    fields: (t) => ({
      fromState: t.expose('fromState', { type: enums.TaskState, nullable: true }),
      toState: t.expose('toState', { type: enums.TaskState }),
      at: t.expose('at', { type: 'DateTime' }),
      actor: t.exposeString('actor', { nullable: true }),
      note: t.exposeString('note', { nullable: true }),
    }),
  });
  refs.TaskAttempt.implement({
    fields: (t) => ({
      attemptedAt: t.expose('attemptedAt', { type: 'DateTime' }),
      channel: t.exposeString('channel', { nullable: true }),
      outcome: t.expose('outcome', { type: enums.TaskOutcome }),
      note: t.exposeString('note', { nullable: true }),
      actor: t.exposeString('actor', { nullable: true }),
    }),
  });

  const TaskFilter = builder.inputType('TaskFilter', {
    fields: (t) => ({
      states: t.field({ type: [enums.TaskState] }),
      customerId: t.globalID({ for: refs.Customer }),
      assignee: t.string(),
      tactic: t.string(),
      channel: t.string(),
      dueBefore: t.field({ type: 'DateTime' }),
      regionCodes: t.stringList({ description: 'Tasks of customers in the subtree of any of these regions.' }),
    }),
  });

  builder.subscriptionField('taskChanged', (t) =>
    t.field({
      type: refs.RetentionTask,
      nullable: true,
      description: 'A task created, assigned, started, attempted or closed: an agent hears of its own tasks, an operator of those in its regions.',
      subscribe: (_root, _args, ctx) => liveIds(ctx, 'task'),
      resolve: (id: number, _args, ctx) => ctx.loaders.task.load(id),
    }),
  );

  builder.queryFields((t) => ({
    tasks: t.connection({
      type: refs.RetentionTask,
      description: 'Retention tasks the caller sees (an agent: its own), soonest due first.',
      args: { filter: t.arg({ type: TaskFilter }) },
      resolve: async (_root, args, ctx, info) => {
        const { db } = ctx.database;
        const fields = selectedFields(info, ['edges', 'node']);
        const f = args.filter;
        const filtered = await taskFilterSql(db, f && { ...f, customerId: f.customerId ? localId(f.customerId, 'filter.customerId') : null });
        const scope = taskScope(ctx.principal);
        const where = and(scope, filtered);
        return keysetConnection(
          args,
          cursorKey(['time', 'id'], (r: TaskRow) => taskSortKey(r)),
          (page) =>
            pageRows(
              db,
              retentionTasks,
              projection(info, 'RetentionTask', fields, retentionTasks, ['id', 'dueAt']),
              taskPrefetches(ctx, info, fields),
              filtered || page.after || page.before ? undefined : `tasks:${page.limit}:${Boolean(page.inverted)}:${shapeOf(db, scope)}`,
              (columns) => tasksPageQuery(db, where, page, columns),
            ),
          () => countTasks(db, where),
        );
      },
    }, refs.connections.RetentionTask),
    task: t.field({
      type: refs.RetentionTask,
      nullable: true,
      args: { id: t.arg.globalID({ for: refs.RetentionTask, required: true }) },
      resolve: (_root, args, ctx) => ctx.loaders.task.load(localId(args.id, 'id')),
    }),
  }));

  const TaskPayload = builder.objectRef<{ task: TaskRow; created?: boolean }>('TaskPayload').implement({
    fields: (t) => ({
      task: t.field({ type: refs.RetentionTask, resolve: (p) => p.task }),
    }),
  });
  const CreateTaskPayload = builder.objectRef<{ task: TaskRow; created: boolean }>('CreateTaskPayload').implement({
    fields: (t) => ({
      task: t.field({ type: refs.RetentionTask, resolve: (p) => p.task }),
      created: t.exposeBoolean('created', { description: 'False when the idempotencyKey was seen before and the earlier task is returned.' }),
    }),
  });
  const CreateTaskInput = builder.inputType('CreateTaskInput', {
    fields: (t) => ({
      customerId: t.globalID({ for: refs.Customer, required: true }),
      reason: t.string({ required: true }),
      tactic: t.string(),
      channel: t.string(),
      assignee: t.string({ description: 'Given: the task starts assigned.' }),
      dueAt: t.field({ type: 'DateTime', required: true }),
      script: t.string(),
      requiredSkills: t.stringList({ description: 'Skills an agent needs to work the task (e.g. `cantonese`); dispatch gives it only to agents having all of them.' }),
      idempotencyKey: t.string({ description: 'Resending with the same key returns the first task instead of a second one.' }),
    }),
  });

  builder.mutationFields((t) => ({
    createTask: t.field({
      type: CreateTaskPayload,
      args: { input: t.arg({ type: CreateTaskInput, required: true }) },
      resolve: (_root, { input }, ctx) =>
        createTask(ctx.database.db, ctx.clock, { ...input, customerId: localId(input.customerId, 'input.customerId') }, ctx.principal.actor, customerScope(ctx.principal)),
    }),
    assignTask: t.field({
      type: TaskPayload,
      args: { id: t.arg.globalID({ for: refs.RetentionTask, required: true }), assignee: t.arg.string({ required: true }) },
      resolve: async (_root, args, ctx) => ({ task: await assignTask(ctx.database.db, ctx.clock, localId(args.id, 'id'), args.assignee, ...as(ctx)) }),
    }),
    startTask: t.field({
      type: TaskPayload,
      args: { id: t.arg.globalID({ for: refs.RetentionTask, required: true }) },
      resolve: async (_root, args, ctx) => ({ task: await startTask(ctx.database.db, ctx.clock, localId(args.id, 'id'), ...as(ctx)) }),
    }),
    recordTaskOutcome: t.field({
      type: TaskPayload,
      description: 'Records a contact attempt. A final outcome closes the task as done; UNREACHABLE and CALLBACK_REQUESTED keep it in progress until the third attempt.',
      args: {
        id: t.arg.globalID({ for: refs.RetentionTask, required: true }),
        outcome: t.arg({ type: enums.TaskOutcome, required: true }),
        note: t.arg.string(),
        channel: t.arg.string(),
      },
      resolve: async (_root, args, ctx) => {
        const task = await recordTaskOutcome(ctx.database.db, ctx.clock, localId(args.id, 'id'), { outcome: args.outcome, note: args.note, channel: args.channel }, ...as(ctx));
        if (task.state === 'done' && ctx.plugins) {
          const customer = await ctx.loaders.customer.load(task.customerId);
          const region = customer && (await ctx.loaders.region.load(customer.regionId));
          if (region) await ctx.plugins.events.emit('task.completed', { regionCode: region.code, taskId: task.id, outcome: task.outcome! });
        }
        return { task };
      },
    }),
    cancelTask: t.field({
      type: TaskPayload,
      args: { id: t.arg.globalID({ for: refs.RetentionTask, required: true }), reason: t.arg.string() },
      resolve: async (_root, args, ctx) => ({ task: await cancelTask(ctx.database.db, ctx.clock, localId(args.id, 'id'), args.reason ?? null, ...as(ctx)) }),
    }),
  }));
}
