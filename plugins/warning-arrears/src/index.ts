import { defineWarningRules } from '@weixi/sdk';
import { arrearsRule, type ArrearsSettings } from './rule.js';

/** 欠费停机预警: the `arrears` warning rule. */
export default defineWarningRules<ArrearsSettings>({
  arrears: ({ settings }) => arrearsRule(settings),
});
