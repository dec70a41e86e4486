/**
 * `warningBacktest`: how often each warning rule, and the combined risk, would have been right as of a
 * past month (see `PluginHost.backtestWarnings`). Region-scoped like everything else: an operator names a
 * region of its own; only an admin may judge every region at once.
 */
import type { WarningBacktest, WarningBacktestFigures as BacktestFigures } from '@weixi/core';
import type { WeixiBuilder } from '../builder.js';
import { regionToChange } from '../permissions.js';
import type { Refs } from './refs.js';

type RuleFigures = WarningBacktest['rules'][number];

export function registerWarningBacktest(builder: WeixiBuilder, refs: Refs): void {
  const Top = builder.objectRef<BacktestFigures['top']>('WarningBacktestTop').implement({
    description: 'The highest-scored flagged customers, at most the top 10% of the population: whom an operator would call first (alert precision).',
    fields: (t) => ({
      customers: t.exposeInt('customers'),
      churned: t.exposeInt('churned'),
      precision: t.exposeFloat('precision', { nullable: true }),
      lift: t.exposeFloat('lift', { nullable: true }),
    }),
  });
  const Figures = builder.objectRef<BacktestFigures>('WarningBacktestFigures').implement({
    description: 'How a set of flags compares with who churned.',
    fields: (t) => ({
      flagged: t.exposeInt('flagged', { description: 'Customers of the population flagged.' }),
      churned: t.exposeInt('churned', { description: 'Of them, churned within the horizon.' }),
      precision: t.exposeFloat('precision', { nullable: true, description: 'churned / flagged; null when nobody was flagged.' }),
      recall: t.exposeFloat('recall', { nullable: true, description: 'Flagged churners / all churners; null when nobody churned.' }),
      lift: t.exposeFloat('lift', { nullable: true, description: 'Precision over the base churn rate.' }),
      top: t.field({ type: Top, resolve: (f) => f.top }),
    }),
  });
  const Rule = builder.objectRef<RuleFigures>('WarningRuleBacktest').implement({
    description: 'One rule as its plugin is configured in the cities where it is enabled.',
    fields: (t) => ({
      pluginId: t.exposeString('pluginId'),
      ruleId: t.exposeString('ruleId'),
      rule: t.string({ description: '`<pluginId>/<ruleId>`.', resolve: (r) => `${r.pluginId}/${r.ruleId}` }),
      title: t.exposeString('title'),
      cities: t.exposeStringList('cities', { description: 'The cities of the region where the rule was evaluated (its plugin is enabled there).' }),
      figures: t.field({ type: Figures, resolve: (r) => r }),
    }),
  });
  const Backtest = builder.objectRef<WarningBacktest>('WarningBacktest').implement({
    description: 'Warning rules judged as of a past month against who churned in the months after it.',
    fields: (t) => ({
      asOf: t.exposeString('asOfMonth', { description: 'The last complete month the rules counted (YYYY-MM).' }),
      horizon: t.exposeInt('horizonMonths', { description: 'Months after `asOf` in which a churn counts.' }),
      region: t.field({ type: refs.Region, nullable: true, description: 'The region judged; null: every region.', resolve: (b, _a, ctx) => (b.regionId === null ? null : ctx.loaders.region.load(b.regionId)) }),
      monthsWithoutRevenue: t.int({
        nullable: true,
        description: 'Churned also means this many months in a row without revenue in the horizon; null: status churned only.',
        resolve: (b) => b.churn.monthsWithoutRevenue,
      }),
      population: t.exposeInt('population', { description: 'Customers active at the end of `asOf`.' }),
      churned: t.exposeInt('churned', { description: 'Of them, churned within the horizon.' }),
      baseRate: t.exposeFloat('baseRate', { nullable: true, description: 'churned / population.' }),
      topSize: t.exposeInt('topSize', { description: 'The top 10% of the population, rounded up: how many the top figures rank.' }),
      rules: t.field({ type: [Rule], resolve: (b) => b.rules }),
      combined: t.field({ type: Figures, description: 'The combined risk (as `Customer.churnRisk`, weights included) over every rule.', resolve: (b) => b.combined }),
    }),
  });

  builder.queryField('warningBacktest', (t) =>
    t.field({
      type: Backtest,
      description:
        'How often each warning rule enabled in the region would have been right: the rules evaluated as of `asOf` (with hindsight: customers who churned since count as the customers they were) against who churned in the `horizon` months after it. Read-only.',
      args: {
        asOf: t.arg.string({ required: true, description: 'YYYY-MM, a month with usage recorded; the horizon after it must have ended.' }),
        horizon: t.arg.int({ required: true, description: '1 to 12 months.' }),
        region: t.arg.string({ description: 'Region code; omitted: every region (admins only).' }),
        monthsWithoutRevenue: t.arg.int({ description: 'Override the configured churn definition: months in a row without revenue that count as churn (0: status churned only).' }),
      },
      resolve: async (_root, args, ctx) => {
        const region = await regionToChange(ctx, 'backtest', args.region ?? null, 'region');
        if (!ctx.plugins) throw new Error('warning backtests need the plugin host, which this server does not run');
        return ctx.plugins.backtestWarnings({
          regionCode: region?.code ?? null,
          asOfMonth: args.asOf,
          horizonMonths: args.horizon,
          ...(args.monthsWithoutRevenue == null ? {} : { monthsWithoutRevenue: args.monthsWithoutRevenue }),
        });
      },
    }),
  );
}
