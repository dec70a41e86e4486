/** The final text table and `results/latest.json` (see results/README.md for its fields). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { PageFigures } from './customers-page.js';
import type { Check, PhaseFigures } from './measure.js';
import type { EmptyTableProbe, SegmentFigures } from './segments.js';
import type { SetupFigures } from './setup.js';

export interface BenchResults {
  generatedAt: string;
  options: { customers: number; runs: number; pageRuns: number; capSeconds: number; reuse: boolean; now: string };
  environment: { node: string; cpus: number; postgres: string; jit: string; workMem: string };
  setup: SetupFigures;
  segments: SegmentFigures[];
  emptyTableFirstRefresh: EmptyTableProbe;
  backgroundStays: number;
  customersPage: PageFigures[];
  memory: { phases: PhaseFigures[]; total: PhaseFigures };
  checks: Check[];
  passed: boolean;
}

export const environment = (postgres: string, jit: string, workMem: string): BenchResults['environment'] => ({
  node: process.version,
  cpus: cpus().length,
  postgres,
  jit,
  workMem,
});

const n = (value: number) => value.toLocaleString('en');

export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? n(c) : c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  // First column left-aligned, figures right-aligned.
  const line = (r: (string | number)[]) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function printReport(r: BenchResults): void {
  const s = r.setup;
  const out: string[] = [];
  out.push(`Weixi bench: ${n(s.customers)} customers, ${n(s.usageRows)} usage rows, ${n(s.tasks)} tasks`);
  out.push(`PostgreSQL ${r.environment.postgres} (jit ${r.environment.jit}, work_mem ${r.environment.workMem}); Node ${r.environment.node}, ${r.environment.cpus} CPUs; now = ${r.options.now}`);
  out.push(s.reused ? `Setup: reused ${s.url}` : `Setup: seed ${s.seedSeconds} s, tiers ${s.tiersSeconds} s, tasks ${s.tasksSeconds} s (${s.url})`);
  out.push('', `Segments: median of ${r.options.runs} warm runs; ratio = Weixi / hand-written SQL (1.00 = as fast)`);
  const segRows: (string | number)[][] = [];
  for (const g of r.segments) {
    const name = g.name.replace(/^bench: /, '');
    segRows.push([name, g.members, 'refresh (first)', g.weixi.firstRefreshMs, g.handwritten.materialiseMs, g.ratios.firstRefresh.toFixed(2)]);
    segRows.push(['', '', 'refresh (no change)', g.weixi.noChangeRefreshMs, g.handwritten.materialiseMs, g.ratios.noChangeRefresh.toFixed(2)]);
    const stale = g.weixi.staleStatsNoChangeRefreshMs;
    const cap = r.options.capSeconds * 1000;
    segRows.push(['', '', 'refresh (no change, before analyze, 1 run)', stale ?? `> ${n(cap)}`, g.handwritten.materialiseMs, `${stale === null ? '> ' : ''}${g.ratios.staleStatsNoChangeRefresh.toFixed(2)}`]);
    segRows.push(['', '', 'count', g.weixi.countMs, g.handwritten.countMs, g.ratios.count.toFixed(2)]);
  }
  out.push(table(['segment', 'members', 'measure', 'Weixi ms', 'hand ms', 'ratio'], segRows));
  const probe = r.emptyTableFirstRefresh;
  const probeHand = r.segments.find((g) => g.key === probe.key)?.handwritten.materialiseMs;
  const probeRatio = probeHand ? ` (ratio ${probe.ms === null ? '> ' : ''}${((probe.ms ?? probe.capMs) / probeHand).toFixed(2)})` : '';
  out.push(`First refresh of ${probe.key} into an EMPTY membership table (fresh install; 1 run): ${probe.ms === null ? `> ${n(probe.capMs)} ms, cancelled` : `${n(probe.ms)} ms`}${probeRatio}`);
  out.push(`(the other refreshes run beside ${n(r.backgroundStays)} stays of a background segment, as in a database in use)`);
  const first = r.customersPage[0];
  if (first) {
    out.push('', `Customers page: first ${first.customers}, nested, over HTTP; median of ${r.options.pageRuns} warm runs; ratio = Weixi / one-statement baseline`);
    out.push(table(
      ['page', 'Weixi ms', 'baseline ms', 'ratio', 'SQL statements Weixi', 'baseline', 'response bytes'],
      r.customersPage.map((p) => [p.label, p.weixiMs, p.baselineMs, p.ratio.toFixed(2), p.weixiStatements, p.baselineStatements, p.responseBytes.weixi]),
    ));
  }
  out.push('', 'Node memory (RSS/heap peaks sampled every 20 ms; maxRSS is the process peak so far)');
  out.push(table(
    ['phase', 'seconds', 'RSS peak MB', 'heap used peak MB', 'maxRSS MB'],
    [...r.memory.phases, r.memory.total].map((m) => [m.phase, m.seconds, m.rssPeakMb, m.heapUsedPeakMb, m.maxRssSoFarMb]),
  ));
  const failed = r.checks.filter((c) => !c.ok);
  out.push('', failed.length ? `Checks: ${failed.length} of ${r.checks.length} FAILED` : `Checks: all ${r.checks.length} passed (equal results)`);
  for (const c of failed) out.push(`  FAILED ${c.name}: ${c.detail}`);
  console.log(`\n${out.join('\n')}`);
}

export function writeResults(r: BenchResults | object, name = 'latest.json'): string {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(name, dir);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file.pathname;
}
