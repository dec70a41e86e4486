/**
 * `pnpm bench [-- --customers N] [--reuse] [--runs R] [--page-runs P] [--cap S]`: sets up the bench database, measures
 * segment refresh/count and the customers page against hand-written SQL, prints the figures and writes
 * results/latest.json. Only correctness checks (equal results) fail the run; timings are never asserted.
 */
import { parseArgs } from 'node:util';
import type { Clock } from '@weixi/core';
import { benchCustomersPage, type PageFigures } from './customers-page.js';
import { PhaseMeter, type Check } from './measure.js';
import { environment, printReport, writeResults, type BenchResults } from './report.js';
import { benchSegments } from './segments.js';
import { BENCH_NOW, pgOf, setupBenchDatabase } from './setup.js';

const { values } = parseArgs({
  // pnpm may pass the `--` separator through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    customers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'page-runs': { type: 'string', default: '15' },
    cap: { type: 'string', default: '60' },
    reuse: { type: 'boolean', default: false },
  },
});

function count(name: string, text: string): number {
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(text)}`);
  return value;
}

const options = {
  customers: count('customers', values.customers!),
  runs: count('runs', values.runs!),
  pageRuns: count('page-runs', values['page-runs']!),
  capSeconds: count('cap', values.cap!),
  reuse: values.reuse!,
  now: BENCH_NOW.toISOString(),
};
const clock: Clock = { now: () => new Date(BENCH_NOW) };
const meter = new PhaseMeter();
const checks: Check[] = [];

const { database, figures: setup } = await meter.phase('setup', () => setupBenchDatabase(options));
try {
  const [settings] = await pgOf(database)`select current_setting('server_version') as version, current_setting('jit') as jit, current_setting('work_mem') as work_mem`;
  const segments = await meter.phase('segments', async () => {
    const result = await benchSegments(database, clock, { runs: options.runs, capMs: options.capSeconds * 1000 });
    checks.push(...result.checks);
    return result;
  });
  const customersPage: PageFigures[] = await meter.phase('customers page', async () => {
    const result = await benchCustomersPage(database, clock, options.pageRuns);
    checks.push(...result.checks);
    return result.pages;
  });
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    options,
    environment: environment(String(settings!.version), String(settings!.jit), String(settings!.work_mem)),
    setup,
    segments: segments.segments,
    emptyTableFirstRefresh: segments.emptyTable,
    backgroundStays: segments.backgroundStays,
    customersPage,
    memory: { phases: meter.phases, total: meter.total() },
    checks,
    passed: checks.every((c) => c.ok),
  };
  printReport(results);
  console.log(`\nwrote ${writeResults(results)}`);
  if (!results.passed) process.exitCode = 1;
} finally {
  await database.close();
}
