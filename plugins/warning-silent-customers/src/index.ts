import { definePlugin } from '@weixi/sdk';
import { silentRule, type SilentSettings } from './rule.js';
import { silenceField, silentMonthsField } from './schema.js';

/** 沉默客户预警: the `silent-customer` warning rule, `Customer.silentMonths` and its evidence, `Customer.silence`. */
export default definePlugin<SilentSettings>({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.warnings.defineRule('silent-customer', ({ settings }) => silentRule(settings)),
      ctx.graphql.addField('Customer', 'silentMonths', silentMonthsField(ctx)),
      ctx.graphql.addField('Customer', 'silence', silenceField(ctx)),
    );
  },
});
