import { describe, expect, it } from 'vitest';
import { tacticGrants, tacticProblems, type TacticDefinition } from './tactics.js';

const boost: TacticDefinition = {
  answers: { tiers: ['silver', 'mid_high', 'ordinary'], warningRules: ['warning-arpu-drop'] },
  eligibility: [{ when: { in: { fact: 'paymentType', values: ['prepaid'] } }, unless: 'prepaid customers only' }],
  offer: { title: '预存{prepayYuan}元送{bonusYuan}元', costCents: 5000, benefit: { kind: 'credit', valueCents: 5000, description: 'bonus credit over 5 months' } },
  variables: { prepayYuan: 100, bonusYuan: 50 },
  expectedEffect: 0.2,
  precedence: 20,
  channels: ['sms', 'outbound-call'],
  cooldownDays: 90,
  giftLimitCents: { ordinary: 10000 },
  script: '{name}您好，预存{prepayYuan}元即送{bonusYuan}元话费。',
  outcomes: { retained: [{ grant: true }, { closeWarnings: true }], callback_requested: [{ followUp: { days: 3, reason: '客户要求回电' } }] },
};

describe('tacticProblems', () => {
  it('accepts a whole definition, and knows it grants', () => {
    expect(tacticProblems(boost)).toEqual([]);
    expect(tacticGrants(boost)).toBe(true);
    expect(tacticGrants({ ...boost, outcomes: { retained: [{ closeWarnings: true }] } })).toBe(false);
  });

  it('names every problem with its path', () => {
    const broken = {
      ...boost,
      answers: { tiers: ['platinum'] },
      eligibility: [{ when: { compare: [1, 'about', 2] }, unless: '' }],
      offer: { ...boost.offer, title: '送{gift}', benefit: { kind: 'cash', valueCents: 1, description: 'x' } },
      expectedEffect: 1.5,
      channels: [],
      giftLimitCents: { bronze: 5 },
      script: '{nam}您好',
      outcomes: { retained: [{ grant: false }], won: [] },
      colour: 'red',
    };
    expect(tacticProblems(broken)).toEqual([
      expect.stringMatching(/^unknown key\(s\) colour/),
      expect.stringMatching(/^answers\.tiers: a non-empty list of/),
      'answers: names no trigger (warningRules, segments or when), so the tactic would answer nobody',
      expect.stringMatching(/^eligibility\[0\]\.when\.compare\[1\]: unknown op "about"/),
      'eligibility[0].unless: the reason shown when the check fails (1 to 200 characters)',
      expect.stringMatching(/^offer\.title: \{gift\} is not a script field or variable/),
      expect.stringMatching(/^offer\.benefit\.kind: one of credit/),
      'expectedEffect: a number 0 to 1, got 1.5',
      'channels: a non-empty list of channel ids, preferred first',
      expect.stringMatching(/^giftLimitCents\.bronze: not a tier/),
      expect.stringMatching(/^script: \{nam\} is not a script field or variable/),
      'outcomes.retained[0]: one of { grant: true }, { followUp: { days, reason } }, { closeWarnings: true }',
      expect.stringMatching(/^outcomes\.won: not an outcome/),
    ]);
  });

  it('lets templates name the variables refine adds once declared', () => {
    const migration = { ...boost, script: '推荐您改用{recommendedPlan}', refinedVariables: ['recommendedPlan'] };
    expect(tacticProblems(migration)).toEqual([]);
    expect(tacticProblems({ ...migration, refinedVariables: undefined })).toEqual([expect.stringMatching(/^script: \{recommendedPlan\}/)]);
  });
});
