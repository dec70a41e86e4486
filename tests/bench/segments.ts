/**
 * Segment refresh and count: Weixi's `refreshSegment` (a first refresh that opens every stay, then a
 * refresh that changes nothing, with fresh statistics; once also right after the first, before the
 * statistics know the new stays) and `countSegmentPreview`, against the most direct SQL a DBA would write
 * for the same member set (materialised into a scratch table) and its count. The sets must be equal.
 */
import { countSegmentPreview, createSegment, monthStart, refreshSegment, type Clock, type SegmentCondition } from '@weixi/core';
import type { Database } from '@weixi/db';
import { check, median, round, timed, type Check } from './measure.js';
import { pgOf, type PgSql } from './setup.js';

interface Dates {
  today: string;
  in60Days: string;
  m0: string;
  m1: string;
  m3: string;
  m6: string;
}

interface BenchSegment {
  key: string;
  name: string;
  definition: SegmentCondition;
  /** The hand-written member query: one `customer_id` column. */
  members: (sql: PgSql, d: Dates) => ReturnType<PgSql>;
}

export const BENCH_SEGMENTS: BenchSegment[] = [
  {
    key: 'revenueDrop',
    name: 'bench: revenue down 30% over 3 months',
    definition: { metric: { metric: 'revenueCents', measure: 'changeRatio', months: 3, op: 'lte', value: -0.3 } },
    members: (sql, d) => sql`
      select customer_id from monthly_usage
      where month >= ${d.m6}::date and month < ${d.m0}::date
      group by customer_id
      -- No row in the recent months is a drop to 0 (missing months count as 0).
      having sum(revenue_cents) filter (where month < ${d.m3}::date) > 0
        and coalesce(sum(revenue_cents) filter (where month >= ${d.m3}::date), 0) <= 0.7 * sum(revenue_cents) filter (where month < ${d.m3}::date)`,
  },
  {
    key: 'zhejiangContract',
    name: 'bench: Zhejiang, contract ends within 60 days',
    definition: {
      and: [
        { region: { codes: ['ZJ'] } },
        { field: { field: 'contractEndsInDays', op: 'gte', value: '0' } },
        { field: { field: 'contractEndsInDays', op: 'lte', value: '60' } },
      ],
    },
    members: (sql, d) => sql`
      select c.id as customer_id from customers c
      where c.region_id in (select id from regions where path like '/ZJ/%')
        and c.contract_ends_on between ${d.today}::date and ${d.in60Days}::date`,
  },
  {
    key: 'orNotMix',
    name: 'bench: gold+ not campus, or suspended with a complaint',
    definition: {
      or: [
        { and: [{ tier: { in: ['diamond', 'gold'] } }, { not: { field: { field: 'isCampus', op: 'eq', value: 'true' } } }] },
        {
          and: [
            { field: { field: 'status', op: 'eq', value: 'suspended' } },
            { metric: { metric: 'complaints', measure: 'total', months: 1, op: 'gte', value: 1 } },
          ],
        },
      ],
    },
    // One usage row per customer and month: "complaints over the last month >= 1" is that month's row.
    members: (sql, d) => sql`
      select c.id as customer_id from customers c
      where (c.tier in ('diamond', 'gold') and not c.is_campus)
        or (c.status = 'suspended' and exists (
          select 1 from monthly_usage u where u.customer_id = c.id and u.month = ${d.m1}::date and u.complaints >= 1))`,
  },
];

export interface SegmentFigures {
  key: string;
  name: string;
  members: number;
  statementsPerRefresh: number;
  weixi: {
    firstRefreshMs: number;
    noChangeRefreshMs: number;
    /** One no-change refresh right after the first, before ANALYZE has seen the new stays; null: cancelled after the cap. */
    staleStatsNoChangeRefreshMs: number | null;
    countMs: number;
  };
  handwritten: { materialiseMs: number; countMs: number };
  /** Weixi / hand-written; a capped stale refresh gives a lower bound. */
  ratios: { firstRefresh: number; noChangeRefresh: number; staleStatsNoChangeRefresh: number; count: number };
  runsMs: Record<string, number[]>;
}

function datesOf(now: Date): Dates {
  const today = now.toISOString().slice(0, 10);
  const in60Days = new Date(Date.parse(`${today}T00:00:00Z`) + 60 * 86_400_000).toISOString().slice(0, 10);
  return { today, in60Days, m0: monthStart(now, 0), m1: monthStart(now, -1), m3: monthStart(now, -3), m6: monthStart(now, -6) };
}

