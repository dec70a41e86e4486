import { and, asc, eq, gte, inArray, lte, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { contacts, customers, monthlyUsage, queryRows, regions, type Db } from '@weixi/db';
import type { Capability, ContactView, CustomerView, PluginServices, RegionDay, SegmentCondition as SdkCondition } from '@weixi/sdk';
import { canSeeRegionPath, customerScopeSql } from '../access/scope.js';
import { forbidden } from '../access/errors.js';
import { callerName, callerRegions } from '../customers/write-scope.js';
import type { Principal } from '../access/principal.js';
import type { Clock } from '../clock.js';
import { InputError, NotFoundError } from '../errors.js';
import { parseMonth } from '../months.js';
import type { SegmentCondition as CoreCondition } from '../segments/definition.js';
import { compileCustomerPredicate } from '../segments/compile.js';
import { validateSegmentDefinition } from '../segments/validate.js';
import { createTask } from '../tasks/tasks.js';
import { listContactRecords } from '../contacts/list.js';
import { deliverContact, leaseFrom, type ContactChannels } from '../contacts/outbox.js';
import { renderMessage, sendProblems } from '../contacts/message.js';
import { capabilityGuard } from './capabilities.js';
import { PluginNotEnabledError, type Enablement } from './enablement.js';

// The SDK's condition type mirrors the core's definition; this fails to compile when they drift apart.
type Fits<Target, Source extends Target> = Source;
type _SdkFitsCore = Fits<CoreCondition, SdkCondition>;
type _CoreFitsSdk = Fits<SdkCondition, CoreCondition>;

export interface ServiceDeps extends ContactChannels {
  db: Db;
  clock: Clock;
  pluginId: string;
  capabilities: readonly Capability[];
  /** Where this plugin is enabled now: every call is confined to these regions. */
  enablement(): Enablement;
  /**
   * The API caller a plugin resolver works for: every read is narrowed to the customers it sees, a region
   * outside its scope is FORBIDDEN, and a write for a customer it cannot see is NOT_FOUND. Unset: the
   * plugin's own work (jobs, events), bound by its capabilities only.
   */
  caller?: Principal;
}

/** The domain services a plugin reaches through its context, each call checked against its capabilities. */
export function pluginServices(deps: ServiceDeps): PluginServices {
  const { db, clock, pluginId, caller } = deps;
  const guard = capabilityGuard(pluginId, deps.capabilities);
  /** The caller's customers, as a predicate on a customer's id and region id columns. */
  const callerScope = (customerId: SQL | AnyColumn, regionId: SQL | AnyColumn): SQL => (caller ? customerScopeSql(caller, { customerId, regionId }) : sql`true`);
  /** The caller's customers in regions where the plugin is enabled: every read and write is confined to them. */
  const inScope = (customerId: SQL | AnyColumn, regionId: SQL | AnyColumn): SQL => sql`(${callerScope(customerId, regionId)} and ${deps.enablement().sql(regionId)})`;
  /**
   * A region by code, refused when the caller does not see all of it, or when the plugin is enabled in no
   * part of it (a partly enabled region is narrowed to its enabled parts by `inScope`).
   */
  const regionFor = async (regionCode: string) => {
    const region = await regionOf(db, regionCode);
    if (caller && !canSeeRegionPath(caller, region.path)) throw forbidden(`${callerName(caller)} may not read region ${region.code}: it is outside ${callerRegions(caller)}`);
    if (!deps.enablement().reaches(region.path)) throw new PluginNotEnabledError(pluginId, region.code);
    return region;
  };
  /** A write for a customer the plugin may not touch: NOT_FOUND outside the caller's scope, else not enabled there. */
  const refuseCustomer = async (customerId: number, path: string): Promise<never> => {
    const [seen] = await db
      .select({ code: regions.code })
      .from(customers)
      .innerJoin(regions, eq(regions.id, customers.regionId))
      .where(and(eq(customers.id, customerId), callerScope(customers.id, customers.regionId)));
    if (seen) throw new PluginNotEnabledError(pluginId, seen.code, undefined, path);
    throw new NotFoundError('customer', customerId, path);
  };
  return {
    customers: {
      async byIds(ids) {
        guard.require('customers:read', 'customers.byIds');
        if (ids.length === 0) return [];
        const rows = await db
          .select({ c: customers, regionCode: regions.code })
          .from(customers)
          .innerJoin(regions, eq(regions.id, customers.regionId))
          .where(and(inArray(customers.id, [...ids]), inScope(customers.id, customers.regionId)));
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
          ...(pii ? { name: c.name, msisdn: c.msisdn, email: emailOf(c.attributes), birthday: c.birthday } : {}),
        }));
      },
      async idsByMsisdn(msisdns) {
        guard.require('customers:read', 'customers.idsByMsisdn');
        if (msisdns.length > 1000) throw new InputError([{ path: 'msisdns', message: `at most 1000 numbers a call, got ${msisdns.length}` }]);
        if (msisdns.length === 0) return new Map();
        const rows = await db
          .select({ id: customers.id, msisdn: customers.msisdn })
          .from(customers)
          .where(and(inArray(customers.msisdn, [...new Set(msisdns)]), inScope(customers.id, customers.regionId)));
        return new Map(rows.map((r) => [r.msisdn, r.id]));
      },
      async withBirthdayWithin(regionCode, days, options = {}) {
        guard.require('customers:read', 'customers.withBirthdayWithin');
        if (!Number.isInteger(days) || days < 0 || days > 366) throw new InputError([{ path: 'days', message: `must be a whole number of days from 0 to 366, got ${days}` }]);
        const region = await regionFor(regionCode);
        const today = calendarDate(options.asOf ?? clock.now(), region.timeZone);
        // Days to the next birthday, computed in SQL over the region subtree; Feb 29 falls on Feb 28.
        const rows = await queryRows<{ id: number }>(
          db,
          sql`with next as (
                select c.id, make_date(extract(year from ${today}::date)::int, extract(month from c.birthday)::int,
                  least(extract(day from c.birthday)::int, case when extract(month from c.birthday) = 2 then 28 else 31 end)) as d
                from customers c join regions r on r.id = c.region_id
                where c.birthday is not null and c.status = 'active' and starts_with(r.path, ${region.path})
                  and ${inScope(sql`c.id`, sql`c.region_id`)}
              )
              select id from next
              where (case when d < ${today}::date then (d + interval '1 year')::date else d end) - ${today}::date between 0 and ${days}
              order by id`,
        );
        return rows.map((r) => Number(r.id));
      },
    },
    segments: {
      async matching(regionCode, condition, options = {}) {
        guard.require('segments:read', 'segments.matching');
        const { limit, afterId } = options;
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10_000)) {
          throw new InputError([{ path: 'options.limit', message: `must be a whole number from 1 to 10000, got ${limit}` }]);
        }
        if (afterId !== undefined && !Number.isSafeInteger(afterId)) throw new InputError([{ path: 'options.afterId', message: `must be a customer id, got ${afterId}` }]);
        const { from, where } = await compiledInRegion(regionCode, condition, options.asOf);
        const rows = await queryRows<{ id: number }>(
          db,
          sql`select c.id from ${from} where ${where}${afterId === undefined ? sql`` : sql` and c.id > ${afterId}`} order by c.id${limit === undefined ? sql`` : sql` limit ${limit}`}`,
        );
        return rows.map((r) => Number(r.id));
      },
      async count(regionCode, condition, options = {}) {
        guard.require('segments:read', 'segments.count');
        const { from, where } = await compiledInRegion(regionCode, condition, options.asOf);
        const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${from} where ${where}`);
        return Number(row?.n ?? 0);
      },
    },
    usage: {
      async monthly(customerIds, months) {
        guard.require('usage:read', 'usage.monthly');
        const from = parseMonth(months.from);
        const to = parseMonth(months.to);
        const issues = [
          ...(from ? [] : [{ path: 'months.from', message: `${JSON.stringify(months.from)} is not a month (YYYY-MM)` }]),
          ...(to ? [] : [{ path: 'months.to', message: `${JSON.stringify(months.to)} is not a month (YYYY-MM)` }]),
        ];
        if (from && to && (from > to || monthIndex(to) - monthIndex(from) >= 36)) {
          issues.push({ path: 'months', message: `from ${months.from} to ${months.to} must be 1 to 36 months, from first to last` });
        }
        if (customerIds.length > 10_000) issues.push({ path: 'customerIds', message: `at most 10000 customers per call, got ${customerIds.length}` });
        if (issues.length > 0) throw new InputError(issues);
        if (customerIds.length === 0) return [];
        const rows = await db
          .select()
          .from(monthlyUsage)
          .where(
            and(
              inArray(monthlyUsage.customerId, [...customerIds]),
              gte(monthlyUsage.month, from!),
              lte(monthlyUsage.month, to!),
              inArray(monthlyUsage.customerId, db.select({ id: customers.id }).from(customers).where(and(inArray(customers.id, [...customerIds]), inScope(customers.id, customers.regionId)))),
            ),
          )
          .orderBy(asc(monthlyUsage.customerId), asc(monthlyUsage.month));
        return rows.map((r) => ({ ...r, month: r.month.slice(0, 7) }));
      },
    },
    regions: {
      async day(regionCode, at) {
        const region = await regionOf(db, regionCode);
        return regionDay(region.code, region.timeZone, at ?? clock.now());
      },
    },
    tasks: {
      async create(input) {
        guard.require('tasks:write', 'tasks.create');
        // A customer the caller cannot see is NOT_FOUND, as one that does not exist.
        try {
          const { task, created } = await createTask(db, clock, input, `plugin:${pluginId}`, inScope(customers.id, customers.regionId));
          return { taskId: task.id, created };
        } catch (error) {
          if (error instanceof NotFoundError) await refuseCustomer(input.customerId, 'input.customerId');
          throw error;
        }
      },
    },
    contacts: {
      async send(input) {
        guard.require('contact:send', 'contacts.send');
        const channelList = typeof input.channel === 'string' ? [input.channel] : [...input.channel];
        const problems = sendProblems(input, channelList);
        if (problems.length > 0) throw new InputError(problems);
        const [customer] = await db
          .select({ name: customers.name, attributes: customers.attributes, regionId: customers.regionId, regionCode: regions.code })
          .from(customers)
          .innerJoin(regions, eq(regions.id, customers.regionId))
          .where(and(eq(customers.id, input.customerId), inScope(customers.id, customers.regionId)));
        if (!customer) return refuseCustomer(input.customerId, 'customerId');
        const rendered = renderMessage(input.message, customer);
        const now = clock.now();
        const [channel, ...fallbackChannels] = channelList as [string, ...string[]];
        // The contact is written once per plugin, customer and key, queued under this process's lease; the
        // gate and the channel come next, in deliverContact.
        const [row] = await db
          .insert(contacts)
          .values({
            customerId: input.customerId,
            channel,
            pluginId,
            message: rendered.message,
            subject: rendered.subject,
            language: rendered.language,
            purpose: input.purpose ?? 'marketing',
            taskId: input.taskId ?? null,
            fallbackChannels,
            status: 'queued',
            idempotencyKey: input.idempotencyKey,
            attempts: 1,
            leaseUntil: leaseFrom(now),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: [contacts.pluginId, contacts.customerId, contacts.idempotencyKey] })
          .returning();
        if (!row) {
          const [existing] = await db
            .select()
            .from(contacts)
            .where(and(eq(contacts.pluginId, pluginId), eq(contacts.customerId, input.customerId), eq(contacts.idempotencyKey, input.idempotencyKey)));
          return { contactId: existing!.id, status: existing!.status, created: false };
        }
        const status = await deliverContact(db, clock, deps, { ...row, regionId: customer.regionId, regionCode: customer.regionCode });
        return { contactId: row.id, status, created: true };
      },
      async list(filter) {
        guard.require('contacts:read', 'contacts.list');
        const limit = filter.limit ?? 50;
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InputError([{ path: 'filter.limit', message: `must be a whole number from 1 to 500, got ${limit}` }]);
        if (filter.regionCode !== undefined) await regionFor(filter.regionCode);
        const records = await listContactRecords(db, { ...filter, order: 'newest', limit, where: inScope(customers.id, customers.regionId) });
        return records.map(({ idempotencyKey: _key, ...view }): ContactView => view);
      },
    },
  };

  /** A condition validated, compiled as of the region's calendar day, and restricted to the region's subtree. */
  async function compiledInRegion(regionCode: string, condition: SdkCondition, asOf: Date | undefined): Promise<{ from: SQL; where: SQL }> {
    const definition = await validateSegmentDefinition(db, condition, 'condition');
    const region = await regionFor(regionCode);
    // The compiler counts days and months in UTC from `now`: midnight UTC of the local date gives the local ones.
    const now = new Date(`${calendarDate(asOf ?? clock.now(), region.timeZone)}T00:00:00Z`);
    const { from, where } = compileCustomerPredicate(definition, { now });
    return { from, where: sql`(${where}) and c.region_id in (select r.id from regions r where starts_with(r.path, ${region.path})) and ${inScope(sql`c.id`, sql`c.region_id`)}` };
  }
}

async function regionOf(db: Db, regionCode: string): Promise<{ code: string; path: string; timeZone: string }> {
  const [region] = await db.select({ code: regions.code, path: regions.path, timeZone: regions.timeZone }).from(regions).where(eq(regions.code, regionCode));
  if (!region) throw new NotFoundError('region', regionCode, 'regionCode');
  return region;
}

const monthIndex = (firstDay: string) => Number(firstDay.slice(0, 4)) * 12 + Number(firstDay.slice(5, 7));

/** The calendar date (`YYYY-MM-DD`) of an instant in a time zone. */
function calendarDate(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

/** The first instant of a local date in a zone (twice refined, so a DST change that day is honoured). */
export function startOfDate(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  let at = midnightUtc - zoneOffsetMs(midnightUtc, timeZone);
  at = midnightUtc - zoneOffsetMs(at, timeZone);
  return new Date(at);
}

/** The local day of `at` in a time zone, with its first instant and the next day's. */
export function regionDay(regionCode: string, timeZone: string, at: Date): RegionDay {
  const date = calendarDate(at, timeZone);
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { regionCode, timeZone, date, start: startOfDate(date, timeZone), end: startOfDate(next, timeZone) };
}

/** The customer's email address, kept in the `email` attribute by imports; anything but an address is none. */
function emailOf(attributes: Record<string, unknown>): string | null {
  const email = attributes['email'];
  return typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}
