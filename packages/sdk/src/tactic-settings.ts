/**
 * The settings every tactic plugin shares (whom it serves, channels, agents' skills, cooldown, budget, gift
 * policy, precedence, expected effect, the callback delay) and the definition built from them, so that sixteen
 * tactic plugins say only what is their own: the checks, the offer and the script. Amounts an operator
 * types are in yuan (元); definitions count cents.
 */
import type { CustomerTier } from './index.js';
import type { TacticCheck, TacticDefinition, TacticOffer, TacticOutcomeAction, TacticOutcome } from './tactics.js';
import type { WarningCondition, WarningExpr } from './warnings.js';

/**
 * The common part of a tactic plugin's settings. Each plugin declares these properties in its manifest
 * with the shapes of {@link TACTIC_SETTINGS_SCHEMA} (and its own defaults), next to its own settings.
 */
export interface TacticSettings {
  /** Value tiers the tactic serves (分层维系). */
  tiers: CustomerTier[];
  /** Warning rules it answers, `plugin-id/rule-id` or `plugin-id`. */
  warningRules: string[];
  /** Channel ids, preferred first (`sms`, `call` for 外呼, `app`, `hall`, `account-manager`). */
  channels: string[];
  /**
   * Skills an agent needs to work the tactic's tasks (技能: `renewal`, `device`), as the operator's roster
   * names them; dispatch gives a call-centre task only to agents having all. Absent or empty: any agent.
   */
  skills?: string[];
  /** Days after a task of this tactic before the same customer gets another. */
  cooldownDays: number;
  /** What the tactic may commit per region and month, in yuan. */
  budgetYuanPerMonth: number;
  /** 赠礼规范: the most gift value per customer and 365 days, in yuan, by tier; an absent tier is not limited. */
  giftLimitYuan: Partial<Record<CustomerTier, number>>;
  /** Higher wins over any tactic of lower precedence. */
  precedence: number;
  /** Share of contacted at-risk customers it retains who would otherwise leave, 0 to 1. */
  expectedEffect: number;
  /** Days after which a customer who asked to be called back is called again. */
  callbackDays: number;
}

const TIER_VALUES: CustomerTier[] = ['diamond', 'gold', 'silver', 'mid_high', 'ordinary'];

/**
 * The JSON schemas of the common settings' properties (without defaults), as each tactic plugin's
 * manifest declares them; `@weixi/testing` checks a tactic plugin's manifest against it.
 */
export const TACTIC_SETTINGS_SCHEMA = {
  tiers: { type: 'array', items: { enum: TIER_VALUES }, minItems: 1, uniqueItems: true },
  warningRules: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)?$' }, uniqueItems: true },
  channels: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' }, minItems: 1, uniqueItems: true },
  skills: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, uniqueItems: true },
  cooldownDays: { type: 'integer', minimum: 0, maximum: 3660 },
  budgetYuanPerMonth: { type: 'integer', minimum: 0 },
  giftLimitYuan: { type: 'object', propertyNames: { enum: TIER_VALUES }, additionalProperties: { type: 'integer', minimum: 0 } },
  precedence: { type: 'integer', minimum: 0, maximum: 1000 },
  expectedEffect: { type: 'number', minimum: 0, maximum: 1 },
  callbackDays: { type: 'integer', minimum: 1, maximum: 30 },
} as const satisfies Record<keyof TacticSettings, Record<string, unknown>>;

/** What a tactic plugin says of its own; the rest comes from {@link TacticSettings}. */
export interface TacticPlay {
  /** A condition that triggers by itself besides the warning rules (a birthday is near). */
  when?: WarningCondition;
  /** Segment names that trigger it. */
  segments?: string[];
  eligibility: TacticCheck[];
  offer: TacticOffer;
  variables?: Record<string, WarningExpr>;
  refinedVariables?: string[];
  script: string;
  /** Whether `retained` grants the offer's benefit (needs `offers:grant`); default true. */
  grants?: boolean;
  /** Extra or replaced outcomes, e.g. a follow-up after `declined`. */
  outcomes?: Partial<Record<TacticOutcome, TacticOutcomeAction[]>>;
}

