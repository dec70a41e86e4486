/**
 * Timed full runs, Weixi and hand-written alternating, each into an empty `warnings` table; the row sets of
 * the last runs must be equal (EXCEPT ALL both ways on every column the rules compute).
 */
import { performance } from 'node:perf_hooks';
import type { Database } from '@weixi/db';
import { check, median, round, sampledPeaks, timed, type Check } from '../measure.js';
import { pgOf, type PgSql } from '../setup.js';
import type { RunDates } from './dates.js';
import { HANDWRITTEN_RULES, handwrittenRun } from './handwritten.js';
import { weixiFullRun, type WeixiSide } from './weixi.js';

export interface RuleRows {
  pluginId: string;
  ruleId: string;
  rows: number;
  handRows: number;
  /**
   * Weixi: the rule's engine statements (one per city) summed, median over the timed runs, ms; null when
   * the rules share their statements (the host runs the rules due together).
   */
  weixiStatementsMs: number | null;
}

export interface WarningFigures {
  weixi: {
    medianMs: number;
    runsMs: number[];
    /** Job runs per full run (rules × cities). */
    jobs: number;
    /** SQL statements Weixi sent during one full run (runner bookkeeping included). */
    statements: number;
    /** The last run's statements by kind (first words), most time first. */
    statementKinds: StatementKind[];
    /** The engine's upsert statements alone, summed over the run: median, ms. */
    engineStatementsMs: number;
    /** How many engine statements a run sent. */
    engineStatements: number;
    /** Node's RSS and heap peaks over the timed Weixi runs, MB. */
    rssPeakMb: number;
    heapUsedPeakMb: number;
  };
  handwritten: { medianMs: number; runsMs: number[]; rssPeakMb: number };
  /** Weixi / hand-written medians. */
  ratio: number;
  rows: number;
  rules: RuleRows[];
}

/** One timed Weixi run, with each engine statement's share: the time until the next statement was sent. */
export interface StatementKind {
  /** The statement's first words. */
  statement: string;
  count: number;
  ms: number;
}

/**
 * One timed Weixi run. Statements go one after the other, so each one's time is taken as the time until the
 * next one was sent (its result's handling in Node included): per engine statement, and per kind of statement.
 * Quadratic in the statements of a run, which are a few hundred.
 */
async function weixiRun(side: WeixiSide, database: Database): Promise<{ ms: number; jobs: number; engineMs: number[]; kinds: StatementKind[]; failed: string[] }> {
  const sent: Array<{ at: number; text: string }> = [];
  const off = database.onStatement((text) => sent.push({ at: performance.now(), text }));
  const run = await timed(() => weixiFullRun(side, database));
  off();
  const end = sent[0]!.at + run.ms; // close enough: the run started just before its first statement
  // The lease heartbeat is sent beside the statement in flight: it takes no time from the chain.
  const beside = (text: string) => text.startsWith('update "job_runs" set "lease_until"');
  const spent = sent.map((s, i) => {
    const next = sent.slice(i + 1).find((n) => !beside(n.text))?.at ?? end;
    return { text: s.text.replace(/\s+/g, ' ').trim(), ms: beside(s.text) ? 0 : next - s.at };
  });
  const engineMs = spent.filter((s) => s.text.startsWith('with hits as materialized')).map((s) => s.ms);
  const kinds = new Map<string, StatementKind>();
  for (const s of spent) {
    const statement = s.text.slice(0, 70);
    const kind = kinds.get(statement) ?? { statement, count: 0, ms: 0 };
    kind.count++;
    kind.ms += s.ms;
    kinds.set(statement, kind);
  }
  const byTime = [...kinds.values()].sort((a, b) => b.ms - a.ms).map((k) => ({ ...k, ms: round(k.ms) }));
  return { ms: run.ms, jobs: run.value.jobs, engineMs, kinds: byTime, failed: run.value.failed };
}

async function rowsPerRule(sql: PgSql): Promise<Map<string, number>> {
  const rows = await sql`select plugin_id, rule_id, count(*)::int as n from warnings group by 1, 2`;
  return new Map(rows.map((r) => [`${r.plugin_id}/${r.rule_id}`, r.n as number]));
}

const COLUMNS = 'customer_id, plugin_id, rule_id, region_id, level, score, reason, evidence';

/** Rows of `a` missing from `b` (EXCEPT ALL): the count and the first few. */
async function missing(sql: PgSql, a: string, b: string): Promise<{ count: number; first: string[] }> {
  const diff = `select ${COLUMNS} from ${a} except all select ${COLUMNS} from ${b}`;
  const [{ n }] = (await sql.unsafe(`select count(*)::int as n from (${diff}) d`)) as unknown as [{ n: number }];
  const first = await sql.unsafe(`select * from (${diff}) d order by plugin_id, rule_id, customer_id limit 5`);
  return { count: n, first: first.map((r) => JSON.stringify(r)) };
}

