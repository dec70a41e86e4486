import { defineWarningRules } from '@weixi/sdk';
import { repeatedComplaintsRule, type RepeatedComplaintsSettings } from './rule.js';

/** 重复投诉预警: the `repeated-complaints` warning rule. */
export default defineWarningRules<RepeatedComplaintsSettings>({
  'repeated-complaints': ({ settings }) => repeatedComplaintsRule(settings),
});
