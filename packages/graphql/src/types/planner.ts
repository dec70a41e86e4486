/**
 * Next-best-action arbitration in the API: `Customer.nextBestActions` (the ranked candidates with why each
 * is or is not chosen), the offer and tactic title of a planned task, `plannerRuns` and `runPlanner`.
 * Runs are seen, and run, by admins and the operators of their region (the `jobs` permission).
 */
import DataLoader from 'dataloader';
import { desc, inArray, sql } from 'drizzle-orm';
import type { Region } from '@weixi/core';
import { plannerRuns, regions, type TaskOffer } from '@weixi/db';
import { nextBestActions, type NextBestAction } from '@weixi/planner';
import type { WeixiBuilder } from '../builder.js';
import { queueCoreJobInCities } from '../core-jobs.js';
import type { WeixiContext } from '../context.js';
import type { CustomerRow, Loaders, TaskRow } from '../loaders.js';
import { reads } from '../projection.js';
import { regionToChange } from '../permissions.js';
import type { Refs } from './refs.js';

const MAX_RUNS = 100;

type PlannerRunRow = typeof plannerRuns.$inferSelect;

const perRequest = new WeakMap<Loaders, DataLoader<number, NextBestAction[]>>();
/**
 * One preview per city of the customers a request asks about. The customers were read in the caller's
 * scope; the preview writes (and deletes) its run record outside the request's row security (`auditDatabase`, unscoped).
 */
function actionsLoader(ctx: WeixiContext) {
  let found = perRequest.get(ctx.loaders);
  if (!found) {
    found = new DataLoader<number, NextBestAction[]>(async (ids) => {
      if (!ctx.plugins) return ids.map(() => []);
      const map = await nextBestActions(ctx.auditDatabase.db, ctx.plugins, ids, ctx.clock.now());
      return ids.map((id) => map.get(id) ?? []);
    });
    perRequest.set(ctx.loaders, found);
  }
  return found;
}

/** The region a planner action names, checked for the caller (BAD_USER_INPUT unknown, FORBIDDEN outside). */
const regionFor = (ctx: WeixiContext, code: string) => regionToChange(ctx, 'jobs', code, 'regionCode') as Promise<Region>;

