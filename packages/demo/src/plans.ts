/**
 * Tariff plans (套餐) of the demo operator, with their monthly fee. Ordinary plans are given to customers
 * by spend (the plan that fits their usage); campus and enterprise plans go to those groups only.
 */
export interface DemoPlan {
  code: string;
  name: string;
  feeCents: number;
  /** Who may hold it: everyone by spend, or only campus / enterprise lines. */
  audience: 'general' | 'campus' | 'enterprise';
}

export const DEMO_PLANS: readonly DemoPlan[] = [
  { code: 'BASIC-8', name: '保号套餐 8元', feeCents: 800, audience: 'general' },
  { code: 'KING-19', name: '流量王卡 19元', feeCents: 1900, audience: 'general' },
  { code: '4G-39', name: '4G 畅享 39元', feeCents: 3900, audience: 'general' },
  { code: '5G-59', name: '5G 畅享 59元', feeCents: 5900, audience: 'general' },
  { code: '5G-89', name: '5G 畅享 89元', feeCents: 8900, audience: 'general' },
  { code: '5G-129', name: '5G 畅享 129元', feeCents: 12900, audience: 'general' },
  { code: '5G-199', name: '5G 尊享 199元', feeCents: 19900, audience: 'general' },
  { code: '5G-299', name: '5G 尊享 299元', feeCents: 29900, audience: 'general' },
  { code: 'VIP-599', name: '全球通 钻石 599元', feeCents: 59900, audience: 'general' },
  { code: 'CAMPUS-29', name: '校园卡 29元', feeCents: 2900, audience: 'campus' },
  { code: 'ENT-99', name: '集团商务 99元', feeCents: 9900, audience: 'enterprise' },
];

export function planFor(audience: DemoPlan['audience']): DemoPlan {
  const plan = DEMO_PLANS.find((p) => p.audience === audience);
  if (!plan) throw new Error(`no demo plan for ${audience}`);
  return plan;
}