/** Milliseconds of a refresh, or null when it ran past `capMs` and was cancelled (SQLSTATE 57014). */
async function capped(sql: PgSql, refresh: () => Promise<unknown>, capMs: number): Promise<number | null> {
  const timer = setTimeout(() => {
    sql`select pg_cancel_backend(pid) from pg_stat_activity
      where datname = current_database() and state = 'active' and pid <> pg_backend_pid() and query like '%with matched as%'`.catch(() => {});
  }, capMs);
  try {
    return (await timed(refresh)).ms;
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    if (e.code === '57014' || e.cause?.code === '57014') return null;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function benchOne(database: Database, clock: Clock, spec: BenchSegment, d: Dates, opts: SegmentOptions, checks: Check[]): Promise<SegmentFigures> {
  const { runs, capMs } = opts;
  const sql = pgOf(database);
  const { db } = database;
  const now = clock.now();
  const times: Record<string, number[]> = { weixiFirst: [], weixiNoChange: [], weixiCount: [], handMaterialise: [], handCount: [] };
  let statements = 0;
  let segmentId = 0;
  let last = { members: -1, noChange: { entered: 0, left: 0 }, preview: -1, handInserted: -1, handCount: -1 };
  let stale: number | null = null;
  // Each run refreshes a new segment for the first time (earlier runs' stays stay, as other segments would).
  // Run 0 warms caches and plans and is not counted; Weixi and hand-written runs alternate so drift hits both.
  for (let run = 0; run <= runs; run++) {
    segmentId = (await createSegment(db, clock, { name: `${spec.name} #${run}`, definition: spec.definition })).id;
    let counted = 0;
    const off = database.onStatement(() => counted++);
    const first = await timed(() => refreshSegment(db, segmentId, { now }));
    off();
    statements = counted;
    // Once: refreshing again at once, before any ANALYZE has seen the new stays.
    if (run === 0) stale = await capped(sql, () => refreshSegment(db, segmentId, { now }), capMs);
    // What autovacuum does before the next scheduled refresh: the steady-state no-change refresh.
    await sql`analyze segment_memberships`;
    const second = await timed(() => refreshSegment(db, segmentId, { now }));
    await sql`truncate bench_members`;
    const hand = await timed(() => sql`insert into bench_members (customer_id) ${spec.members(sql, d)}`);
    const preview = await timed(() => countSegmentPreview(db, spec.definition, { now }));
    const handCount = await timed(() => sql`select count(*)::int as n from (${spec.members(sql, d)}) members`);
    last = {
      members: first.value.memberCount,
      noChange: { entered: second.value.entered, left: second.value.left },
      preview: preview.value,
      handInserted: hand.value.count,
      handCount: handCount.value[0]!.n as number,
    };
    if (run === 0) continue;
    times.weixiFirst!.push(first.ms);
    times.weixiNoChange!.push(second.ms);
    times.handMaterialise!.push(hand.ms);
    times.weixiCount!.push(preview.ms);
    times.handCount!.push(handCount.ms);
  }
  const [diff] = await sql`
    with weixi as (select customer_id from segment_memberships where segment_id = ${segmentId} and left_at is null)
    select (select count(*)::int from (select customer_id from weixi except select customer_id from bench_members) a) as only_weixi,
      (select count(*)::int from (select customer_id from bench_members except select customer_id from weixi) b) as only_hand`;
  // Only the last run's segment stays (under the definition's name), for the customers page.
  await sql`delete from segments where starts_with(name, ${`${spec.name} #`}) and id <> ${segmentId}`;
  await sql`update segments set name = ${spec.name} where id = ${segmentId}`;
  await sql`vacuum analyze segment_memberships`;
  const counts = [last.members, last.preview, last.handInserted, last.handCount];
  checks.push(
    check(`${spec.key}: same member count`, counts.every((n) => n === counts[0]), `refresh ${last.members}, preview ${last.preview}, hand-written set ${last.handInserted}, hand-written count ${last.handCount}`),
    check(`${spec.key}: same member ids`, diff!.only_weixi === 0 && diff!.only_hand === 0, `only in Weixi: ${diff!.only_weixi}, only hand-written: ${diff!.only_hand}`),
    check(`${spec.key}: no-change refresh changes nothing`, last.noChange.entered === 0 && last.noChange.left === 0, `entered ${last.noChange.entered}, left ${last.noChange.left}`),
  );
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof times, number>;
  const figures: SegmentFigures = {
    key: spec.key,
    name: spec.name,
    members: last.members,
    statementsPerRefresh: statements,
    weixi: {
      firstRefreshMs: round(m.weixiFirst!),
      noChangeRefreshMs: round(m.weixiNoChange!),
      staleStatsNoChangeRefreshMs: stale === null ? null : round(stale),
      countMs: round(m.weixiCount!),
    },
    handwritten: { materialiseMs: round(m.handMaterialise!), countMs: round(m.handCount!) },
    ratios: {
      firstRefresh: round(m.weixiFirst! / m.handMaterialise!, 2),
      noChangeRefresh: round(m.weixiNoChange! / m.handMaterialise!, 2),
      staleStatsNoChangeRefresh: round((stale ?? capMs) / m.handMaterialise!, 2),
      count: round(m.weixiCount! / m.handCount!, 2),
    },
    runsMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => round(x))])),
  };
  const staleText = stale === null ? `> ${capMs} ms, cancelled` : `${round(stale)} ms`;
  console.log(`  ${spec.name}: ${figures.members.toLocaleString('en')} members; refresh ${figures.weixi.firstRefreshMs} ms, no change ${figures.weixi.noChangeRefreshMs} ms (before analyze: ${staleText}) vs hand ${figures.handwritten.materialiseMs} ms; count ${figures.weixi.countMs} vs ${figures.handwritten.countMs} ms`);
  return figures;
}