export async function benchWarnings(side: WeixiSide, database: Database, d: RunDates, now: Date, runs: number): Promise<{ figures: WarningFigures; checks: Check[] }> {
  const sql = pgOf(database);
  const checks: Check[] = [];
  const times = { weixi: [] as number[], hand: [] as number[], engine: [] as number[] };
  const perRule = new Map<string, number[]>();
  let weixiPeaks = { rssPeakMb: 0, heapUsedPeakMb: 0 };
  let handRss = 0;
  let last = { jobs: 0, engineStatements: 0, kinds: [] as StatementKind[], weixiRows: new Map<string, number>(), handRows: 0 };
  const ruleOrder = side.plugins.flatMap((p) => p.rules.map((r) => `${p.id}/${r}`));
  await sql`drop table if exists bench_weixi_warnings`;
  // Run 0 warms caches and plans and is not counted; Weixi and hand-written alternate so drift hits both.
  for (let run = 0; run <= runs; run++) {
    await sql`truncate warnings`;
    const w = await sampledPeaks(() => weixiRun(side, database));
    if (w.value.failed.length > 0) throw new Error(`Weixi job runs failed: ${w.value.failed.join('; ')}`);
    const weixiRows = await rowsPerRule(sql);
    if (run === runs) await sql.unsafe(`create table bench_weixi_warnings as select ${COLUMNS} from warnings`);
    await sql`truncate warnings`;
    const h = await sampledPeaks(() => timed(() => handwrittenRun(sql, d, now)));
    last = { jobs: w.value.jobs, engineStatements: w.value.engineMs.length, kinds: w.value.kinds, weixiRows, handRows: h.value.value.count };
    console.log(`  run ${run}${run === 0 ? ' (warm-up)' : ''}: Weixi ${round(w.value.ms)} ms (${w.value.jobs} jobs, ${w.value.kinds.reduce((a, k) => a + k.count, 0)} statements), hand-written ${round(h.value.ms)} ms; rows ${[...weixiRows.values()].reduce((a, b) => a + b, 0)} / ${h.value.value.count}`);
    if (run === 0) continue;
    times.weixi.push(w.value.ms);
    times.hand.push(h.value.ms);
    times.engine.push(w.value.engineMs.reduce((a, b) => a + b, 0));
    // The runner runs the jobs in the order they were queued: plugin by plugin, rule by rule, city by city.
    const cities = w.value.engineMs.length / ruleOrder.length;
    if (cities > 1 && Number.isInteger(cities)) ruleOrder.forEach((key, i) => perRule.set(key, [...(perRule.get(key) ?? []), w.value.engineMs.slice(i * cities, (i + 1) * cities).reduce((a, b) => a + b, 0)]));
    weixiPeaks = { rssPeakMb: Math.max(weixiPeaks.rssPeakMb, w.rssPeakMb), heapUsedPeakMb: Math.max(weixiPeaks.heapUsedPeakMb, w.heapUsedPeakMb) };
    handRss = Math.max(handRss, h.rssPeakMb);
  }

  const expected = HANDWRITTEN_RULES.map(([p, r]) => `${p}/${r}`).sort();
  checks.push(check('warnings: the hand-written statement covers every rule', JSON.stringify([...ruleOrder].sort()) === JSON.stringify(expected), `Weixi runs ${ruleOrder.join(', ')}; the statement computes ${expected.join(', ')}`));
  const onlyWeixi = await missing(sql, 'bench_weixi_warnings', 'warnings');
  const onlyHand = await missing(sql, 'warnings', 'bench_weixi_warnings');
  const handRows = await rowsPerRule(sql);
  const weixiTotal = [...last.weixiRows.values()].reduce((a, b) => a + b, 0);
  checks.push(
    check('warnings: same rows', onlyWeixi.count === 0 && onlyHand.count === 0,
      `Weixi ${weixiTotal} rows, hand-written ${last.handRows}; only in Weixi ${onlyWeixi.count}${onlyWeixi.first.map((r) => `\n      ${r}`).join('')}\n    only hand-written ${onlyHand.count}${onlyHand.first.map((r) => `\n      ${r}`).join('')}`),
    check('warnings: some rows for every rule', ruleOrder.every((k) => (last.weixiRows.get(k) ?? 0) > 0), ruleOrder.map((k) => `${k} ${last.weixiRows.get(k) ?? 0}`).join(', ')),
  );
  await sql`drop table bench_weixi_warnings`;
  await sql`truncate warnings`;

  const weixiMs = median(times.weixi);
  const handMs = median(times.hand);
  const figures: WarningFigures = {
    weixi: {
      medianMs: round(weixiMs),
      runsMs: times.weixi.map((x) => round(x)),
      jobs: last.jobs,
      statements: last.kinds.reduce((a, k) => a + k.count, 0),
      statementKinds: last.kinds,
      engineStatementsMs: round(median(times.engine)),
      engineStatements: last.engineStatements,
      ...weixiPeaks,
    },
    handwritten: { medianMs: round(handMs), runsMs: times.hand.map((x) => round(x)), rssPeakMb: handRss },
    ratio: round(weixiMs / handMs, 2),
    rows: weixiTotal,
    rules: ruleOrder.map((key) => {
      const [pluginId, ruleId] = key.split('/') as [string, string];
      return { pluginId, ruleId, rows: last.weixiRows.get(key) ?? 0, handRows: handRows.get(key) ?? 0, weixiStatementsMs: perRule.has(key) ? round(median(perRule.get(key)!)) : null };
    }),
  };
  return { figures, checks };
}
