import { defineTactics } from '@weixi/sdk';
import { prepaidBoost, type PrepaidBoostSettings } from './tactic.js';

/** 预存提升法: the `prepaid-boost` tactic. */
export default defineTactics<PrepaidBoostSettings>({ 'prepaid-boost': { build: ({ settings }) => prepaidBoost(settings) } });
