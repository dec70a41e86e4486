import { defineWarningRules } from '@weixi/sdk';
import { householdLeftRule, type HouseholdLeftSettings } from './rule.js';

/** 家庭成员离网预警: the `household-left` warning rule. */
export default defineWarningRules<HouseholdLeftSettings>({
  'household-left': ({ settings }) => householdLeftRule(settings),
});
