/**
 * `churnModels`: the churn models trained per region (`weixi model train`), with their cross-validated
 * figures; and `ChurnRisk.factors`, the top factors of a customer's model score. Region-scoped: an operator
 * sees the models of its regions and of their ancestors (the model its cities are scored with).
 */
import type { StoredChurnModel } from '@weixi/sdk';
import type { WeixiBuilder } from '../builder.js';
import { regionToChange } from '../permissions.js';

type Metrics = StoredChurnModel['metrics'];

export function registerChurnModels(builder: WeixiBuilder): void {
  const Bin = builder.objectRef<Metrics['calibration'][number]>('ChurnModelCalibrationBin').implement({
    description: 'One equal-count bin of out-of-fold predictions.',
    fields: (t) => ({
      predicted: t.exposeFloat('predicted', { description: 'Mean predicted churn probability.' }),
      observed: t.exposeFloat('observed', { description: 'Observed churn rate.' }),
      count: t.exposeFloat('count', { description: 'Customers in the bin (averaged over the repeats).' }),
    }),
  });
  const Importance = builder.objectRef<Metrics['importances'][number]>('ChurnModelImportance').implement({
    fields: (t) => ({ feature: t.exposeString('feature'), importance: t.exposeFloat('importance', { description: 'Share of the model, the shares summing to 1.' }) }),
  });
  const Candidate = builder.objectRef<Metrics['candidates'][number]>('ChurnModelCandidate').implement({
    fields: (t) => ({ label: t.exposeString('label'), auc: t.exposeFloat('auc', { description: 'Mean cross-validated AUC.' }) }),
  });
  const Model = builder.objectRef<StoredChurnModel & { pluginId?: string; ruleId?: string }>('ChurnModel').implement({
    description: 'A churn model version trained on a region subtree\'s customers with known outcomes; its cities (and those of its descendants without their own) are scored with the latest version.',
    fields: (t) => ({
      id: t.exposeInt('id'),
      rule: t.string({ description: '`<pluginId>/<ruleId>` of the model rule.', resolve: (m) => `${m.pluginId}/${m.ruleId}` }),
      regionCode: t.exposeString('regionCode', { description: 'The region whose subtree it was trained on.' }),
      version: t.exposeInt('version'),
      kind: t.exposeString('kind', { description: '`logistic` or `boosting`.' }),
      label: t.exposeString('label', { description: 'The candidate chosen by cross-validation.' }),
      asOf: t.exposeString('asOfMonth', { description: 'The month the features were cut at (YYYY-MM).' }),
      horizon: t.exposeInt('horizonMonths', { description: 'Months after `asOf` in which a churn counted.' }),
      trainingRows: t.exposeInt('trainingRows'),
      positives: t.exposeInt('positives', { description: 'Training customers who churned.' }),
      trainedAt: t.field({ type: 'DateTime', resolve: (m) => m.trainedAt }),
      features: t.exposeStringList('features', { description: 'The feature columns, in the model\'s order.' }),
      auc: t.float({ description: 'Mean cross-validated ROC AUC.', resolve: (m) => m.metrics.auc }),
      aucSd: t.float({ description: 'Its standard deviation over the folds.', resolve: (m) => m.metrics.aucSd }),
      liftAt10: t.float({ description: 'Churn rate in the top 10% by score over the base rate.', resolve: (m) => m.metrics.liftAt10 }),
      liftAt20: t.float({ resolve: (m) => m.metrics.liftAt20 }),
      logLoss: t.float({ resolve: (m) => m.metrics.logLoss }),
      brier: t.float({ resolve: (m) => m.metrics.brier }),
      calibrationError: t.float({ description: 'Expected calibration error of the out-of-fold predictions.', resolve: (m) => m.metrics.ece }),
      calibration: t.field({ type: [Bin], resolve: (m) => m.metrics.calibration }),
      importances: t.field({ type: [Importance], description: 'The largest feature importances.', resolve: (m) => m.metrics.importances }),
      candidates: t.field({ type: [Candidate], description: 'Every candidate cross-validated, on the same folds.', resolve: (m) => m.metrics.candidates }),
      folds: t.int({ resolve: (m) => m.metrics.folds }),
      repeats: t.int({ resolve: (m) => m.metrics.repeats }),
    }),
  });

  builder.queryField('churnModels', (t) =>
    t.field({
      type: [Model],
      description: 'Churn model versions, newest first: of the region\'s subtree and of its ancestors (whose models score it); omitted region: every region (admins only).',
      args: {
        region: t.arg.string({ description: 'Region code.' }),
        first: t.arg.int({ description: 'At most this many (default 20, at most 100).' }),
      },
      resolve: async (_root, args, ctx) => {
        const region = await regionToChange(ctx, 'backtest', args.region ?? null, 'region');
        if (!ctx.plugins) throw new Error('churn models need the plugin host, which this server does not run');
        return ctx.plugins.churnModels({ regionPath: region?.path ?? null, limit: Math.min(100, Math.max(1, args.first ?? 20)) });
      },
    }),
  );
}
