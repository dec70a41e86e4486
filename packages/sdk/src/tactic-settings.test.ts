import { describe, expect, it } from 'vitest';
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticSettings } from './tactic-settings.js';
import { tacticGrants, tacticProblems } from './tactics.js';

const settings: TacticSettings = {
  tiers: ['mid_high', 'ordinary'],
  warningRules: ['warning-arpu-drop'],
  channels: ['sms'],
  cooldownDays: 30,
  budgetYuanPerMonth: 1234.56,
  giftLimitYuan: { ordinary: 80, mid_high: 0 },
  precedence: 7,
  expectedEffect: 0.2,
  callbackDays: 5,
};
const play = {
  eligibility: [tacticChecks.active, tacticChecks.arpuAtLeast(19.9)],
  offer: { title: '赠{bonusYuan}元', costCents: 500, benefit: { kind: 'credit' as const, valueCents: 500, description: '话费' } },
  variables: { bonusYuan: 5 },
  script: '{name}您好，{offer}',
};

describe('tacticFromSettings', () => {
  it('builds a valid definition in cents, with the standard outcomes', () => {
    const d = tacticFromSettings(settings, play);
    expect(tacticProblems(d)).toEqual([]);
    expect(d).toMatchObject({ answers: { tiers: ['mid_high', 'ordinary'], warningRules: ['warning-arpu-drop'] }, budgetCentsPerMonth: 123456, giftLimitCents: { ordinary: 8000, mid_high: 0 }, cooldownDays: 30, precedence: 7 });
    expect(d.eligibility[1]).toEqual({ when: { compare: [{ usage: 'revenueCents', measure: 'average', months: 3 }, 'gte', 1990] }, unless: '近3个月月均消费低于19.9元' });
    expect(d.outcomes).toEqual({ retained: [{ grant: true }, { closeWarnings: true }], callback_requested: [{ followUp: { days: 5, reason: '客户要求回电' } }] });
    expect(tacticGrants(d)).toBe(true);
    expect(d.skills).toBeUndefined(); // no skill: any agent
    expect(tacticFromSettings({ ...settings, skills: ['renewal'] }, play).skills).toEqual(['renewal']);
  });

  it('grants nothing when told, answers by its own trigger with no warning rule, and lets the play add outcomes', () => {
    const d = tacticFromSettings({ ...settings, warningRules: [] }, { ...play, grants: false, when: { flag: 'isCampus' }, outcomes: { declined: [{ followUp: { days: 30, reason: '再次邀请' } }] } });
    expect(d.answers).toEqual({ tiers: ['mid_high', 'ordinary'], when: { flag: 'isCampus' } });
    expect(tacticGrants(d)).toBe(false);
    expect(d.outcomes?.declined).toEqual([{ followUp: { days: 30, reason: '再次邀请' } }]);
    expect(tacticProblems(d)).toEqual([]);
  });

  it('answers nobody without a trigger, which tacticProblems names', () => {
    expect(tacticProblems(tacticFromSettings({ ...settings, warningRules: [] }, play))).toEqual(['answers: names no trigger (warningRules, segments or when), so the tactic would answer nobody']);
  });

  it('rounds yuan to whole cents', () => {
    expect([yuanToCents(0.1), yuanToCents(19.99), yuanToCents(1.005)]).toEqual([10, 1999, 101]);
  });
});
