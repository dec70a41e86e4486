import { defineTactics } from '@weixi/sdk';
import { brandPromotion, type BrandPromotionSettings } from './tactic.js';

/** 品牌宣传法: the `brand-promotion` tactic. */
export default defineTactics<BrandPromotionSettings>({ 'brand-promotion': { build: ({ settings }) => brandPromotion(settings) } });
