/**
 * 俱乐部活动法: an invitation to a member-club event (sports, family, health, partner merchants), a social
 * bond rather than a discount, for valuable customers of some standing.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings } from '@weixi/sdk';

export interface ClubActivitiesSettings extends TacticSettings {
  clubName: string;
  eventValueYuan: number;
  eventCostYuan: number;
  minTenureMonths: number;
}

export function clubActivities(s: ClubActivitiesSettings): TacticDefinition {
  return tacticFromSettings(s, {
    eligibility: [tacticChecks.active, tacticChecks.tenureAtLeast(s.minTenureMonths)],
    offer: {
      title: `${s.clubName}会员活动邀请（价值{eventValueYuan}元）`,
      costCents: yuanToCents(s.eventCostYuan),
      benefit: { kind: 'service', valueCents: yuanToCents(s.eventValueYuan), description: `${s.clubName}本月会员活动名额一个` },
    },
    variables: { eventValueYuan: s.eventValueYuan },
    script: `{name}您好，诚邀您作为${s.clubName}会员参加本月会员活动：运动、亲子、健康讲座和合作商户专享优惠，价值{eventValueYuan}元，名额有限，回复“报名”即可。`,
  });
}
