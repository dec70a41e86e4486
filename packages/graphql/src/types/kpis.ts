/**
 * KPIs in the API (考核管控), shaped for dashboards: `kpis(regionCode, month, by)` gives a region subtree's
 * figures for a month in total or one row per value of a dimension (child region, tier, tactic, warning rule,
 * channel, team, agent), with uplift against the control group; `kpiSettings` / `setKpiSettings` read and set a
 * region's churn definition, control-group shares and horizon (inherited down the tree).
 */
import { desc, eq } from 'drizzle-orm';
import { InputError, type Region } from '@weixi/core';
import { kpiReports } from '@weixi/db';
import { KPI_DIMENSIONS, kpiSettingsOfSubtree, kpisOf, setKpiSettings, type Interval, type KpiReport, type KpiRow, type Uplift } from '@weixi/kpis';
import type { WeixiBuilder } from '../builder.js';
import type { WeixiContext } from '../context.js';
import { regionToChange } from '../permissions.js';
import { enumOf } from './enums.js';

const regionFor = (ctx: WeixiContext, action: 'kpis' | 'kpiSettings', code: string) => regionToChange(ctx, action, code, 'regionCode') as Promise<Region>;

export function registerKpis(builder: WeixiBuilder): void {
  const Dimension = enumOf(builder, 'KpiDimension', KPI_DIMENSIONS, 'What KPI rows are split by.', {
    region: 'The child regions of the region asked for, each with its subtree (roll-up through the tree).',
    tier: 'Value tier.',
    tactic: 'The tactic of the tasks (uplift per tactic).',
    warningRule:
      'The warning rule (`plugin/rule`) of the warnings the tasks answer; uplift per rule: customers first warned by it in the month, treated by a planner task answering that warning within the horizon, against those held out of the rule.',
    channel: 'The channel of the tasks.',
    team: 'The team the tasks were dispatched to.',
    agent: 'The agent the tasks are assigned to.',
  });
  const IntervalRef = builder.objectRef<Interval>('KpiInterval').implement({
    description: 'A difference treated − control with its 95% confidence interval (normal approximation).',
    fields: (t) => ({ difference: t.exposeFloat('difference'), low: t.exposeFloat('low'), high: t.exposeFloat('high') }),
  });
  const UpliftRef = builder.objectRef<Uplift>('KpiUplift').implement({
    description: 'Treated against the control group held out of the same tactics (or warning rules): retention over the horizon and mean monthly revenue after it.',
    fields: (t) => ({
      treated: t.exposeInt('treated', { description: 'Sample size: (customer, tactic) pairs treated in the month; by warning rule, (customer, rule) pairs warned in the month and treated within the horizon.' }),
      control: t.exposeInt('control', { description: 'Sample size: pairs held out (of the tactic in the month, or of the rule) and not treated.' }),
      treatedRetained: t.exposeInt('treatedRetained'),
      controlRetained: t.exposeInt('controlRetained'),
      treatedRetentionRate: t.exposeFloat('treatedRetentionRate', { nullable: true }),
      controlRetentionRate: t.exposeFloat('controlRetentionRate', { nullable: true }),
      retention: t.expose('retention', { type: IntervalRef, nullable: true, description: 'Retention rate difference; null without both groups.' }),
      treatedRevenueCents: t.exposeFloat('treatedRevenueCents', { nullable: true }),
      controlRevenueCents: t.exposeFloat('controlRevenueCents', { nullable: true }),
      revenueCents: t.expose('revenueCents', { type: IntervalRef, nullable: true, description: 'Mean monthly revenue difference (Welch); null with fewer than 2 in a group.' }),
    }),
  });
  const Row = builder.objectRef<KpiRow>('KpiRow').implement({
    description: 'The figures of one value of the dimension (or the total). Customer figures are null by tactic, warning rule, channel, team and agent.',
    fields: (t) => ({
      key: t.exposeString('key', { description: 'A region code, tier, tactic, warning rule, channel, team name or agent id; `total` without a dimension; `-` for none.' }),
      customers: t.exposeInt('customers', { nullable: true, description: 'Customers at the start of the month (churn facts).' }),
      churned: t.exposeInt('churned', { nullable: true }),
      retentionRate: t.exposeFloat('retentionRate', { nullable: true, description: '保有率: 1 − churn rate.' }),
      churnRate: t.exposeFloat('churnRate', { nullable: true, description: '离网率: churned / customers.' }),
      warned: t.exposeInt('warned', { nullable: true, description: 'Customers first warned in the month.' }),
      warnedChurned: t.exposeInt('warnedChurned', { nullable: true }),
      churnedWarned: t.exposeInt('churnedWarned', { nullable: true }),
      warningPrecision: t.exposeFloat('warningPrecision', { nullable: true, description: 'Warned customers who churned within the horizon / warned.' }),
      warningRecall: t.exposeFloat('warningRecall', { nullable: true, description: 'Churned customers warned within the horizon before / churned.' }),
      tasks: t.exposeInt('tasks', { description: 'Tasks created in the month.' }),
      done: t.exposeInt('done'),
      retained: t.exposeInt('retained', { description: 'Tasks done with outcome RETAINED.' }),
      attempted: t.exposeInt('attempted'),
      reached: t.exposeInt('reached'),
      completionRate: t.exposeFloat('completionRate', { nullable: true }),
      successRate: t.exposeFloat('successRate', { nullable: true }),
      reachRate: t.exposeFloat('reachRate', { nullable: true }),
      costCents: t.exposeFloat('costCents', { description: 'Offer cost of the retained tasks.' }),
      costPerRetainedCents: t.exposeFloat('costPerRetainedCents', { nullable: true }),
      uplift: t.expose('uplift', { type: UpliftRef, nullable: true, description: 'Null by channel, team and agent (control customers have none).' }),
    }),
  });
  const Report = builder.objectRef<KpiReport>('KpiReport').implement({
    description: 'KPIs of a region subtree for a month.',
    fields: (t) => ({
      regionCode: t.string({ resolve: (r) => r.region.code }),
      month: t.exposeString('month'),
      by: t.field({ type: Dimension, nullable: true, resolve: (r) => r.by }),
      horizonMonths: t.exposeInt('horizonMonths', { description: "The region's horizon: months warnings, treatment and control are followed." }),
      rows: t.field({ type: [Row], resolve: (r) => r.rows }),
    }),
  });

  type ReportRow = typeof kpiReports.$inferSelect & { regionCode: string };
  const DailyReport = builder.objectRef<ReportRow>('KpiDailyReport').implement({
    description: 'A daily report (每日通报): the month to date with team and agent rankings, the last complete month with uplift.',
    fields: (t) => ({
      regionCode: t.exposeString('regionCode'),
      day: t.exposeString('day', { description: 'The local day it was made for (figures to the day before).' }),
      month: t.string({ description: 'The month of the month-to-date figures (YYYY-MM).', resolve: (r) => r.month.slice(0, 7) }),
      figures: t.field({ type: 'JSONObject', resolve: (r) => r.figures as never }),
      html: t.exposeString('html', { description: 'A self-contained HTML page with its charts (inline SVG).' }),
      csv: t.exposeString('csv'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  builder.queryFields((t) => ({
    kpiReports: t.field({
      type: [DailyReport],
      description: "A region's daily reports, newest first (made at 07:30 local by the kpis-report job).",
      args: { regionCode: t.arg.string({ required: true }), last: t.arg.int({ description: 'How many (1 to 31, default 7).' }) },
      resolve: async (_r, args, ctx) => {
        const region = await regionFor(ctx, 'kpis', args.regionCode);
        const last = args.last ?? 7;
        if (!(last >= 1 && last <= 31)) throw new InputError([{ path: 'last', message: `${last} is not from 1 to 31` }]);
        const rows = await ctx.database.db.select().from(kpiReports).where(eq(kpiReports.regionId, region.id)).orderBy(desc(kpiReports.day)).limit(last);
        return rows.map((r) => ({ ...r, regionCode: region.code }));
      },
    }),
    kpis: t.field({
      type: Report,
      description: 'KPIs of a region and the regions below it for a month (YYYY-MM), in total or by a dimension. Churn figures need the churn-facts job to have run.',
      args: { regionCode: t.arg.string({ required: true }), month: t.arg({ type: 'Month', required: true }), by: t.arg({ type: Dimension }) },
      resolve: async (_r, args, ctx) => {
        const region = await regionFor(ctx, 'kpis', args.regionCode);
        return kpisOf(ctx.database.db, region, args.month, args.by ?? null);
      },
    }),
    kpiSettings: t.field({
      type: 'JSONObject',
      description: "The KPI settings in force in a region (its own, inherited, defaults): churn definition, control-group shares, horizon.",
      args: { regionCode: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => {
        const region = await regionFor(ctx, 'kpis', args.regionCode);
        return (await kpiSettingsOfSubtree(ctx.database.db, region.path)).find((r) => r.regionId === region.id)!.settings as never;
      },
    }),
  }));

  builder.mutationFields((t) => ({
    setKpiSettings: t.field({
      type: 'JSONObject',
      description: 'Sets KPI settings of a region (a null value removes the key, which then inherits); returns the settings in force there.',
      args: { regionCode: t.arg.string({ required: true }), settings: t.arg({ type: 'JSONObject', required: true }) },
      resolve: async (_r, args, ctx) => {
        const region = await regionFor(ctx, 'kpiSettings', args.regionCode);
        if (typeof args.settings !== 'object' || args.settings === null) throw new InputError([{ path: 'settings', message: 'must be an object' }]);
        return setKpiSettings(ctx.database.db, region, args.settings, 'settings') as never;
      },
    }),
  }));
}
