import { and, eq, inArray, sql } from 'drizzle-orm';
import { contacts, customers, queryRows, regions, type Db } from '@weixi/db';
import type { Capability, ChannelSender, CustomerView, PluginServices } from '@weixi/sdk';
import type { Clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import { createTask } from '../tasks/tasks.js';
import { capabilityGuard } from './capabilities.js';

export interface ServiceDeps {
  db: Db;
  clock: Clock;
  pluginId: string;
  capabilities: readonly Capability[];
  /** The registered sender of a channel, if any plugin implements it. */
  channel(channelId: string): ChannelSender | undefined;
}

/** The domain services a plugin reaches through its context, each call checked against its capabilities. */
export function pluginServices(deps: ServiceDeps): PluginServices {
  const { db, clock, pluginId } = deps;
  const guard = capabilityGuard(pluginId, deps.capabilities);
  return {
    customers: {
      async byIds(ids) {
        guard.require('customers:read', 'customers.byIds');
        if (ids.length === 0) return [];
        const rows = await db
          .select({ c: customers, regionCode: regions.code })
          .from(customers)
          .innerJoin(regions, eq(regions.id, customers.regionId))
          .where(inArray(customers.id, [...ids]));
        const pii = guard.has('customers.pii:read');
        return rows.map(({ c, regionCode }): CustomerView => ({
          id: c.id,
          regionCode,
          tier: c.tier,
          status: c.status,
          joinedOn: c.joinedOn,
          plan: c.plan,
          paymentType: c.paymentType,
          contractEndsOn: c.contractEndsOn,
          consent: c.consent,
          ...(pii ? { name: c.name, msisdn: c.msisdn, birthday: c.birthday } : {}),
        }));
      },
      async withBirthdayWithin(regionCode, days) {
        guard.require('customers:read', 'customers.withBirthdayWithin');
        const today = clock.now().toISOString().slice(0, 10);
        // Days to the next birthday, computed in SQL over the region subtree; Feb 29 falls on Feb 28.
        const rows = await queryRows<{ id: number }>(
          db,
          sql`with region as (select path from regions where code = ${regionCode}),
              next as (
                select c.id, make_date(extract(year from ${today}::date)::int, extract(month from c.birthday)::int,
                  least(extract(day from c.birthday)::int, case when extract(month from c.birthday) = 2 then 28 else 31 end)) as d
                from customers c join regions r on r.id = c.region_id, region
                where c.birthday is not null and c.status = 'active' and starts_with(r.path, region.path)
              )
              select id from next
              where (case when d < ${today}::date then (d + interval '1 year')::date else d end) - ${today}::date between 0 and ${days}
              order by id`,
        );
        return rows.map((r) => Number(r.id));
      },
    },
    tasks: {
      async create(input) {
        guard.require('tasks:write', 'tasks.create');
        const { task, created } = await createTask(db, clock, input, `plugin:${pluginId}`);
        return { taskId: task.id, created };
      },
    },
    contacts: {
      async send(input) {
        guard.require('contact:send', 'contacts.send');
        const sender = deps.channel(input.channel);
        const [customer] = await db
          .select({ consent: customers.consent, regionCode: regions.code })
          .from(customers)
          .innerJoin(regions, eq(regions.id, customers.regionId))
          .where(eq(customers.id, input.customerId));
        if (!customer) throw new NotFoundError('customer', input.customerId, 'customerId');
        const refused = customer.consent[input.channel] === false;
        const [row] = await db
          .insert(contacts)
          .values({
            customerId: input.customerId,
            channel: input.channel,
            pluginId,
            message: input.message,
            status: refused ? 'suppressed' : sender ? 'queued' : 'failed',
            detail: refused ? `no consent for ${input.channel}` : sender ? null : `no plugin implements channel '${input.channel}'`,
            idempotencyKey: input.idempotencyKey,
          })
          .onConflictDoNothing({ target: contacts.idempotencyKey })
          .returning();
        if (!row) {
          const [existing] = await db.select().from(contacts).where(eq(contacts.idempotencyKey, input.idempotencyKey));
          return { contactId: existing!.id, status: existing!.status };
        }
        if (refused || !sender) return { contactId: row.id, status: refused ? 'suppressed' : 'failed' };
        const result = await sender.send({ contactId: row.id, customerId: input.customerId, regionCode: customer.regionCode, message: input.message });
        await db
          .update(contacts)
          .set({ status: result.status, detail: result.detail ?? null, updatedAt: clock.now() })
          .where(and(eq(contacts.id, row.id)));
        return { contactId: row.id, status: result.status };
      },
    },
  };
}
