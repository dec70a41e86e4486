import { definePlugin } from '@weixi/sdk';
import { contractEndingRule, type ContractEndingSettings } from './rule.js';

/** 到期预警: the `contract-ending` warning rule. */
export default definePlugin<ContractEndingSettings>({
  activate(ctx) {
    ctx.subscriptions.push(ctx.warnings.defineRule('contract-ending', ({ settings }) => contractEndingRule(settings)));
  },
});
