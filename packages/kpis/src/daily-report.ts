/**
 * The daily report (每日通报): each province's and city's figures before 09:00 local, kept in `kpi_reports`
 * (one per region and local day; a rerun replaces it). Two parts: the month to date (tasks, completion,
 * success, reach, cost, and the team and agent rankings of the labour competition) and the last complete
 * month (retention and churn by child region, warning precision and recall, uplift by tactic), as HTML with
 * bar charts (inline SVG, no scripts) and as CSV.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { addMonths, monthStart } from './churn.js';
import { computeKpis, type KpiReport, type KpiRow } from './figures.js';
import { kpiSettingsOfSubtree } from './settings.js';
import { kpiRegions } from './job.js';

export const DAILY_REPORT_JOB = {
  id: 'kpi-report',
  description: 'The daily KPI report of each province and city, ready before 09:00 local',
  cron: '30 7 * * *',
  maxAttempts: 3,
};

/** Provinces and cities where KPIs are set up (a province's report rolls its cities up). */
export const dailyReportRegions = (db: Db) => kpiRegions(db, ['province', 'city']);

export interface DailyFigures {
  regionCode: string;
  /** The local day of the report; the month to date runs to the day before. */
  day: string;
  month: string;
  lastMonth: string;
  monthToDate: KpiRow;
  teams: KpiRow[];
  agents: KpiRow[];
  lastMonthTotal: KpiRow;
  lastMonthByRegion: KpiRow[];
  lastMonthByTactic: KpiRow[];
}

/** Ranked for the labour competition: retained tasks, then success rate, then name. */
export const ranked = (rows: readonly KpiRow[]): KpiRow[] =>
  [...rows].filter((r) => r.key !== '-').sort((a, b) => b.retained - a.retained || (b.successRate ?? -1) - (a.successRate ?? -1) || a.key.localeCompare(b.key));

