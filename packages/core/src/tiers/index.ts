export { DEFAULT_TIER_THRESHOLDS, validateTierThresholds, type TierThresholds } from './thresholds.js';
export { refreshTiers, TIER_REVENUE_MONTHS } from './refresh.js';
