import {
  compileCustomerPredicate,
  keysetBounds,
  keysetOrder,
  countSegmentPreview,
  createSegment,
  NotFoundError,
  customerFilterSql,
  deleteSegment,
  listCustomers,
  refreshSegment,
  updateSegment,
  validateSegmentDefinition,
  COMPARISON_OPS,
  CUSTOMER_FIELDS,
  METRIC_MEASURES,
  METRIC_OPS,
  USAGE_METRICS,
  type SegmentCondition,
} from '@weixi/core';
import { customers, segments } from '@weixi/db';
import { and, inArray, sql } from 'drizzle-orm';
import type { WeixiBuilder } from '../builder.js';
import { cursorKey, keysetConnection } from '../connections.js';
import type { WeixiContext } from '../context.js';
import { localId } from '../ids.js';
import type { CustomerRow, SegmentRow } from '../loaders.js';
import { authorizeRegion, regionToChange } from '../permissions.js';
import { customerScope, seesAllCustomers, segmentVisibility } from '../visibility.js';
import type { CustomerFilterExtension } from './customer-queries.js';
import { enumName, enumOf, type Enums } from './enums.js';
import type { Refs } from './refs.js';

/** A stored definition in the shape the GraphQL input takes (enum names), so it round-trips. */
export function definitionForApi(def: SegmentCondition): unknown {
  if (def.and) return { and: def.and.map(definitionForApi) };
  if (def.or) return { or: def.or.map(definitionForApi) };
  if (def.not) return { not: definitionForApi(def.not) };
  if (def.field) return { field: { ...def.field, field: enumName(def.field.field), op: enumName(def.field.op) } };
  if (def.attribute) return { attribute: { ...def.attribute, op: enumName(def.attribute.op) } };
  if (def.tier) return { tier: { in: def.tier.in.map(enumName) } };
  if (def.metric) return { metric: { ...def.metric, metric: enumName(def.metric.metric), measure: enumName(def.metric.measure), op: enumName(def.metric.op) } };
  return def;
}

