/**
 * Port-out inquiries (携号转网查询) as customer events, of the type the port-out plugin reads by default:
 * one or two in the ~90 days before the anchor date of the customers with that signal, on days before
 * today and after they joined, at office hours in the demo time zone. The idempotency key names the row
 * number and the inquiry, so it is the same in every run.
 */
import type { GeneratorContext } from './context.js';
import { createDraws } from './draws.js';
import { DEMO_TIME_ZONE } from './regions.js';
import { dateLiteral, pickFrom, textLiteral } from './sql-text.js';
import { STREAM as S } from './streams.js';
import { USAGE_CUSTOMERS } from './usage-sql.js';

export const PORT_OUT_INQUIRY = 'port_out.inquiry';

export function portOutEventsSql(context: GeneratorContext): string {
  const { uniform } = createDraws(context.seed);
  const u = (stream: number) => uniform('c.n * 64 + e.k', stream);
  return `
  port_out_days as (
    select c.customer_id, c.joined_on, c.n, e.k,
      c.anchor_on - 1 - floor(${u(S.inquiryDay)} * 89)::int as day,
      540 + floor(${u(S.inquiryTime)} * 660)::int as minute,
      ${pickFrom(['hall', 'app', 'hotline'], u(S.inquiryChannel))} as channel
    from ${USAGE_CUSTOMERS} c cross join generate_series(1, 2) as e(k)
    where c.sig_port_out and e.k <= c.inquiries
  ),
  port_out_events as (
    select customer_id, ${textLiteral(PORT_OUT_INQUIRY)} as type,
      (day + make_interval(mins => minute)) at time zone ${textLiteral(DEMO_TIME_ZONE)} as occurred_at,
      jsonb_build_object('channel', channel) as payload,
      ${textLiteral(`demo:${PORT_OUT_INQUIRY}:`)} || n || ':' || k as idempotency_key
    from port_out_days
    where day < ${dateLiteral(context.calendar.today)} and day >= joined_on
  )`;
}
