import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersOf, openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-port-out-intent';
let p: TestPlatform;
/** Who had asked before the test's own inquiries (the demo population records some), and whom those went to. */
let askedBefore: number[];
let targets: number[];

/** The oracle: active customers with an inquiry since `since`, or 4+ competitor calls in September-October. */
const intendingIn = (region: string, since: string) =>
  p.sql<{ id: number; inquiries: number; calls: number }>`
    select c.id,
      (select count(*) from customer_events e where e.customer_id = c.id and e.type = 'port_out.inquiry'
        and e.occurred_at >= ${since}::timestamptz and e.occurred_at < '2026-11-16T00:00:00+08:00')::int as inquiries,
      coalesce((select sum(m.competitor_contacts) from monthly_usage m where m.customer_id = c.id
        and m.month between '2026-09-01' and '2026-10-01'), 0)::int as calls
    from ${customersOf(region)}
    where c.status = 'active'`
    .then((rows) => rows.filter((r) => r.inquiries >= 1 || r.calls >= 4).sort((a, b) => a.id - b.id));

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { customers: 2500, enable: [{ plugin: ID, region: 'JS-NJ' }] });
  askedBefore = (await intendingIn('JS-NJ', '2026-09-17T00:00:00+08:00')).filter((r) => r.inquiries > 0).map((r) => r.id);
  // Inquiries at the hall: two recent ones, one too old to count (90 days back).
  await p.sql`
    insert into customer_events (customer_id, type, occurred_at, payload)
    select c.id, 'port_out.inquiry', t.at::timestamptz, '{"channel":"hall"}'::jsonb
    from (select id, row_number() over (order by id) as n from customers
          where status = 'active' and region_id in (select id from regions where path like '/JS/JS-NJ/%')) c
    join (values (1, '2026-11-01T10:00:00+08:00'), (2, '2026-10-20T10:00:00+08:00'), (3, '2026-08-18T10:00:00+08:00')) as t(n, at) on t.n = c.n`;
  targets = (await p.sql<{ id: number }>`select customer_id as id from customer_events where payload->>'channel' = 'hall'
    and idempotency_key is null order by occurred_at desc`).map((r) => r.id);
});
afterAll(() => p?.close());

describe('warning-port-out-intent', () => {
  it('warns recent port-out inquiries and frequent competitor callers, and not an old inquiry', async () => {
    p.clock.set(RULE_RUN_AT);
    await p.runDueJobs();
    const expected = await intendingIn('JS-NJ', '2026-09-17T00:00:00+08:00');
    // The two recent inquiries count, the old one does not (unless that customer had asked lately too).
    const asking = expected.filter((r) => r.inquiries > 0).map((r) => r.id);
    expect(asking).toEqual([...new Set([...askedBefore, targets[0]!, targets[1]!])].sort((a, b) => a - b));
    expect(asking.includes(targets[2]!)).toBe(askedBefore.includes(targets[2]!));
    expect(expected.length).toBeGreaterThan(2);
    expect(await openWarningCustomers(p, 'JS-NJ', ID)).toEqual(expected.map((r) => r.id));
    for (const o of expected.slice(0, 5)) {
      const [w] = await p.warnings({ customerId: o.id, pluginId: ID });
      expect(w!.evidence).toEqual({ inquiries: o.inquiries, competitorCalls: o.calls });
      expect(w!.score).toBe(Math.min(100, 60 * o.inquiries + 5 * o.calls));
    }
  });
});