/** Registers Segment, its mutations, and the typed condition input; returns the CustomerFilter extension. */
export function registerSegment(builder: WeixiBuilder, refs: Refs, enums: Enums): CustomerFilterExtension {
  const Field = enumOf(builder, 'SegmentField', CUSTOMER_FIELDS, 'Customer fields a condition can compare. `...InDays` and `tenureMonths` count from today.');
  const Op = enumOf(builder, 'ComparisonOperator', COMPARISON_OPS, 'How a field is compared. IN/NOT_IN take `values`; IS_NULL/IS_NOT_NULL take nothing; the rest take `value`.');
  const Metric = enumOf(builder, 'UsageMetric', USAGE_METRICS, 'A monthly usage figure.');
  const Measure = enumOf(builder, 'MetricMeasure', METRIC_MEASURES, 'How a metric is summarised over complete months before the current one.', {
    total: 'Sum over the last `months`.',
    average: 'Average over the last `months` (missing months count as 0).',
    changeRatio: '(last `months` − the `months` before) / the months before; -0.3 = down 30%. False when the earlier sum is 0.',
    monthsWithoutActivity: 'Trailing consecutive months, up to `months`, in which the metric was 0.',
  });
  const MetricOp = enumOf(builder, 'MetricOperator', METRIC_OPS, 'How a metric value is compared.');

  const FieldCondition = builder.inputType('FieldCondition', {
    fields: (t) => ({
      field: t.field({ type: Field, required: true }),
      op: t.field({ type: Op, required: true }),
      value: t.string({ description: 'Parsed by the field: a number, YYYY-MM-DD, true/false, or an enum value in lower case.' }),
      values: t.stringList(),
    }),
  });
  const AttributeCondition = builder.inputType('AttributeCondition', {
    description: 'A text comparison on a free-form customer attribute.',
    fields: (t) => ({
      key: t.string({ required: true }),
      op: t.field({ type: Op, required: true }),
      value: t.string(),
      values: t.stringList(),
    }),
  });
  const RegionCondition = builder.inputType('RegionCondition', {
    fields: (t) => ({ codes: t.stringList({ required: true, description: 'Customers in the subtree of any of these regions.' }) }),
  });
  const TierCondition = builder.inputType('TierCondition', {
    fields: (t) => ({ in: t.field({ type: [enums.Tier], required: true }) }),
  });
  const MetricCondition = builder.inputType('MetricCondition', {
    description: 'E.g. "revenue down 30% over 3 months": {metric: REVENUE_CENTS, measure: CHANGE_RATIO, months: 3, op: LTE, value: -0.3}.',
    fields: (t) => ({
      metric: t.field({ type: Metric, required: true }),
      measure: t.field({ type: Measure, required: true }),
      months: t.int({ required: true, description: '1 to 24.' }),
      op: t.field({ type: MetricOp, required: true }),
      value: t.float({ required: true }),
    }),
  });
  const Condition = builder.inputRef<SegmentCondition>('SegmentCondition').implement({
    description: 'A typed condition over customers: exactly one of its fields is set. Compiled to SQL; never evaluated as text.',
    isOneOf: true,
    fields: (t) => ({
      and: t.field({ type: [Condition], description: 'All must hold.' }),
      or: t.field({ type: [Condition], description: 'At least one must hold.' }),
      not: t.field({ type: Condition }),
      field: t.field({ type: FieldCondition }),
      attribute: t.field({ type: AttributeCondition }),
      region: t.field({ type: RegionCondition }),
      tier: t.field({ type: TierCondition }),
      metric: t.field({ type: MetricCondition }),
    }),
  });

  builder.node(refs.Segment, {
    description: 'A dynamic segment (客户细分): a typed condition, refreshed into a membership with entered/left history.',
    id: { resolve: (s) => s.id },
    loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.segment.load(Number(id)))),
    fields: (t) => ({
      name: t.exposeString('name'),
      description: t.exposeString('description', { nullable: true }),
      definition: t.field({ type: 'JSON', description: 'The condition, in the shape SegmentCondition takes.', resolve: (s) => definitionForApi(s.definition as SegmentCondition) }),
      version: t.exposeInt('version', { description: 'Grows each time the definition changes.' }),
      refreshedVersion: t.exposeInt('refreshedVersion', { nullable: true, description: 'The version the membership was computed from.' }),
      stale: t.boolean({ description: 'True when the definition changed since the last refresh (or it never ran).', resolve: (s) => s.refreshedVersion !== s.version }),
      refreshedAt: t.expose('refreshedAt', { type: 'DateTime', nullable: true }),
      region: t.field({
        type: refs.Region,
        nullable: true,
        description: 'The owner region: its operators manage the segment, and it only admits customers of its subtree. Null: national.',
        resolve: (s, _a, ctx) => (s.regionId === null ? null : ctx.loaders.region.load(s.regionId)),
      }),
      count: t.int({ description: 'Members as of the last refresh, among the customers the caller sees.', resolve: (s, _a, ctx) => membersInScope(ctx, s) }),
      members: t.connection({
        type: refs.Customer,
        description: 'Current members the caller sees, by customer id.',
        resolve: async (s, args, ctx) => {
          const where = and(await customerFilterSql(ctx.database.db, { segmentId: s.id }), customerScope(ctx.principal));
          return keysetConnection(
            args,
            cursorKey(['id'], (c: CustomerRow) => [c.id]),
            (page) => listCustomers(ctx.database.db, where, { field: 'id', direction: 'asc' }, page),
            () => membersInScope(ctx, s),
          );
        },
      }, refs.connections.Customer),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    }),
  });

  builder.queryFields((t) => ({
    segments: t.connection({
      type: refs.Segment,
      description: 'Segments the caller sees (national ones and those of its regions), by name.',
      resolve: (_root, args, ctx) => {
        const { db } = ctx.database;
        const byName = [sql`${segments.name}`];
        const visible = segmentVisibility(ctx.principal);
        return keysetConnection(
          args,
          cursorKey(['text'], (s: SegmentRow) => [s.name]),
          (page) =>
            db
              .select()
              .from(segments)
              .where(and(visible, keysetBounds(byName, 'asc', page)))
              .orderBy(keysetOrder(byName, 'asc', page.inverted))
              .limit(page.limit),
          async () => (await db.select({ n: sql<number>`count(*)::int` }).from(segments).where(visible))[0]!.n,
        );
      },
    }, refs.connections.Segment),
    segment: t.field({
      type: refs.Segment,
      nullable: true,
      args: { id: t.arg.globalID({ for: refs.Segment, required: true }) },
      resolve: (_root, args, ctx) => ctx.loaders.segment.load(localId(args.id, 'id')),
    }),
    segmentPreview: t.int({
      description: 'How many of the customers the caller sees a definition matches right now, without saving anything.',
      args: { definition: t.arg({ type: Condition, required: true }) },
      resolve: async (_root, args, ctx) => {
        const def = await validateSegmentDefinition(ctx.database.db, args.definition, 'definition');
        const within = seesAllCustomers(ctx.principal) ? undefined : customerScope(ctx.principal);
        return countSegmentPreview(ctx.database.db, def, { now: ctx.clock.now(), within });
      },
    }),
  }));

  const SegmentPayload = builder.objectRef<{ segment: SegmentRow }>('SegmentPayload').implement({
    fields: (t) => ({ segment: t.field({ type: refs.Segment, resolve: (p) => p.segment }) }),
  });
  const RefreshSegmentPayload = builder.objectRef<{ segment: SegmentRow; entered: number; left: number }>('RefreshSegmentPayload').implement({
    fields: (t) => ({
      segment: t.field({ type: refs.Segment, resolve: (p) => p.segment }),
      entered: t.exposeInt('entered', { description: 'Customers who joined the segment in this refresh.' }),
      left: t.exposeInt('left', { description: 'Customers who left it.' }),
    }),
  });
  const DeletePayload = builder.objectRef<{ id: number }>('DeleteSegmentPayload').implement({
    fields: (t) => ({ deletedId: t.globalID({ resolve: (p) => ({ id: String(p.id), type: 'Segment' }) }) }),
  });
  const CreateInput = builder.inputType('CreateSegmentInput', {
    fields: (t) => ({
      name: t.string({ required: true }),
      description: t.string(),
      definition: t.field({ type: Condition, required: true }),
      regionCode: t.string({ description: 'The owner region (operators must name one of theirs); none: a national segment (admins only).' }),
    }),
  });
  const UpdateInput = builder.inputType('UpdateSegmentInput', {
    fields: (t) => ({
      name: t.string(),
      description: t.string(),
      definition: t.field({ type: Condition, description: 'A new definition bumps the version; refresh to apply it.' }),
    }),
  });

  const reload = async (ctx: WeixiContext, id: number) => {
    const [row] = await ctx.database.db.select().from(segments).where(inArray(segments.id, [id]));
    return row!;
  };

  builder.mutationFields((t) => ({
    createSegment: t.field({
      type: SegmentPayload,
      args: { input: t.arg({ type: CreateInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const owner = await regionToChange(ctx, 'manageSegments', input.regionCode ?? null, 'input.regionCode');
        return { segment: await createSegment(ctx.database.db, ctx.clock, { ...input, regionId: owner?.id ?? null }) };
      },
    }),
    updateSegment: t.field({
      type: SegmentPayload,
      args: { id: t.arg.globalID({ for: refs.Segment, required: true }), input: t.arg({ type: UpdateInput, required: true }) },
      resolve: async (_root, args, ctx) => ({ segment: await updateSegment(ctx.database.db, ctx.clock, await segmentToChange(ctx, args.id), args.input) }),
    }),
    deleteSegment: t.field({
      type: DeletePayload,
      args: { id: t.arg.globalID({ for: refs.Segment, required: true }) },
      resolve: async (_root, args, ctx) => {
        const id = await segmentToChange(ctx, args.id);
        await deleteSegment(ctx.database.db, id);
        return { id };
      },
    }),
    refreshSegment: t.field({
      type: RefreshSegmentPayload,
      description: 'Recomputes the membership in one set-based statement, recording who entered and who left. An owned segment only admits customers of its owner region\'s subtree.',
      args: { id: t.arg.globalID({ for: refs.Segment, required: true }) },
      resolve: async (_root, args, ctx) => {
        const id = await segmentToChange(ctx, args.id);
        const result = await refreshSegment(ctx.database.db, id, { now: ctx.clock.now() });
        await ctx.plugins?.events.emit('segment.refreshed', { segmentId: id, entered: result.entered, left: result.left });
        return { segment: await reload(ctx, id), entered: result.entered, left: result.left };
      },
    }),
  }));

  return {
    fields: (t) => ({ condition: t.field({ type: Condition, description: 'Any segment condition, evaluated live.' }) }),
    toSql: async (filter, ctx) => {
      if (!filter.condition) return undefined;
      const def = await validateSegmentDefinition(ctx.database.db, filter.condition, 'filter.condition');
      const { from, where } = compileCustomerPredicate(def, { now: ctx.clock.now() });
      return inArray(customers.id, sql`(select c.id from ${from} where ${where})`);
    },
  };
}

/** A segment's current members among the customers the caller sees: the stored count when it sees them all. */
function membersInScope(ctx: WeixiContext, segment: SegmentRow): Promise<number> {
  return seesAllCustomers(ctx.principal) ? Promise.resolve(segment.memberCount) : ctx.loaders.segmentCount.load(segment.id);
}

/**
 * The id of a segment the caller may change: one it cannot see is not found; a national one, or one owned
 * outside the caller's subtrees (a province's segment seen by a city operator), is FORBIDDEN.
 */
async function segmentToChange(ctx: WeixiContext, globalId: { id: string; typename: string }): Promise<number> {
  const id = localId(globalId, 'id');
  const segment = await ctx.loaders.segment.load(id);
  if (!segment) throw new NotFoundError('segment', id, 'id');
  const owner = segment.regionId === null ? null : await ctx.loaders.region.load(segment.regionId);
  authorizeRegion(ctx.principal, 'manageSegments', owner);
  return id;
}

