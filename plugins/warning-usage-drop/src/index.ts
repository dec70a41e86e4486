import { defineWarningRules } from '@weixi/sdk';
import { dataDropRule, voiceDropRule, type UsageDropSettings } from './rule.js';

/** 话务/流量下降预警: the `voice-drop` and `data-drop` warning rules. */
export default defineWarningRules<UsageDropSettings>({
  'voice-drop': ({ settings }) => voiceDropRule(settings),
  'data-drop': ({ settings }) => dataDropRule(settings),
});
