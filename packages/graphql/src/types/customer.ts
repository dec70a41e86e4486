import type { WeixiBuilder } from '../builder.js';
import type { CustomerRow, EventRow, MembershipRow, TaskRow, UsageRow } from '../loaders.js';
import { childConnection, cursorKey } from '../connections.js';
import { prefetchedValue } from '../handover.js';
import { reads } from '../projection.js';
import type { Enums } from './enums.js';
import type { Refs } from './refs.js';

/** Whole months from `joinedOn` (YYYY-MM-DD) to `now`. */
export function tenureMonths(joinedOn: string, now: Date): number {
  const [y, m, d] = joinedOn.split('-').map(Number) as [number, number, number];
  const months = (now.getUTCFullYear() - y) * 12 + (now.getUTCMonth() + 1 - m) - (now.getUTCDate() < d ? 1 : 0);
  return Math.max(0, months);
}

/** The months of usage a customer's `usage(months:)` serves: 1 to 36, 6 when not given. */
export function usageMonths(months: number | null | undefined): number {
  return Math.min(Math.max(months ?? 6, 1), 36);
}

export function registerCustomer(builder: WeixiBuilder, refs: Refs, enums: Enums): void {
  const ChannelConsent = builder.objectRef<{ channel: string; granted: boolean }>('ChannelConsent').implement({
    description: 'Whether the customer agreed to be contacted on a channel.',
    fields: (t) => ({
      channel: t.exposeString('channel', { description: 'Channel id: sms, call, app, email, ...' }),
      granted: t.exposeBoolean('granted'),
    }),
  });

  builder.node(refs.Customer, {
    description: 'A subscriber (客户), with the facts retention works from.',
    id: { resolve: (c) => c.id },
    loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.customer.load(Number(id)))),
    fields: (t) => ({
      msisdn: t.exposeString('msisdn', { description: 'Phone number, digits only.' }),
      name: t.exposeString('name'),
      region: t.field({ type: refs.Region, ...reads<CustomerRow>('regionId'), resolve: (c, _a, ctx) => ctx.loaders.region.load(c.regionId).then((r) => r!) }),
      joinedOn: t.expose('joinedOn', { type: 'Date' }),
      tenureMonths: t.int({ description: '网龄: whole months on the network.', ...reads<CustomerRow>('joinedOn'), resolve: (c, _a, ctx) => tenureMonths(c.joinedOn, ctx.clock.now()) }),
      plan: t.exposeString('plan', { description: '套餐: plan code.' }),
      paymentType: t.expose('paymentType', { type: enums.PaymentType }),
      balanceCents: t.exposeInt('balanceCents', { description: 'Account balance in cents; negative means arrears (欠费).' }),
      creditLimitCents: t.exposeInt('creditLimitCents'),
      points: t.exposeInt('points', { description: '积分: loyalty points.' }),
      contractEndsOn: t.expose('contractEndsOn', { type: 'Date', nullable: true, description: '合约到期.' }),
      device: t.exposeString('device', { nullable: true }),
      birthday: t.expose('birthday', { type: 'Date', nullable: true }),
      groupId: t.exposeString('groupId', { nullable: true, description: 'Household or enterprise group id.' }),
      groupKind: t.expose('groupKind', { type: enums.GroupKind, nullable: true }),
      isCampus: t.exposeBoolean('isCampus', { description: '校园客户.' }),
      accountManager: t.exposeString('accountManager', { nullable: true, description: '客户经理.' }),
      consent: t.field({
        type: [ChannelConsent],
        ...reads<CustomerRow>('consent'),
        resolve: (c) => Object.entries(c.consent).map(([channel, granted]) => ({ channel, granted: Boolean(granted) })),
      }),
      status: t.expose('status', { type: enums.CustomerStatus }),
      churnedOn: t.expose('churnedOn', { type: 'Date', nullable: true }),
      attributes: t.expose('attributes', { type: 'JSONObject', description: 'Free-form attributes from the integrator (interests, preferences, ...).' }),
      tier: t.expose('tier', { type: enums.Tier, description: 'Value tier, as of the last tier refresh.' }),
      lifecycleStage: t.field({
        type: enums.LifecycleStage,
        description: 'Stage from tenure, status and warning indicators, as of now (see the README for the rules).',
        ...reads<CustomerRow>('id'),
        resolve: async (c, _a, ctx) => (await ctx.loaders.lifecycle.load(c.id))!.stage,
      }),
      warnings: t.field({
        type: [enums.WarningIndicator],
        description: 'Warning indicators that hold now, with the facts of the last complete months.',
        ...reads<CustomerRow>('id'),
        resolve: async (c, _a, ctx) => (await ctx.loaders.lifecycle.load(c.id))?.warnings ?? [],
      }),
      valueRankPct: t.exposeFloat('valueRankPct', { nullable: true, description: 'Share of the province ranked above this customer by revenue (0 = top).' }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
      usage: t.connection({
        type: refs.MonthlyUsage,
        description: 'Monthly facts, newest first, from `months` months back (the current month too once recorded).',
        args: { months: t.arg.int({ defaultValue: 6, description: 'How many months back, 1 to 36.' }) },
        ...reads<CustomerRow>('id'),
        resolve: (c, args, ctx) => {
          const months = { months: usageMonths(args.months) };
          return childConnection(args, ctx.loaders.usage, c.id, cursorKey(['date'], (u: UsageRow) => [u.month]), months, prefetchedValue<UsageRow[]>(c, 'usage')?.value);
        },
      }, refs.connections.MonthlyUsage),
      tasks: t.connection({
        type: refs.RetentionTask,
        description: 'Retention tasks for this customer, newest first.',
        ...reads<CustomerRow>('id'),
        resolve: (c, args, ctx) => childConnection(args, ctx.loaders.tasks, c.id, cursorKey(['id'], (task: TaskRow) => [task.id]), undefined, prefetchedValue<TaskRow[]>(c, 'tasks')?.value),
      }, refs.connections.RetentionTask),
      events: t.connection({
        type: refs.CustomerEvent,
        description: 'Events, most recent first.',
        ...reads<CustomerRow>('id'),
        resolve: (c, args, ctx) => childConnection(args, ctx.loaders.events, c.id, cursorKey(['time', 'id'], (e: EventRow) => [e.occurredAt.toISOString(), e.id])),
      }, refs.connections.CustomerEvent),
      segments: t.connection({
        type: refs.SegmentMembership,
        description: 'Segments the customer is in (with includePast, also the stays that ended), newest stay first.',
        ...reads<CustomerRow>('id'),
        args: { includePast: t.arg.boolean({ defaultValue: false }) },
        resolve: (c, args, ctx) => {
          const includePast = Boolean(args.includePast);
          return childConnection(args, ctx.loaders.memberships, c.id, cursorKey(['id'], (m: MembershipRow) => [m.id]), { includePast });
        },
      }, refs.connections.SegmentMembership),
    }),
  });

  refs.MonthlyUsage.implement({
    description: 'One month of facts for one customer.',
    fields: (t) => ({
      month: t.expose('month', { type: 'Month' }),
      revenueCents: t.exposeInt('revenueCents', { description: 'ARPU contribution of the month, in cents.' }),
      voiceMinutes: t.exposeInt('voiceMinutes'),
      dataMb: t.exposeInt('dataMb'),
      sms: t.exposeInt('sms'),
      rechargeCents: t.exposeInt('rechargeCents'),
      activeDays: t.exposeInt('activeDays'),
      complaints: t.exposeInt('complaints'),
      competitorContacts: t.exposeInt('competitorContacts', { description: 'Calls to competitors or port-out (携号转网) inquiries.' }),
    }),
  });

  refs.CustomerEvent.implement({
    description: 'Something that happened to a customer, as reported by an integrator.',
    fields: (t) => ({
      id: t.exposeID('id'),
      type: t.exposeString('type'),
      occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
      payload: t.expose('payload', { type: 'JSONObject' }),
      idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
      recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
    }),
  });

  refs.SegmentMembership.implement({
    description: 'A stay of a customer in a segment.',
    fields: (t) => ({
      segment: t.field({ type: refs.Segment, resolve: (m, _a, ctx) => ctx.loaders.segment.load(m.segmentId).then((s) => s!) }),
      customer: t.field({ type: refs.Customer, resolve: (m, _a, ctx) => ctx.loaders.customer.load(m.customerId).then((c) => c!) }),
      enteredAt: t.expose('enteredAt', { type: 'DateTime' }),
      leftAt: t.expose('leftAt', { type: 'DateTime', nullable: true }),
    }),
  });
}
