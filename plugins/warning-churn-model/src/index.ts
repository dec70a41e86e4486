/**
 * 流失模型预警: a churn model per region, trained by the core's `weixi model train` on the customers with
 * known outcomes and scored by the rule's job in every enabled city (see README.md).
 */
import { definePlugin } from '@weixi/sdk';
import { scoreHistories, trainChurnModel, type ChurnModelSettings } from './model.js';

export default definePlugin<ChurnModelSettings>({
  activate(ctx) {
    ctx.subscriptions.push(ctx.warnings.defineModel('churn-model', { train: trainChurnModel, score: scoreHistories }));
  },
});

export { recordOf, specOf } from './features.js';
export { CANDIDATES, scoreHistories, trainChurnModel, type ChurnModelSettings } from './model.js';
