/**
 * Churn warnings (流失预警) as rules raised them: the `Warning` node, `warnings(filter)`, a customer's
 * `churnWarnings` and combined `churnRisk`, and `acknowledgeWarning` / `resolveWarning`. A warning is
 * visible exactly when its customer is (region scope, an agent's task customers); any other is NOT_FOUND.
 */
import DataLoader from 'dataloader';
import { and, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import { InputError, keysetBounds, keysetOrder, NotFoundError, regionsByCode } from '@weixi/core';
import { customers, regions, warnings, WARNING_LEVELS, WARNING_STATUSES, type Db } from '@weixi/db';
import { WARNING_LEVEL_THRESHOLDS } from '@weixi/sdk';
import type { WeixiBuilder } from '../builder.js';
import { childConnection, cursorKey, keysetConnection } from '../connections.js';
import type { WeixiContext } from '../context.js';
import { localId } from '../ids.js';
import { liveIds } from '../live.js';
import { child, type CustomerRow, type Loaders } from '../loaders.js';
import { reads } from '../projection.js';
import { customerScope } from '../visibility.js';
import { enumOf } from './enums.js';
import type { Refs } from './refs.js';

type WarningRow = typeof warnings.$inferSelect;
const LIVE = ['open', 'acknowledged'] as const;

interface RiskFactor {
  rule: string;
  feature: string;
  value: number;
  contribution: number;
}

/** Warnings of customers the principal sees. */
function warningScope(ctx: WeixiContext): SQL {
  return inArray(warnings.customerId, ctx.database.db.select({ id: customers.id }).from(customers).where(customerScope(ctx.principal)));
}

/**
 * A customer's combined churn risk from its live warnings: 100 × (1 − Π(1 − wᵢ·sᵢ/100)), sᵢ a warning's
 * score and wᵢ its plugin's `weight` setting in the customer's region (default 1). Independent signals
 * compound; one warning alone gives w·s.
 */
export function combinedRisk(parts: ReadonlyArray<{ score: number; weight: number }>): number {
  const keep = parts.reduce((p, { score, weight }) => p * (1 - Math.min(1, Math.max(0, weight)) * (score / 100)), 1);
  return Math.round((1 - keep) * 10_000) / 100;
}

const levelOf = (score: number) => (score >= WARNING_LEVEL_THRESHOLDS.high ? 'high' : score >= WARNING_LEVEL_THRESHOLDS.medium ? 'medium' : 'low');

/** The request's warning loaders, made once per request (keyed by its loaders object). */
const perRequest = new WeakMap<Loaders, ReturnType<typeof warningLoaders>>();
function loadersOf(ctx: WeixiContext) {
  let found = perRequest.get(ctx.loaders);
  if (!found) perRequest.set(ctx.loaders, (found = warningLoaders(ctx)));
  return found;
}

function warningLoaders(ctx: WeixiContext) {
  const db = ctx.database.db;
  const scope = warningScope(ctx);
  const weights = new Map<string, Promise<number>>();
  const weightOf = (pluginId: string, regionCode: string) => {
    const key = `${pluginId}\u0000${regionCode}`;
    if (!weights.has(key)) {
      const settings = ctx.plugins?.state(pluginId)?.manifest ? ctx.plugins.settingsFor(pluginId, regionCode) : Promise.resolve({} as Record<string, unknown>);
      weights.set(key, settings.then((s) => (typeof s.weight === 'number' ? s.weight : 1)).catch(() => 1));
    }
    return weights.get(key)!;
  };
  return {
    byId: new DataLoader<number, WarningRow | null>(async (ids) => {
      const rows = await db.select().from(warnings).where(and(inArray(warnings.id, [...ids]), scope));
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    ofCustomer: child<WarningRow>(db, 'churnWarnings', () => ({ table: warnings, parent: warnings.customerId, keys: [sql`${warnings.id}`], direction: 'desc', where: scope })),
    risk: new DataLoader<number, { score: number; level: string; factors: RiskFactor[] }>(async (ids) => {
      const rows = await db
        .select({ customerId: warnings.customerId, pluginId: warnings.pluginId, ruleId: warnings.ruleId, score: warnings.score, factors: warnings.factors, regionCode: regions.code })
        .from(warnings)
        .innerJoin(customers, eq(customers.id, warnings.customerId))
        .innerJoin(regions, eq(regions.id, customers.regionId))
        .where(and(inArray(warnings.customerId, [...ids]), inArray(warnings.status, [...LIVE]), scope));
      const parts = new Map<number, Array<{ score: number; weight: number }>>();
      const factors = new Map<number, RiskFactor[]>();
      for (const r of rows) {
        parts.set(r.customerId, [...(parts.get(r.customerId) ?? []), { score: r.score, weight: await weightOf(r.pluginId, r.regionCode) }]);
        for (const f of r.factors ?? []) factors.set(r.customerId, [...(factors.get(r.customerId) ?? []), { rule: `${r.pluginId}/${r.ruleId}`, ...f }]);
      }
      return ids.map((id) => {
        const score = combinedRisk(parts.get(id) ?? []);
        const top = (factors.get(id) ?? []).sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
        return { score, level: levelOf(score), factors: top };
      });
    }),
  };
}

async function changeWarning(ctx: WeixiContext, globalId: { id: string; typename: string }, to: 'acknowledged' | 'resolved', note: string | null | undefined): Promise<WarningRow> {
  const id = localId(globalId, 'id');
  const [current] = await ctx.database.db.select().from(warnings).where(and(eq(warnings.id, id), warningScope(ctx)));
  if (!current) throw new NotFoundError('warning', globalId.id, 'id');
  const allowed: ReadonlyArray<WarningRow['status']> = to === 'acknowledged' ? ['open'] : LIVE;
  if (!allowed.includes(current.status)) {
    throw new InputError([{ path: 'id', message: `warning ${globalId.id} is ${current.status}; only ${allowed.join(' or ')} warnings can be ${to}` }]);
  }
  if (note != null && note.length > 2000) throw new InputError([{ path: 'note', message: `is ${note.length} characters; at most 2000` }]);
  const now = ctx.clock.now();
  const actor = ctx.principal.actor;
  const set = to === 'acknowledged' ? { status: to, acknowledgedAt: now, acknowledgedBy: actor } : { status: to, resolvedAt: now, resolvedBy: actor };
  const [row] = await ctx.database.db
    .update(warnings)
    .set({ ...set, ...(note != null ? { note } : {}) })
    .where(and(eq(warnings.id, id), inArray(warnings.status, [...allowed])))
    .returning();
  if (!row) throw new InputError([{ path: 'id', message: `warning ${globalId.id} changed meanwhile; read it again` }]);
  return row;
}

function listWarnings(db: Db, where: SQL | undefined, page: Parameters<typeof keysetBounds>[2]) {
  const keys = [sql`${warnings.id}`];
  return db.select().from(warnings).where(and(where, keysetBounds(keys, 'desc', page))).orderBy(keysetOrder(keys, 'desc', page.inverted)).limit(page.limit);
}

export function registerWarning(builder: WeixiBuilder, refs: Refs): void {
  const Level = enumOf(builder, 'WarningLevel', WARNING_LEVELS, `Risk level from the score: HIGH from ${WARNING_LEVEL_THRESHOLDS.high}, MEDIUM from ${WARNING_LEVEL_THRESHOLDS.medium}, else LOW.`);
  const Status = enumOf(builder, 'WarningStatus', WARNING_STATUSES, 'Where a warning is: OPEN and ACKNOWLEDGED are live (one per customer and rule); RESOLVED when its condition cleared or someone resolved it; EXPIRED when its plugin was disabled in the region, so no rule watches it any more.');
  const Warning = builder.objectRef<WarningRow>('Warning');
  builder.node(Warning, {
    description: 'A churn warning (流失预警) a rule raised for a customer, with the evidence that fired it.',
    id: { resolve: (w) => w.id },
    loadMany: (ids, ctx) => Promise.all(ids.map((id) => loadersOf(ctx).byId.load(Number(id)))),
    fields: (t) => ({
      customer: t.field({ type: refs.Customer, resolve: (w, _a, ctx) => ctx.loaders.customer.load(w.customerId).then((c) => c!) }),
      pluginId: t.exposeString('pluginId', { description: 'The plugin whose rule raised it.' }),
      ruleId: t.exposeString('ruleId', { description: 'The rule, unique within its plugin.' }),
      rule: t.string({ description: '`<pluginId>/<ruleId>`.', resolve: (w) => `${w.pluginId}/${w.ruleId}` }),
      region: t.field({ type: refs.Region, description: "The customer's region when the warning was last seen.", resolve: (w, _a, ctx) => ctx.loaders.region.load(w.regionId).then((r) => r!) }),
      level: t.expose('level', { type: Level }),
      score: t.exposeFloat('score', { description: '0 to 100.' }),
      reason: t.exposeString('reason'),
      evidence: t.expose('evidence', { type: 'JSONObject', description: 'The numbers that fired the rule, by name (null: not defined, e.g. a drop from 0).' }),
      status: t.expose('status', { type: Status }),
      asOfMonth: t.string({ description: 'The last complete month (YYYY-MM) the last run counted.', resolve: (w) => w.asOfMonth.slice(0, 7) }),
      firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
      lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
      runId: t.int({ nullable: true, description: 'The job run (see jobRuns) that raised it.', resolve: (w) => w.raisedByRun }),
      acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
      acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
      resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
      resolvedBy: t.exposeString('resolvedBy', { nullable: true, description: '`rule` when its condition cleared, `plugin disabled` when it EXPIRED (its plugin was disabled in the region), else who resolved it.' }),
      note: t.exposeString('note', { nullable: true }),
    }),
  });
  const Connection = builder.connectionObject({ type: Warning, name: 'WarningConnection' }, { name: 'WarningEdge' });
  const Filter = builder.inputType('WarningFilter', {
    fields: (t) => ({
      regionCode: t.string({ description: "Warnings of this region's subtree." }),
      pluginId: t.string(),
      ruleId: t.string(),
      levels: t.field({ type: [Level] }),
      statuses: t.field({ type: [Status], description: 'Default: OPEN and ACKNOWLEDGED.' }),
      since: t.field({ type: 'DateTime', description: 'Only warnings seen at or after this instant.' }),
    }),
  });
  const Factor = builder.objectRef<RiskFactor>('ChurnRiskFactor').implement({
    description: "One factor of a churn model's score: a feature, the customer's value of it, and what it added to the score's log-odds.",
    fields: (t) => ({
      rule: t.exposeString('rule', { description: '`<pluginId>/<ruleId>` of the model rule whose score it explains.' }),
      feature: t.exposeString('feature'),
      value: t.exposeFloat('value'),
      contribution: t.exposeFloat('contribution', { description: 'Log-odds added (negative: lowered the risk).' }),
    }),
  });
  const Risk = builder.objectRef<{ score: number; level: string; factors: RiskFactor[] }>('ChurnRisk').implement({
    description: "A customer's combined churn risk: 100 × (1 − Π(1 − wᵢ·sᵢ/100)) over its live warnings, wᵢ the rule plugin's `weight` setting (default 1).",
    fields: (t) => ({
      score: t.exposeFloat('score', { description: '0 to 100; 0 without a live warning.' }),
      level: t.field({ type: Level, resolve: (r) => r.level as never }),
      factors: t.field({
        type: [Factor],
        description: "The top factors of the churn-model scores among the live warnings, largest first (empty when no model warned): why the model thinks this customer may leave.",
        resolve: (r) => r.factors,
      }),
    }),
  });

  builder.subscriptionField('warningRaised', (t) =>
    t.field({
      type: Warning,
      nullable: true,
      description: "A churn warning a rule raised for a customer the subscriber sees (an operator's regions, an agent's task customers).",
      subscribe: (_root, _args, ctx) => liveIds(ctx, 'warning'),
      resolve: (id: number, _args, ctx) => loadersOf(ctx).byId.load(id),
    }),
  );
  builder.queryField('warnings', (t) =>
    t.connection(
      {
        type: Warning,
        description: 'Churn warnings of the customers the caller sees, newest first.',
        args: { filter: t.arg({ type: Filter }) },
        resolve: async (_root, args, ctx) => {
          const { db } = ctx.database;
          const f = args.filter;
          let subtree: SQL | undefined;
          if (f?.regionCode) {
            const region = (await regionsByCode(db, [f.regionCode])).get(f.regionCode);
            if (!region) throw new InputError([{ path: 'filter.regionCode', message: `region ${JSON.stringify(f.regionCode)} does not exist` }]);
            subtree = inArray(warnings.regionId, db.select({ id: regions.id }).from(regions).where(sql`starts_with(${regions.path}, ${region.path})`));
          }
          const where = and(
            warningScope(ctx),
            subtree,
            f?.pluginId ? eq(warnings.pluginId, f.pluginId) : undefined,
            f?.ruleId ? eq(warnings.ruleId, f.ruleId) : undefined,
            f?.levels?.length ? inArray(warnings.level, f.levels) : undefined,
            inArray(warnings.status, f?.statuses?.length ? f.statuses : [...LIVE]),
            f?.since ? gte(warnings.lastSeenAt, f.since) : undefined,
          );
          return keysetConnection(
            args,
            cursorKey(['id'], (w: WarningRow) => [w.id]),
            (page) => listWarnings(db, where, page),
            async () => (await db.select({ n: sql<number>`count(*)::int` }).from(warnings).where(where))[0]!.n,
          );
        },
      },
      Connection,
    ),
  );

  builder.objectFields(refs.Customer, (t) => ({
    churnWarnings: t.connection(
      {
        type: Warning,
        description: "The customer's churn warnings, every status, newest first. (`warnings` lists the core's lifecycle indicators.)",
        ...reads<CustomerRow>('id'),
        resolve: (c, args, ctx) => childConnection(args, loadersOf(ctx).ofCustomer, c.id, cursorKey(['id'], (w: WarningRow) => [w.id])),
      },
      Connection,
    ),
    churnRisk: t.field({ type: Risk, description: 'Combined churn risk from the live warnings, weighted per rule plugin.', ...reads<CustomerRow>('id'), resolve: (c, _a, ctx) => loadersOf(ctx).risk.load(c.id) }),
  }));

  const Payload = builder.objectRef<{ warning: WarningRow }>('WarningPayload').implement({
    fields: (t) => ({ warning: t.field({ type: Warning, resolve: (p) => p.warning }) }),
  });
  builder.mutationFields((t) => ({
    acknowledgeWarning: t.field({
      type: Payload,
      description: 'Marks an OPEN warning seen and being acted on; it stays live, so the rule keeps refreshing it.',
      args: { id: t.arg.globalID({ for: Warning, required: true }), note: t.arg.string() },
      resolve: async (_root, args, ctx) => ({ warning: await changeWarning(ctx, args.id, 'acknowledged', args.note) }),
    }),
    resolveWarning: t.field({
      type: Payload,
      description: 'Closes a live warning by hand; if the rule still holds, its next run raises a new one.',
      args: { id: t.arg.globalID({ for: Warning, required: true }), note: t.arg.string() },
      resolve: async (_root, args, ctx) => ({ warning: await changeWarning(ctx, args.id, 'resolved', args.note) }),
    }),
  }));
}
