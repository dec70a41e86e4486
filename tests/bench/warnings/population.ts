/**
 * What the demo population lacks for the warning rules, added once per bench database (kept by `--reuse`):
 * a handset purchase date in most customers' attributes (the device-age rule) and customer events, port-out
 * inquiries among them (the port-out-intent rule). Deterministic from the customer id and the bench's day.
 */
import type { Database } from '@weixi/db';
import { round, timed } from '../measure.js';
import { pgOf } from '../setup.js';
import type { RunDates } from './dates.js';

const EVENT_KEY = 'bench-warnings:';

export interface PopulationFigures {
  /** Seconds spent adding them; null when the database already had them. */
  seconds: number | null;
  devicePurchaseDates: number;
  events: number;
  portOutInquiries: number;
}

export async function addWarningFacts(database: Database, d: RunDates): Promise<PopulationFigures> {
  const sql = pgOf(database);
  const [had] = await sql`select exists (select from customer_events where starts_with(idempotency_key, ${EVENT_KEY})) as done`;
  let seconds: number | null = null;
  if (!had!.done) {
    const added = await timed(async () => {
      await sql.begin(async (tx) => {
        // Customers with a handset: bought 0 to 42 months before the day; every 97th holds a value that is no date.
        await tx`update customers set attributes = attributes || jsonb_build_object('devicePurchasedOn',
            case when id % 97 = 0 then 'unknown' else to_char(${d.day}::date - (id::bigint * 7919 % 1280)::int, 'YYYY-MM-DD') end)
          where device is not null`;
        // Events before the day: an inquiry for every 40th customer (every 120th a second one) over 90 days, so
        // some fall outside the rule's 60; one today (not counted yet) for every 400th; other types as noise.
        await tx`insert into customer_events (customer_id, type, occurred_at, idempotency_key, recorded_at)
          select c.id, e.type, ${d.dayStart}::timestamptz + e.shift - make_interval(hours => (c.id * 37 % (24 * e.days))::int),
            ${EVENT_KEY} || e.key || ':' || c.id, ${d.dayStart}::timestamptz
          from customers c
          join (values ('port_out.inquiry', 'inquiry', 40, 0, 90, interval '0'),
                       ('port_out.inquiry', 'inquiry-again', 120, 0, 50, interval '0'),
                       ('port_out.inquiry', 'inquiry-today', 400, 0, 1, interval '1 day'),
                       ('plan.changed', 'plan', 13, 0, 180, interval '0'),
                       ('complaint.filed', 'complaint', 17, 3, 120, interval '0'))
            e(type, key, every, rest, days, shift) on c.id % e.every = e.rest`;
      });
      // The update left a dead version of most customer rows: rewrite the table so both sides scan what a
      // database in use would hold.
      await sql`vacuum full customers`;
      await sql`analyze customers, customer_events`;
    });
    seconds = round(added.ms / 1000);
    console.log(`  device purchase dates and customer events added in ${seconds} s`);
  }
  const [row] = await sql`select
      (select count(*)::int from customers where attributes ? 'devicePurchasedOn') as dates,
      (select count(*)::int from customer_events) as events,
      (select count(*)::int from customer_events where type = 'port_out.inquiry') as inquiries`;
  return { seconds, devicePurchaseDates: row!.dates as number, events: row!.events as number, portOutInquiries: row!.inquiries as number };
}
