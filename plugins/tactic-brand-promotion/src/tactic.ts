/**
 * 品牌宣传法: a message on what the brand gives the customer (network, services, member benefits) for those
 * who look at competitors or use less; no gift, so nothing is granted and only the contact costs.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings } from '@weixi/sdk';

export interface BrandPromotionSettings extends TacticSettings {
  brandMessage: string;
  contactCostYuan: number;
}

export function brandPromotion(s: BrandPromotionSettings): TacticDefinition {
  return tacticFromSettings(s, {
    eligibility: [tacticChecks.active],
    offer: { title: '品牌权益告知', costCents: yuanToCents(s.contactCostYuan), benefit: { kind: 'service', valueCents: 0, description: '品牌与会员权益介绍，不含赠礼' } },
    script: `{name}您好，感谢您在网{tenureYears}年的信任。${s.brandMessage}。如有任何需要，欢迎随时联系我们。`,
    grants: false,
  });
}