export function registerPlanner(builder: WeixiBuilder, refs: Refs): void {
  const Action = builder.objectRef<NextBestAction>('NextBestAction').implement({
    description: 'A tactic the planner considered for a customer: its rank, suitability score, and why it is or is not chosen.',
    fields: (t) => ({
      tactic: t.exposeString('tactic', { description: 'The tactic key, `<pluginId>/<tacticId>`.' }),
      title: t.exposeString('title', { description: "The tactic's title." }),
      rank: t.exposeInt('rank', { description: 'Eligible first, then precedence, score and tactic key; 1 is the next best action.' }),
      score: t.exposeFloat('score', { description: 'Churn risk × annual value × expected effect − cost, in cents.' }),
      eligible: t.exposeBoolean('eligible'),
      reason: t.exposeString('reason', { nullable: true, description: 'Why it is not eligible (the first failing check); null when eligible.' }),
      chosen: t.exposeBoolean('chosen', { description: 'Whether a planner run now would choose it (within its budget).' }),
      offerTitle: t.exposeString('offerTitle'),
      costCents: t.exposeInt('costCents'),
      channel: t.exposeString('channel', { nullable: true, description: "The channel its task would go through: the tactic's first preferred channel available in the customer's city (null: none is, see reason)." }),
    }),
  });
  const Offer = builder.objectRef<TaskOffer>('TaskOffer').implement({
    description: 'The offer a planned task makes: its title, what it costs the operator, and the benefit granted on success.',
    fields: (t) => ({
      title: t.exposeString('title'),
      costCents: t.exposeInt('costCents'),
      benefitKind: t.string({ resolve: (o) => o.benefit.kind }),
      benefitValueCents: t.int({ description: 'Counted against the gift policy when granted.', resolve: (o) => o.benefit.valueCents }),
      benefitDescription: t.string({ resolve: (o) => o.benefit.description }),
    }),
  });
  const Skipped = builder.objectRef<{ tactic: string; error: string }>('PlannerSkippedTactic').implement({
    description: 'A tactic a planner run did not evaluate, and why.',
    fields: (t) => ({ tactic: t.exposeString('tactic'), error: t.exposeString('error') }),
  });
  const Run = builder.objectRef<PlannerRunRow>('PlannerRun').implement({
    description: 'A planner run over a city: what it considered, found eligible, chose and created.',
    fields: (t) => ({
      id: t.exposeInt('id'),
      region: t.field({ type: refs.Region, resolve: (run, _a, ctx) => ctx.loaders.region.load(run.regionId).then((r) => r!) }),
      day: t.exposeString('day', { description: 'The planned local day: tasks of a tactic are created once per customer and day.' }),
      status: t.exposeString('status', { description: 'running, succeeded or failed.' }),
      startedAt: t.expose('startedAt', { type: 'DateTime' }),
      finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
      tactics: t.exposeInt('tactics', { description: 'Tactics evaluated.' }),
      considered: t.exposeInt('considered', { description: 'Customers some tactic answered.' }),
      eligible: t.exposeInt('eligible', { description: 'Customers with at least one eligible tactic.' }),
      chosen: t.exposeInt('chosen'),
      created: t.exposeInt('created', { description: 'Tasks created (a rerun the same day creates none).' }),
      skipped: t.field({ type: [Skipped], resolve: (run) => run.skipped }),
      error: t.exposeString('error', { nullable: true }),
    }),
  });

  builder.objectFields(refs.Customer, (t) => ({
    nextBestActions: t.field({
      type: [Action],
      description: "The tactics the planner would consider for the customer now, ranked, with why each is or is not chosen (empty: no enabled tactic answers the customer).",
      ...reads<CustomerRow>('id'),
      resolve: (customer, _a, ctx) => actionsLoader(ctx).load(customer.id),
    }),
  }));
  builder.objectFields(refs.RetentionTask, (t) => ({
    offer: t.field({ type: Offer, nullable: true, description: 'The offer of a planned task.', ...reads<TaskRow>('offer'), resolve: (task) => task.offer ?? null }),
    tacticTitle: t.string({
      nullable: true,
      description: "The tactic's title, while its plugin is active.",
      ...reads<TaskRow>('tactic'),
      resolve: (task, _a, ctx) => {
        const [pluginId, tacticId] = (task.tactic ?? '').split('/');
        return (pluginId && tacticId && ctx.plugins?.tactics.get(pluginId, tacticId)?.title) || null;
      },
    }),
  }));

  builder.queryFields((t) => ({
    plannerRuns: t.field({
      type: [Run],
      description: 'Planner runs of a region and the regions below it, newest first.',
      args: { regionCode: t.arg.string({ required: true }), first: t.arg.int({ description: `At most ${MAX_RUNS}; default 20.` }) },
      resolve: async (_r, args, ctx) => {
        const region = await regionFor(ctx, args.regionCode);
        const first = Math.max(0, Math.min(MAX_RUNS, args.first ?? 20));
        const subtree = ctx.database.db.select({ id: regions.id }).from(regions).where(sql`starts_with(${regions.path}, ${region.path})`);
        return ctx.database.db.select().from(plannerRuns).where(inArray(plannerRuns.regionId, subtree)).orderBy(desc(plannerRuns.id)).limit(first);
      },
    }),
  }));
  builder.mutationFields((t) => ({
    runPlanner: t.field({
      type: ['Int'],
      description: 'Queues the planner job now in every city of the region (or the city of a district); returns the job run ids (see jobRuns).',
      args: { regionCode: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => queueCoreJobInCities(ctx, 'planner', 'planner', (await regionFor(ctx, args.regionCode)).path),
    }),
  }));
}
