/**
 * 携号转网挽留: at the moment of port-out, a call with a monthly discount, answering the port-out intent
 * warning or, without it, a port-out inquiry event within `inquiryDays` days. Customers spending below
 * `minArpuYuan` are let go.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';

export interface PortOutWinbackSettings extends TacticSettings {
  discountYuanPerMonth: number;
  discountMonths: number;
  minArpuYuan: number;
  inquiryEventType: string;
  inquiryDays: number;
}

export function portOutWinback(s: PortOutWinbackSettings): TacticDefinition {
  const inquiries: WarningExpr = { events: { type: s.inquiryEventType, days: s.inquiryDays } };
  const discountCents = yuanToCents(s.discountYuanPerMonth * s.discountMonths);
  return tacticFromSettings(s, {
    when: { compare: [inquiries, 'gte', 1] },
    eligibility: [tacticChecks.active, tacticChecks.arpuAtLeast(s.minArpuYuan)],
    offer: {
      title: '每月减免{discountYuanPerMonth}元，共{discountMonths}个月',
      costCents: discountCents,
      benefit: { kind: 'discount', valueCents: discountCents, description: `月费每月减免${s.discountYuanPerMonth}元，共${s.discountMonths}个月` },
    },
    variables: { inquiries, discountYuanPerMonth: s.discountYuanPerMonth, discountMonths: s.discountMonths },
    script: '{name}您好，了解到您近期咨询了携号转网。您在网{tenureYears}年，我们非常珍惜。已为您申请每月减免{discountYuanPerMonth}元、共{discountMonths}个月的专属优惠；请问有哪些不满意的地方，我们马上为您解决？',
  });
}
