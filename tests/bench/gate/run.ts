/**
 * `pnpm bench gate [-- --customers N] [--runs R] [--batch B] [--reuse]`: one queued marketing SMS for every
 * active customer (50,000 by default), a tenth of whom already had a contact today, one in fifty on the
 * do-not-disturb list and one in a hundred with a port-out application; the contact-policy gate
 * (`gateContacts`, every rule, every decision stored) over all of them in batches of B (the outbox's claim
 * size), against ONE hand-written statement per batch that applies the BSS consent flag and the daily cap
 * and marks the contacts, the least a gate must do. Alternately in the same process on the same database;
 * prints contacts/s and the ratio, writes results/gate-latest.json. Fails only when the gate lets through a
 * contact the hand-written statement stops, or the other way round, beyond the DND and port-out customers.
 */
import { parseArgs } from 'node:util';
import { gateContacts } from '@weixi/contact-policy';
import type { Db } from '@weixi/db';
import { check, median, round, timed, type Check } from '../measure.js';
import { environment, table, writeResults } from '../report.js';
import { BENCH_NOW, pgOf, setupBenchDatabase } from '../setup.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'gate'),
  options: { customers: { type: 'string', default: '50000' }, runs: { type: 'string', default: '3' }, batch: { type: 'string', default: '500' }, reuse: { type: 'boolean', default: false } },
});
const customers = Number(values.customers!.replace(/[_,]/g, ''));
const runs = Number(values.runs);
const batch = Number(values.batch);
const url = process.env.WEIXI_BENCH_GATE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_gate';
const now = BENCH_NOW.toISOString();

