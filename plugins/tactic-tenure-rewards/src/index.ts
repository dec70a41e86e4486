import { defineTactics } from '@weixi/sdk';
import { tenureRewards, type TenureRewardsSettings } from './tactic.js';

/** 网龄服务法: the `tenure-rewards` tactic. */
export default defineTactics<TenureRewardsSettings>({ 'tenure-rewards': { build: ({ settings }) => tenureRewards(settings) } });
