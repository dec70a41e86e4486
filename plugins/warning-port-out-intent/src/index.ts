import { defineWarningRules } from '@weixi/sdk';
import { portOutIntentRule, type PortOutIntentSettings } from './rule.js';

/** 携号转网意向预警: the `port-out-intent` warning rule. */
export default defineWarningRules<PortOutIntentSettings>({
  'port-out-intent': ({ settings }) => portOutIntentRule(settings),
});