const localDay = (now: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

/** A stored report: its row id (kept by a rerun of the day), figures, title, HTML and CSV. */
export interface DailyReport {
  id: number;
  figures: DailyFigures;
  title: string;
  html: string;
  csv: string;
}

/** The report's title (its HTML title and an email's subject). */
export const reportTitle = (f: Pick<DailyFigures, 'regionCode' | 'day'>) => `维系日报 ${f.regionCode} ${f.day}`;

/** Computes and stores the report of `region` for the local day at `now` (a rerun replaces it, keeping its id). */
export async function makeDailyReport(db: Db, region: { id: number; code: string; path: string; timeZone: string }, now: Date): Promise<DailyReport> {
  const day = localDay(now, region.timeZone);
  const yesterday = localDay(new Date(Date.parse(`${day}T12:00:00Z`) - 86_400_000), 'UTC');
  const month = yesterday.slice(0, 7);
  const lastMonth = addMonths(month, -1);
  const horizon = (await kpiSettingsOfSubtree(db, region.path)).find((r) => r.regionId === region.id)?.settings.horizonMonths ?? 3;
  const kpis = (m: string, by: Parameters<typeof computeKpis>[3]) => computeKpis(db, region, m, by, horizon);
  const [current, teams, agents, previous, byRegion, byTactic] = await Promise.all([
    kpis(month, null), kpis(month, 'team'), kpis(month, 'agent'), kpis(lastMonth, null), kpis(lastMonth, 'region'), kpis(lastMonth, 'tactic'),
  ]);
  const total = (r: KpiReport) => r.rows.find((x) => x.key === 'total')!;
  const figures: DailyFigures = {
    regionCode: region.code,
    day,
    month,
    lastMonth,
    monthToDate: total(current),
    teams: ranked(teams.rows),
    agents: ranked(agents.rows),
    lastMonthTotal: total(previous),
    lastMonthByRegion: byRegion.rows,
    lastMonthByTactic: byTactic.rows,
  };
  const html = reportHtml(figures);
  const csv = reportCsv(figures);
  const [stored] = await queryRows<{ id: number }>(db, sql`insert into kpi_reports (region_id, day, month, figures, html, csv, created_at)
    values (${region.id}, ${day}::date, ${monthStart(month)}::date, ${JSON.stringify(figures)}::jsonb, ${html}, ${csv}, ${now.toISOString()}::timestamptz)
    on conflict (region_id, day) do update set month = excluded.month, figures = excluded.figures, html = excluded.html, csv = excluded.csv, created_at = excluded.created_at
    returning id`);
  return { id: Number(stored!.id), figures, title: reportTitle(figures), html, csv };
}

export const describeDailyReport = ({ figures: f }: DailyReport) =>
  `report of ${f.regionCode} for ${f.day}: ${f.monthToDate.tasks} tasks this month, ${f.teams.length} teams and ${f.agents.length} agents ranked`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const percent = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const yuan = (cents: number | null) => (cents === null ? '-' : (cents / 100).toFixed(2));

/** A horizontal bar chart as inline SVG: one bar per label, scaled to the largest value. */
export function barChart(title: string, bars: ReadonlyArray<{ label: string; value: number; shown: string }>): string {
  const width = 480;
  const row = 22;
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const body = bars
    .map((b, i) => {
      const y = 24 + i * row;
      const w = Math.max(0, Math.round((b.value / max) * 260));
      return `<text x="0" y="${y + 14}" font-size="12">${escape(b.label)}</text><rect x="140" y="${y + 3}" width="${w}" height="14" fill="#2b6cb0"/><text x="${146 + w}" y="${y + 14}" font-size="12">${escape(b.shown)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escape(title)}" width="${width}" height="${30 + bars.length * row}"><text x="0" y="14" font-size="13" font-weight="bold">${escape(title)}</text>${body}</svg>`;
}

function table(headers: string[], rows: string[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const ranking = (rows: KpiRow[]) => table(['#', '', 'tasks', 'done', 'retained', 'success', 'reach'], rows.map((r, i) => [String(i + 1), r.key, String(r.tasks), String(r.done), String(r.retained), percent(r.successRate), percent(r.reachRate)]));

export function reportHtml(f: DailyFigures): string {
  const m = f.monthToDate;
  const l = f.lastMonthTotal;
  const uplift = (r: KpiRow) => (r.uplift?.retention ? `${(r.uplift.retention.difference * 100).toFixed(1)} pts [${(r.uplift.retention.low * 100).toFixed(1)}, ${(r.uplift.retention.high * 100).toFixed(1)}]` : '-');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(reportTitle(f))}</title>
<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:nth-child(2),th:nth-child(2){text-align:left}</style></head>
<body>
<h1>${escape(`维系日报 (daily retention report) ${f.regionCode}, ${f.day}`)}</h1>
<h2>${escape(`${f.month} to date`)}</h2>
${table(['', 'tasks', 'done', 'completion', 'success', 'reach', 'cost per retained (yuan)'], [['total', String(m.tasks), String(m.done), percent(m.completionRate), percent(m.successRate), percent(m.reachRate), yuan(m.costPerRetainedCents)]])}
${barChart('Retained tasks by team', f.teams.map((t) => ({ label: t.key, value: t.retained, shown: String(t.retained) })))}
<h3>Teams (劳动竞赛)</h3>
${ranking(f.teams)}
<h3>Agents</h3>
${ranking(f.agents)}
<h2>${escape(`${f.lastMonth} (last complete month)`)}</h2>
${table(['', 'customers', 'churned', 'retention (保有率)', 'churn (离网率)', 'warning precision', 'warning recall'], [l, ...f.lastMonthByRegion].map((r) => [r.key, String(r.customers ?? '-'), String(r.churned ?? '-'), percent(r.retentionRate), percent(r.churnRate), percent(r.warningPrecision), percent(r.warningRecall)]))}
${barChart('Retention rate by region', f.lastMonthByRegion.map((r) => ({ label: r.key, value: r.retentionRate ?? 0, shown: percent(r.retentionRate) })))}
<h3>Uplift against the control group</h3>
${table(['', 'treated', 'control', 'treated retention', 'control retention', 'uplift (95% CI)', 'revenue difference (yuan/month)'], f.lastMonthByTactic.map((r) => [r.key, String(r.uplift?.treated ?? 0), String(r.uplift?.control ?? 0), percent(r.uplift?.treatedRetentionRate ?? null), percent(r.uplift?.controlRetentionRate ?? null), uplift(r), yuan(r.uplift?.revenueCents?.difference ?? null)]))}
</body></html>
`;
}

const CSV_HEADER = ['section', 'key', 'rank', 'customers', 'churned', 'retentionRate', 'churnRate', 'warningPrecision', 'warningRecall', 'tasks', 'done', 'retained', 'completionRate', 'successRate', 'reachRate', 'costPerRetainedCents', 'treated', 'control', 'retentionUplift', 'retentionUpliftLow', 'retentionUpliftHigh', 'revenueUpliftCents'];

export function reportCsv(f: DailyFigures): string {
  const field = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const line = (section: string, r: KpiRow, rank: number | null) =>
    [section, r.key, rank, r.customers, r.churned, r.retentionRate, r.churnRate, r.warningPrecision, r.warningRecall, r.tasks, r.done, r.retained, r.completionRate, r.successRate, r.reachRate, r.costPerRetainedCents,
      r.uplift?.treated, r.uplift?.control, r.uplift?.retention?.difference, r.uplift?.retention?.low, r.uplift?.retention?.high, r.uplift?.revenueCents?.difference].map(field).join(',');
  return `${[
    CSV_HEADER.join(','),
    line(`${f.month} to date`, f.monthToDate, null),
    ...f.teams.map((r, i) => line(`${f.month} teams`, r, i + 1)),
    ...f.agents.map((r, i) => line(`${f.month} agents`, r, i + 1)),
    line(f.lastMonth, f.lastMonthTotal, null),
    ...f.lastMonthByRegion.map((r) => line(`${f.lastMonth} regions`, r, null)),
    ...f.lastMonthByTactic.map((r) => line(`${f.lastMonth} tactics`, r, null)),
  ].join('\n')}\n`;
}