const { database, figures: setup } = await setupBenchDatabase({ customers, reuse: values.reuse!, url });
const db = database.db as Db;
const sql = pgOf(database);
const checks: Check[] = [];
try {
  await sql`delete from contacts where plugin_id like 'bench%'`;
  await sql`delete from do_not_disturb`;
  await sql`delete from customer_events where type = 'port_out.application' and idempotency_key like 'bench:%'`;
  // Earlier today's contacts (already through the gate), the do-not-disturb list and port-out applications.
  await sql`insert into contacts (customer_id, channel, plugin_id, message, idempotency_key, status, purpose, gated_at, created_at, updated_at)
    select id, 'sms', 'bench-earlier', '早上好', 'earlier', 'sent', 'marketing', ${now}::timestamptz - interval '1 hour', ${now}::timestamptz - interval '1 hour', ${now}::timestamptz
    from customers where status = 'active' and id % 10 = 3`;
  await sql`insert into do_not_disturb (msisdn, reason, source, added_at) select msisdn, 'bench', 'bench', ${now}::timestamptz from customers where status = 'active' and id % 50 = 7`;
  await sql`insert into customer_events (customer_id, type, occurred_at, idempotency_key, payload)
    select id, 'port_out.application', ${now}::timestamptz - interval '2 days', 'bench:' || id, '{}'::jsonb from customers where status = 'active' and id % 100 = 11`;
  const queued = await sql`insert into contacts (customer_id, channel, plugin_id, message, idempotency_key, status, purpose, created_at, updated_at)
    select id, 'sms', 'bench', '回馈10元', 'offer', 'queued', 'marketing', ${now}::timestamptz, ${now}::timestamptz from customers where status = 'active' returning id`;
  const ids = queued.map((r) => Number(r.id)).sort((a, b) => a - b);
  await sql`analyze`;

  const reset = async () => {
    await sql`update contacts set status = 'queued', detail = null, gated_at = null, deferred_until = null where plugin_id = 'bench'`;
    await sql`delete from contact_decisions`;
    await sql`vacuum analyze contacts, contact_decisions`;
  };
  const inBatches = async (fn: (slice: number[]) => Promise<void>) => {
    for (let i = 0; i < ids.length; i += batch) await fn(ids.slice(i, i + batch));
  };
  const gate = () => inBatches(async (slice) => void (await gateContacts(db, slice, BENCH_NOW)));
  // The least a gate must do: the BSS flag and the day's cap, the contacts marked, in one statement a batch.
  const handwritten = () =>
    inBatches(async (slice) => {
      await sql`update contacts c set
          status = case when stop then 'suppressed' else c.status end, gated_at = case when stop then null else ${now}::timestamptz end
        from (select c2.id, (cu.consent ->> 'sms') = 'false' or exists (
                select 1 from contacts o where o.customer_id = c2.customer_id and o.id <> c2.id and o.purpose = 'marketing'
                  and o.gated_at >= date_trunc('day', ${now}::timestamptz at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai')
              as stop from contacts c2 join customers cu on cu.id = c2.customer_id where c2.id = any(${slice}::int[])) s
        where c.id = s.id`;
    });

  const gateMs: number[] = [];
  const handMs: number[] = [];
  let gateSent = 0;
  let handSent = 0;
  for (let i = 0; i < runs; i++) {
    await reset();
    gateMs.push((await timed(gate)).ms);
    const [g] = await sql`select count(*) filter (where status = 'queued' and gated_at is not null)::int as sent,
        (select count(*)::int from contact_decisions) as decisions from contacts where plugin_id = 'bench'`;
    gateSent = Number(g!.sent);
    checks.push(check(`run ${i + 1}: one decision per contact`, Number(g!.decisions) === ids.length, `${g!.decisions} decisions for ${ids.length} contacts`));
    await reset();
    handMs.push((await timed(handwritten)).ms);
    const [h] = await sql`select count(*) filter (where gated_at is not null)::int as sent from contacts where plugin_id = 'bench'`;
    handSent = Number(h!.sent);
  }
  // The gate stops what the hand-written statement stops, and also the DND and port-out customers it let through.
  const [extra] = await sql`select count(*)::int as n from contacts c join customers cu on cu.id = c.customer_id
    where c.plugin_id = 'bench' and c.gated_at is not null and (cu.id % 50 = 7 or cu.id % 100 = 11)`;
  checks.push(check('the gate stops what the hand-written statement stops, plus DND and port-out', gateSent === handSent - Number(extra!.n), `gate ${gateSent}, hand-written ${handSent}, DND/port-out among those ${extra!.n}`));
  const [settings] = await sql`select current_setting('server_version') as version, current_setting('jit') as jit, current_setting('work_mem') as work_mem`;
  const perSecond = (ms: number) => Math.round(ids.length / (ms / 1000));
  const results = {
    generatedAt: new Date().toISOString(),
    options: { customers, runs, batch, now },
    environment: environment(String(settings!.version), String(settings!.jit), String(settings!.work_mem)),
    setup,
    contacts: ids.length,
    gate: { medianMs: round(median(gateMs)), runsMs: gateMs.map((ms) => round(ms)), contactsPerSecond: perSecond(median(gateMs)), letThrough: gateSent },
    handwritten: { medianMs: round(median(handMs)), runsMs: handMs.map((ms) => round(ms)), contactsPerSecond: perSecond(median(handMs)), letThrough: handSent },
    ratio: round(median(gateMs) / median(handMs), 2),
    checks,
    passed: checks.every((c) => c.ok),
  };
  console.log(
    `\nGate bench: ${ids.length.toLocaleString('en')} queued marketing contacts in batches of ${batch}; median of ${runs} runs\n` +
      table(['side', 'median ms', 'runs ms', 'contacts/s', 'let through', 'ratio'], [
        ['gateContacts (consent, DND, port-out, caps day/7d/30d, quiet hours; decisions stored)', results.gate.medianMs, results.gate.runsMs.join(' / '), results.gate.contactsPerSecond, gateSent, results.ratio.toFixed(2)],
        ['hand-written (BSS flag and daily cap, one UPDATE a batch)', results.handwritten.medianMs, results.handwritten.runsMs.join(' / '), results.handwritten.contactsPerSecond, handSent, '1.00'],
      ]),
  );
  console.log(`\nwrote ${writeResults(results, 'gate-latest.json')}`);
  if (!results.passed) process.exitCode = 1;
} finally {
  await database.close();
}
