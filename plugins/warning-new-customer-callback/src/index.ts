import { defineWarningRules } from '@weixi/sdk';
import { newCustomerCallbackRule, type NewCustomerCallbackSettings } from './rule.js';

/** 新客户回访: the `new-customer-callback` warning rule. */
export default defineWarningRules<NewCustomerCallbackSettings>({
  'new-customer-callback': ({ settings }) => newCustomerCallbackRule(settings),
});