/** Yuan (元) as whole cents, rounded half up (1.005 元 is 101 cents, not the float's 100.4999...). */
export function yuanToCents(yuan: number): number {
  return Math.round(Number((yuan * 100).toPrecision(12)));
}

/**
 * A tactic definition from the common settings and the plugin's play. The outcomes are the standard set:
 * `retained` grants the offer (unless `grants: false`) and closes the warnings answered;
 * `callback_requested` is called again after `callbackDays` days; the play's `outcomes` add or replace.
 *
 * @example
 * ```ts
 * const build = (s: TacticSettings & { bonusYuan: number }) => tacticFromSettings(s, {
 *   eligibility: [activeCustomer], script: '{name}您好，{offer}',
 *   offer: { title: '赠{bonusYuan}元话费', costCents: yuanToCents(s.bonusYuan), benefit: { kind: 'credit', valueCents: yuanToCents(s.bonusYuan), description: '话费' } },
 *   variables: { bonusYuan: s.bonusYuan },
 * });
 * ```
 */
export function tacticFromSettings(settings: TacticSettings, play: TacticPlay): TacticDefinition {
  const giftLimitCents = Object.fromEntries(Object.entries(settings.giftLimitYuan).map(([tier, yuan]) => [tier, yuanToCents(yuan ?? 0)]));
  return {
    answers: {
      tiers: settings.tiers,
      ...(settings.warningRules.length > 0 ? { warningRules: settings.warningRules } : {}),
      ...(play.segments ? { segments: play.segments } : {}),
      ...(play.when ? { when: play.when } : {}),
    },
    eligibility: play.eligibility,
    offer: play.offer,
    ...(play.variables ? { variables: play.variables } : {}),
    ...(play.refinedVariables ? { refinedVariables: play.refinedVariables } : {}),
    expectedEffect: settings.expectedEffect,
    precedence: settings.precedence,
    channels: settings.channels,
    ...(settings.skills && settings.skills.length > 0 ? { skills: settings.skills } : {}),
    cooldownDays: settings.cooldownDays,
    giftLimitCents,
    budgetCentsPerMonth: yuanToCents(settings.budgetYuanPerMonth),
    script: play.script,
    outcomes: {
      retained: [...(play.grants === false ? [] : [{ grant: true as const }]), { closeWarnings: true }],
      callback_requested: [{ followUp: { days: settings.callbackDays, reason: '客户要求回电' } }],
      ...play.outcomes,
    },
  };
}

/** Average monthly revenue (ARPU) over the last three complete months, in cents. */
export const ARPU_3_MONTHS: WarningExpr = { usage: 'revenueCents', measure: 'average', months: 3 };

const active: TacticCheck = { when: { in: { fact: 'status', values: ['active'] } }, unless: '非在网客户（停机或已离网）' };

/** The checks most tactics start with, with the reasons operators read in `nextBestActions`. */
export const tacticChecks = {
  /** 在网: the customer is active (not suspended, not churned). */
  active,
  /** 月均消费 over the last three complete months at least `yuan`. */
  arpuAtLeast: (yuan: number): TacticCheck => ({ when: { compare: [ARPU_3_MONTHS, 'gte', yuanToCents(yuan)] }, unless: `近3个月月均消费低于${yuan}元` }),
  /** 网龄 at least `months` complete months. */
  tenureAtLeast: (months: number): TacticCheck => ({ when: { compare: [{ customer: 'tenureMonths' }, 'gte', months] }, unless: `网龄不满${months}个月` }),
  /** 付费方式: prepaid (预付费) or postpaid (后付费) only. */
  paymentType: (type: 'prepaid' | 'postpaid'): TacticCheck => ({ when: { in: { fact: 'paymentType', values: [type] } }, unless: type === 'prepaid' ? '仅限预付费客户' : '仅限后付费客户' }),
};
