/**
 * `pnpm bench warnings [-- --customers N] [--reuse] [--runs R]`: every warning-rule plugin enabled on every
 * region, one full run (each rule's job in each city, through the plugin host and the job runner) against
 * ONE hand-written statement writing the same warnings. Prints the figures and writes
 * results/warnings-latest.json. Only correctness (equal rows, every job succeeded) fails the run.
 */
import { parseArgs } from 'node:util';
import type { Clock } from '@weixi/core';
import { PhaseMeter, type Check, type PhaseFigures } from '../measure.js';
import { environment, table, writeResults, type BenchResults } from '../report.js';
import { BENCH_NOW, pgOf, setupBenchDatabase, type SetupFigures } from '../setup.js';
import { benchWarnings, type WarningFigures } from './bench.js';
import { runDates, type RunDates } from './dates.js';
import { addWarningFacts, type PopulationFigures } from './population.js';
import { startWeixi } from './weixi.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'warnings'),
  options: {
    customers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    reuse: { type: 'boolean', default: false },
  },
});
const count = (name: 'customers' | 'runs') => {
  const value = Number(values[name]!.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(values[name])}`);
  return value;
};
const options = { customers: count('customers'), runs: count('runs'), reuse: values.reuse!, now: BENCH_NOW.toISOString() };
const url = process.env.WEIXI_BENCH_WARNINGS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_warnings';
const clock: Clock = { now: () => new Date(BENCH_NOW) };

interface WarningResults {
  generatedAt: string;
  options: typeof options & { asOfMonth: string; day: string };
  environment: BenchResults['environment'];
  setup: SetupFigures;
  population: PopulationFigures;
  enabledOn: string[];
  warnings: WarningFigures;
  memory: { phases: PhaseFigures[]; total: PhaseFigures };
  checks: Check[];
  passed: boolean;
}

function print(r: WarningResults): void {
  const w = r.warnings;
  const n = (x: number) => x.toLocaleString('en');
  const out = [
    `Warnings bench: ${n(r.setup.customers)} customers, ${n(r.setup.usageRows)} usage rows, ${n(r.population.events)} events (${n(r.population.portOutInquiries)} port-out inquiries), ${n(r.population.devicePurchaseDates)} handset purchase dates`,
    `PostgreSQL ${r.environment.postgres} (jit ${r.environment.jit}, work_mem ${r.environment.workMem}); Node ${r.environment.node}, ${r.environment.cpus} CPUs; now = ${r.options.now}, day ${r.options.day}, as of ${r.options.asOfMonth}`,
    `Every warning rule enabled on ${r.enabledOn.join(', ')}; one full run = ${w.weixi.jobs} jobs; median of ${r.options.runs} warm runs each into an empty warnings table`,
    '',
    table(['side', 'median ms', 'runs ms', 'ratio', 'Node RSS peak MB'], [
      ['Weixi (queue every job, drain the runner)', w.weixi.medianMs, w.weixi.runsMs.join(' / '), w.ratio.toFixed(2), w.weixi.rssPeakMb],
      [`  of which the engine statements (${w.weixi.engineStatements})`, w.weixi.engineStatementsMs, '', '', ''],
      ['hand-written (one statement)', w.handwritten.medianMs, w.handwritten.runsMs.join(' / '), '1.00', w.handwritten.rssPeakMb],
    ]),
    `Weixi sent ${n(w.weixi.statements)} SQL statements per run; ${n(w.rows)} warnings written. Time per kind of statement (last run):`,
    table(['statement', 'count', 'ms'], w.weixi.statementKinds.slice(0, 8).map((k) => [k.statement, k.count, k.ms])),
    '',
    table(['rule', 'rows', 'Weixi statements ms (all cities)'], w.rules.map((rule) => [`${rule.pluginId}/${rule.ruleId}`, rule.rows, rule.weixiStatementsMs ?? 'shared'])),
    '',
    table(['phase', 'seconds', 'RSS peak MB', 'heap used peak MB', 'maxRSS MB'], [...r.memory.phases, r.memory.total].map((m) => [m.phase, m.seconds, m.rssPeakMb, m.heapUsedPeakMb, m.maxRssSoFarMb])),
  ];
  const failed = r.checks.filter((c) => !c.ok);
  out.push('', failed.length ? `Checks: ${failed.length} of ${r.checks.length} FAILED` : `Checks: all ${r.checks.length} passed (equal rows)`);
  for (const c of failed) out.push(`  FAILED ${c.name}: ${c.detail}`);
  console.log(`\n${out.join('\n')}`);
}

const meter = new PhaseMeter();
const { database, figures: setup } = await meter.phase('setup', () => setupBenchDatabase({ ...options, url }));
try {
  const sql = pgOf(database);
  const zones = await sql`select distinct time_zone from regions`;
  if (zones.length !== 1) throw new Error(`the hand-written statement uses one day for every region; the regions have ${zones.length} time zones`);
  const dates: RunDates = runDates(BENCH_NOW, zones[0]!.time_zone as string);
  const population = await meter.phase('warning facts', () => addWarningFacts(database, dates));
  const side = await meter.phase('platform start', () => startWeixi(database, clock));
  try {
    const [settings] = await sql`select current_setting('server_version') as version, current_setting('jit') as jit, current_setting('work_mem') as work_mem`;
    const bench = await meter.phase('warning runs', () => benchWarnings(side, database, dates, BENCH_NOW, options.runs));
    const results: WarningResults = {
      generatedAt: new Date().toISOString(),
      options: { ...options, asOfMonth: dates.m.slice(0, 7), day: dates.day },
      environment: environment(String(settings!.version), String(settings!.jit), String(settings!.work_mem)),
      setup,
      population,
      enabledOn: side.roots,
      warnings: bench.figures,
      memory: { phases: meter.phases, total: meter.total() },
      checks: bench.checks,
      passed: bench.checks.every((c) => c.ok),
    };
    print(results);
    console.log(`\nwrote ${writeResults(results, 'warnings-latest.json')}`);
    if (!results.passed) process.exitCode = 1;
  } finally {
    await side.close();
  }
} finally {
  await database.close();
}