/**
 * Once per bench: the first refresh of a segment while the membership table is empty and PostgreSQL knows
 * it (a fresh install, or every segment deleted and vacuumed). Capped; the segment is deleted afterwards.
 */
async function emptyTableFirstRefresh(database: Database, clock: Clock, spec: BenchSegment, capMs: number): Promise<EmptyTableProbe> {
  const sql = pgOf(database);
  const segment = await createSegment(database.db, clock, { name: `${spec.name} (empty table)`, definition: spec.definition });
  const ms = await capped(sql, () => refreshSegment(database.db, segment.id, { now: clock.now() }), capMs);
  await sql`delete from segments where id = ${segment.id}`;
  await sql`vacuum analyze segment_memberships`;
  console.log(`  first refresh into an empty membership table (${spec.key}): ${ms === null ? `> ${capMs} ms, cancelled` : `${round(ms)} ms`}`);
  return { key: spec.key, ms: ms === null ? null : round(ms), capMs };
}

/**
 * Stays of a background segment (postpaid customers), written with one INSERT … SELECT: production
 * membership tables hold other segments' stays, and Weixi's own refresh into an empty table is the probe.
 */
async function backgroundStays(database: Database, clock: Clock): Promise<number> {
  const sql = pgOf(database);
  const segment = await createSegment(database.db, clock, { name: 'bench: background, postpaid', definition: { field: { field: 'paymentType', op: 'eq', value: 'postpaid' } } });
  const now = clock.now().toISOString();
  const [row] = await sql`
    with stays as (
      insert into segment_memberships (segment_id, customer_id, entered_at)
      select ${segment.id}, id, ${now}::timestamptz from customers where payment_type = 'postpaid'
      returning 1
    )
    update segments set member_count = (select count(*) from stays), refreshed_at = ${now}::timestamptz, refreshed_version = version
    where id = ${segment.id} returning member_count`;
  await sql`analyze segment_memberships`;
  return row!.member_count as number;
}

export interface SegmentOptions {
  runs: number;
  /** Single runs that can go quadratic are cancelled after this. */
  capMs: number;
}

export interface EmptyTableProbe {
  key: string;
  /** null: cancelled after capMs. */
  ms: number | null;
  capMs: number;
}

export async function benchSegments(database: Database, clock: Clock, opts: SegmentOptions): Promise<{ segments: SegmentFigures[]; emptyTable: EmptyTableProbe; backgroundStays: number; checks: Check[] }> {
  const sql = pgOf(database);
  // Segments of an earlier run (with --reuse) go, with their stays; then the planner knows the table is empty.
  await sql`delete from segments where name like 'bench: %'`;
  await sql`vacuum analyze segment_memberships`;
  await sql`drop table if exists bench_members`;
  // A plain logged table with a key, like segment_memberships: the hand-written side writes a set too.
  await sql`create table bench_members (customer_id int primary key)`;
  const emptyTable = await emptyTableFirstRefresh(database, clock, BENCH_SEGMENTS[0]!, opts.capMs);
  const background = await backgroundStays(database, clock);
  console.log(`  background: ${background.toLocaleString('en')} stays of another segment`);
  const d = datesOf(clock.now());
  const checks: Check[] = [];
  const segments: SegmentFigures[] = [];
  for (const spec of BENCH_SEGMENTS) segments.push(await benchOne(database, clock, spec, d, opts, checks));
  await sql`drop table bench_members`;
  return { segments, emptyTable, backgroundStays: background, checks };
}
