import { defineTactics } from '@weixi/sdk';
import { pointsRedemption, type PointsRedemptionSettings } from './tactic.js';

/** 积分兑换法: the `points-redemption` tactic. */
export default defineTactics<PointsRedemptionSettings>({ 'points-redemption': { build: ({ settings }) => pointsRedemption(settings) } });
