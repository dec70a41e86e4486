/**
 * 携号转网意向: the active churner announces itself. A port-out inquiry (a customer event, by default
 * `port_out.inquiry`, recorded by the hall, the app or the hotline) within `inquiryDays` days, or at least
 * `minCompetitorContacts` calls to competitors' numbers over `competitorMonths` complete months. Score: 60
 * per inquiry plus 5 per competitor call, at most 100: one inquiry alone is already medium.
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface PortOutIntentSettings {
  inquiryEventType: string;
  inquiryDays: number;
  competitorMonths: number;
  minCompetitorContacts: number;
  weight: number;
}

export function portOutIntentRule(settings: PortOutIntentSettings): WarningRuleDefinition {
  const inquiries: WarningExpr = { events: { type: settings.inquiryEventType, days: settings.inquiryDays } };
  const competitorCalls: WarningExpr = { usage: 'competitorContacts', measure: 'total', months: settings.competitorMonths };
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { any: [{ compare: [inquiries, 'gte', 1] }, { compare: [competitorCalls, 'gte', settings.minCompetitorContacts] }] },
      ],
    },
    score: { min: [100, { add: [{ mul: [60, inquiries] }, { mul: [5, competitorCalls] }] }] },
    evidence: { inquiries, competitorCalls },
    reason: `携号转网意向：近${settings.inquiryDays}天查询携转{inquiries}次，近${settings.competitorMonths}个月联系竞争对手{competitorCalls}次`,
  };
}
