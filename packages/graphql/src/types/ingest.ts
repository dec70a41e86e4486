import { recordEvents, recordUsage, upsertCustomers, MAX_CUSTOMER_BATCH, MAX_EVENT_BATCH, MAX_USAGE_BATCH } from '@weixi/core';
import type { WeixiBuilder } from '../builder.js';
import { emitByRegion } from '../events.js';
import { localId } from '../ids.js';
import type { CustomerRow, EventRow, UsageRow } from '../loaders.js';
import type { Enums } from './enums.js';
import type { Refs } from './refs.js';

/**
 * The integrator's write path: customers, monthly facts and events, in idempotent batches. Each batch is
 * written as the caller: one item outside its regions rejects the whole batch with FORBIDDEN (see core).
 */
export function registerIngest(builder: WeixiBuilder, refs: Refs, enums: Enums): void {
  const ConsentInput = builder.inputType('ChannelConsentInput', {
    fields: (t) => ({ channel: t.string({ required: true }), granted: t.boolean({ required: true }) }),
  });
  const CustomerInput = builder.inputType('CustomerInput', {
    description: 'A full customer record. Upsert by msisdn replaces the record; fields left out take their defaults.',
    fields: (t) => ({
      msisdn: t.string({ required: true }),
      name: t.string({ required: true }),
      regionCode: t.string({ required: true }),
      joinedOn: t.field({ type: 'Date', required: true }),
      plan: t.string({ required: true }),
      paymentType: t.field({ type: enums.PaymentType, required: true }),
      balanceCents: t.int(),
      creditLimitCents: t.int(),
      points: t.int(),
      contractEndsOn: t.field({ type: 'Date' }),
      device: t.string(),
      birthday: t.field({ type: 'Date' }),
      groupId: t.string(),
      groupKind: t.field({ type: enums.GroupKind }),
      isCampus: t.boolean(),
      accountManager: t.string(),
      consent: t.field({ type: [ConsentInput] }),
      status: t.field({ type: enums.CustomerStatus }),
      churnedOn: t.field({ type: 'Date' }),
      attributes: t.field({ type: 'JSONObject' }),
    }),
  });
  const UpsertCustomersPayload = builder.objectRef<{ customers: CustomerRow[]; created: number; updated: number }>('UpsertCustomersPayload').implement({
    fields: (t) => ({
      customers: t.field({ type: [refs.Customer], resolve: (p) => p.customers }),
      created: t.exposeInt('created'),
      updated: t.exposeInt('updated'),
    }),
  });

  const UsageInput = builder.inputType('UsageInput', {
    description: 'One month of facts for one customer, named by customerId or msisdn. Counters left out are 0.',
    fields: (t) => ({
      customerId: t.globalID({ for: refs.Customer }),
      msisdn: t.string(),
      month: t.field({ type: 'Month', required: true }),
      revenueCents: t.int(),
      voiceMinutes: t.int(),
      dataMb: t.int(),
      sms: t.int(),
      rechargeCents: t.int(),
      activeDays: t.int(),
      complaints: t.int(),
      competitorContacts: t.int(),
    }),
  });
  const RecordUsagePayload = builder.objectRef<{ usage: UsageRow[] }>('RecordUsagePayload').implement({
    fields: (t) => ({
      recorded: t.int({ resolve: (p) => p.usage.length }),
      usage: t.field({ type: [refs.MonthlyUsage], resolve: (p) => p.usage }),
    }),
  });
  const EventInput = builder.inputType('CustomerEventInput', {
    fields: (t) => ({
      customerId: t.globalID({ for: refs.Customer }),
      msisdn: t.string(),
      type: t.string({ required: true, description: 'Dotted lower-case words: port_out.inquiry, complaint, plan.changed.' }),
      occurredAt: t.field({ type: 'DateTime', required: true }),
      payload: t.field({ type: 'JSONObject' }),
      idempotencyKey: t.string({ description: 'An event whose key was recorded before is skipped.' }),
    }),
  });
  const RecordEventsPayload = builder.objectRef<{ events: EventRow[]; duplicates: number }>('RecordEventsPayload').implement({
    fields: (t) => ({
      recorded: t.int({ resolve: (p) => p.events.length }),
      duplicates: t.exposeInt('duplicates', { description: 'Events skipped because their idempotencyKey was already recorded.' }),
      events: t.field({ type: [refs.CustomerEvent], resolve: (p) => p.events }),
    }),
  });

  const reference = (item: { customerId?: { id: string; typename: string } | null; msisdn?: string | null }, path: string) => ({
    customerId: item.customerId ? localId(item.customerId, `${path}.customerId`) : null,
    msisdn: item.msisdn ?? null,
  });

  builder.mutationFields((t) => ({
    upsertCustomers: t.field({
      type: UpsertCustomersPayload,
      description: `Inserts or replaces customers by MSISDN (idempotent), up to ${MAX_CUSTOMER_BATCH} per call. A batch with any bad item writes nothing.`,
      args: { customers: t.arg({ type: [CustomerInput], required: true }) },
      resolve: async (_root, args, ctx) => {
        const result = await upsertCustomers(
          ctx.database.db,
          args.customers.map((c) => ({ ...c, consent: c.consent ? Object.fromEntries(c.consent.map((k) => [k.channel, k.granted])) : null })),
          { principal: ctx.principal },
        );
        await emitByRegion(ctx, result.customers.map((c) => c.regionId), result.customers.map((c) => c.id), (regionCode, customerIds) =>
          ctx.plugins!.events.emit('customers.imported', { regionCode, customerIds }),
        );
        return result;
      },
    }),
    recordUsage: t.field({
      type: RecordUsagePayload,
      description: `Records monthly facts, replacing earlier figures for the same customer and month (idempotent), up to ${MAX_USAGE_BATCH} per call.`,
      args: { usage: t.arg({ type: [UsageInput], required: true }) },
      resolve: async (_root, args, ctx) => {
        const usage = await recordUsage(ctx.database.db, ctx.clock, args.usage.map((u, i) => ({ ...u, ...reference(u, `usage[${i}]`) })), { principal: ctx.principal });
        if (ctx.plugins) {
          const customers = await ctx.loaders.customer.loadMany([...new Set(usage.map((u) => u.customerId))]);
          const found = customers.filter((c): c is CustomerRow => c !== null && !(c instanceof Error));
          const months = [...new Set(usage.map((u) => u.month.slice(0, 7)))].sort();
          await emitByRegion(ctx, found.map((c) => c.regionId), found.map((c) => c.id), (regionCode, customerIds) =>
            ctx.plugins!.events.emit('usage.recorded', { regionCode, customerIds, months }),
          );
        }
        return { usage };
      },
    }),
    recordEvents: t.field({
      type: RecordEventsPayload,
      description: `Records customer events, up to ${MAX_EVENT_BATCH} per call; events whose idempotencyKey was seen are skipped.`,
      args: { events: t.arg({ type: [EventInput], required: true }) },
      resolve: (_root, args, ctx) => recordEvents(ctx.database.db, args.events.map((e, i) => ({ ...e, ...reference(e, `events[${i}]`) })), { principal: ctx.principal }),
    }),
  }));
}
