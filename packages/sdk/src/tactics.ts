/**
 * Retention tactics (维系招式) as data. A tactic plugin does not pick customers and does not create tasks: it
 * returns a {@link TacticDefinition} per region (whom it answers, each eligibility check with the reason
 * shown when it fails, the offer and its cost, the gift policy, channels, cooldown, budget, precedence, the
 * agent's script and what each outcome triggers), and the planner evaluates every enabled tactic set-based,
 * in the database, and picks at most one next best action per customer. Conditions and numbers use the
 * warning-rule language ({@link WarningCondition}, {@link WarningExpr}), so a definition is plain JSON and
 * the plugin could run out of process unchanged. Code is only for what data cannot say: `refine` sees the
 * customers that passed the set-based checks, in batches, as the plan recommendation of plan migration does.
 */
import type { CustomerTier, Disposable } from './index.js';
import { reasonPlaceholders, warningConditionProblems, warningExprProblems, type WarningCondition, type WarningExpr } from './warnings.js';

/**
 * Whom a tactic answers: a customer of the planned region is a candidate when its tier is among `tiers`
 * (absent: every tier) AND at least one trigger holds: an open warning of one of `warningRules`, membership
 * of one of `segments`, or `when`. A tactic with no trigger answers nobody.
 */
export interface TacticTrigger {
  tiers?: CustomerTier[];
  /** Warning rules as `plugin-id/rule-id`, or `plugin-id` for every rule of that plugin. */
  warningRules?: string[];
  /** Names of segments of the region or its ancestors. */
  segments?: string[];
  /** A condition that triggers by itself, with no warning (contract ends in 60 days, a birthday is near). */
  when?: WarningCondition;
}

/**
 * One eligibility check: the customer is eligible when `when` holds; otherwise `unless` is the reason shown in
 * `nextBestActions` ("prepaid customers only"). `unless` may name `variables` as `{name}`.
 */
export interface TacticCheck {
  when: WarningCondition;
  unless: string;
}

/** What a customer gets when the tactic succeeds. */
export type BenefitKind = 'credit' | 'data' | 'voice' | 'discount' | 'device_subsidy' | 'points' | 'credit_limit' | 'service' | 'gift';
export const BENEFIT_KINDS: readonly BenefitKind[] = ['credit', 'data', 'voice', 'discount', 'device_subsidy', 'points', 'credit_limit', 'service', 'gift'];

/**
 * The offer: its title (may name `{variables}`), what it costs the operator per accepted offer, and the
 * benefit granted on success. `valueCents` is the benefit's value to the customer, counted against the gift
 * policy; `costCents` is what the operator spends, counted against the budget and the suitability score.
 */
export interface TacticOffer {
  title: string;
  costCents: WarningExpr;
  benefit: { kind: BenefitKind; valueCents: WarningExpr; description: string };
}

/** What an outcome of the tactic's task triggers, in order. */
export type TacticOutcomeAction =
  /** Grants the offer's benefit (a stored grant counted by the gift policy); needs `offers:grant`. */
  | { grant: true }
  /** Schedules a follow-up task of the same tactic `days` later, with this reason. */
  | { followUp: { days: number; reason: string } }
  /** Resolves the open warnings the task answered. */
  | { closeWarnings: true };

/** The task outcomes a tactic can react to (a task's final disposition). */
export type TacticOutcome = 'retained' | 'declined' | 'unreachable' | 'wrong_number' | 'callback_requested' | 'not_eligible';
export const TACTIC_OUTCOMES: readonly TacticOutcome[] = ['retained', 'declined', 'unreachable', 'wrong_number', 'callback_requested', 'not_eligible'];

/**
 * A tactic for one region, as its builder returns it from the region's settings.
 *
 * The planner, per customer: candidates by `answers`; every `eligibility` check, then the platform's own
 * (cooldown, gift policy, budget, one active task per customer) each with its reason; among the eligible
 * tactics the highest `precedence` wins, then the highest suitability
 * `risk × annual value × expectedEffect − cost` (risk: the customer's churn risk 0..1; annual value: twelve
 * times the average monthly revenue of the last three months).
 *
 * @example
 * ```ts
 * const boost: TacticDefinition = {
 *   answers: { tiers: ['silver', 'mid_high', 'ordinary'], warningRules: ['warning-arpu-drop'] },
 *   eligibility: [{ when: { in: { fact: 'paymentType', values: ['prepaid'] } }, unless: 'prepaid customers only' }],
 *   offer: { title: '预存{prepayYuan}元送{bonusYuan}元', costCents: 5000, benefit: { kind: 'credit', valueCents: 5000, description: 'bonus credit over 5 months' } },
 *   variables: { prepayYuan: 100, bonusYuan: 50 },
 *   expectedEffect: 0.2, precedence: 20, channels: ['sms', 'call'], cooldownDays: 90,
 *   giftLimitCents: { ordinary: 10000 }, budgetCentsPerMonth: 2_000_000,
 *   script: '{name}您好，预存{prepayYuan}元即送{bonusYuan}元话费，分5个月返还。',
 *   outcomes: { retained: [{ grant: true }, { closeWarnings: true }], callback_requested: [{ followUp: { days: 3, reason: '客户要求回电' } }] },
 * };
 * ```
 */
export interface TacticDefinition {
  answers: TacticTrigger;
  /** All must hold; the first that fails is the reason shown. */
  eligibility: TacticCheck[];
  offer: TacticOffer;
  /** Numbers computed per customer, usable as `{name}` in the script, the offer title and the reasons. */
  variables?: Record<string, WarningExpr>;
  /** Names of the variables `refine` adds (a recommended plan), so templates may name them too. */
  refinedVariables?: string[];
  /** The share of contacted at-risk customers the tactic retains who would otherwise leave, 0 to 1. */
  expectedEffect: number;
  /** Higher first: a tactic of higher precedence wins over any of lower, whatever their scores. */
  precedence: number;
  /**
   * Channels in order of preference (ids of channel contributions, e.g. `sms`, `call`). The planner uses the
   * first one available in the region (its channel plugin enabled there); with none available the tactic is
   * not chosen (`no channel available: ...`).
   */
  channels: string[];
  /**
   * Skills an agent needs to work the tactic's tasks (e.g. `renewal`, `device`, as the operator's roster
   * names them); dispatch gives such a task only to a call-centre agent having all of them. Absent: any agent.
   */
  skills?: string[];
  /** Days after any task of this tactic for a customer before another one (0: none). */
  cooldownDays: number;
  /**
   * 赠礼规范: the most benefit value (cents) a customer of each tier may have been granted, by every tactic,
   * over the last 365 days including this offer; a tier absent here is not limited. 0 forbids gifts.
   */
  giftLimitCents?: Partial<Record<CustomerTier, number>>;
  /** What this tactic may commit per region and calendar month (sum of its tasks' offer costs); absent: no limit. */
  budgetCentsPerMonth?: number;
  /** The agent's script; names customer facts (`{name}`, `{plan}`, `{tier}`), `{offer}`, `{reason}` (the warning's) and `variables`. */
  script: string;
  outcomes?: Partial<Record<TacticOutcome, TacticOutcomeAction[]>>;
}

/** The placeholders a script may use besides `variables`. */
export const SCRIPT_FIELDS = ['name', 'msisdn', 'plan', 'tier', 'tenureYears', 'points', 'offer', 'reason', 'contractEndsOn'] as const;

/** What a tactic's builder gets: the region's settings and the region planned. */
export interface TacticInput<S> {
  settings: S;
  regionCode: string;
}

/** One customer that passed the set-based checks, as `refine` sees it. */
export interface TacticCandidate {
  customerId: number;
  /** The definition's `variables`, computed for this customer (null where an expression is null). */
  variables: Record<string, number | null>;
}

/**
 * What `refine` says of one candidate: not eligible (with the reason), or eligible with extra text
 * variables (a recommended plan's name) and, optionally, a cost that replaces `offer.costCents`.
 */
export type TacticRefinement =
  | { customerId: number; eligible: false; reason: string }
  | { customerId: number; eligible: true; variables?: Record<string, string | number>; costCents?: number };

export interface TacticImplementation<S> {
  build(input: TacticInput<S>): TacticDefinition;
  /**
   * Code where data cannot say it: called with batches (at most 1,000) of the candidates that passed every
   * set-based check, it returns one refinement per candidate. It reads through `ctx.services` like any
   * plugin code and must not write.
   */
  refine?(candidates: readonly TacticCandidate[], input: TacticInput<S>): Promise<TacticRefinement[]>;
}

export interface PluginTactics<S> {
  /**
   * `tasks:write` (and `offers:grant` when an outcome grants): implements a tactic declared in
   * `contributes.tactics`. The planner calls `build` for every region where the plugin is enabled.
   *
   * @example
   * ```ts
   * ctx.subscriptions.push(ctx.tactics.define('prepaid-boost', { build: ({ settings }) => boost(settings) }));
   * ```
   */
  define(tacticId: string, implementation: TacticImplementation<S>): Disposable;
}

const TIERS: readonly CustomerTier[] = ['diamond', 'gold', 'silver', 'mid_high', 'ordinary'];
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const RULE_REF = /^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)?$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
const whole = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function placeholderProblems(template: string, path: string, names: readonly string[], out: string[]): void {
  for (const name of reasonPlaceholders(template)) if (!names.includes(name)) out.push(`${path}: {${name}} is not a script field or variable; one of ${names.join(', ')}`);
}

/**
 * Every problem of a tactic definition, each with its path (`eligibility[1].when.compare[1]: unknown op`);
 * empty when it is valid. The host refuses a definition with problems and names them all.
 */
export function tacticProblems(def: unknown): string[] {
  const out: string[] = [];
  if (!isObject(def)) return ['a tactic definition is an object { answers, eligibility, offer, expectedEffect, precedence, channels, cooldownDays, script, ... }'];
  const known = ['answers', 'eligibility', 'offer', 'variables', 'refinedVariables', 'expectedEffect', 'precedence', 'channels', 'skills', 'cooldownDays', 'giftLimitCents', 'budgetCentsPerMonth', 'script', 'outcomes'];
  const extra = Object.keys(def).filter((k) => !known.includes(k));
  if (extra.length > 0) out.push(`unknown key(s) ${extra.join(', ')}; a definition has ${known.join(', ')}`);

  const variables = isObject(def.variables) ? Object.keys(def.variables) : [];
  if (def.variables !== undefined && !isObject(def.variables)) out.push('variables: an object of named expressions');
  for (const [name, e] of Object.entries(isObject(def.variables) ? def.variables : {})) {
    if (!NAME.test(name)) out.push(`variables.${name}: a name starts with a letter and has letters, digits or _ (at most 40)`);
    if ((SCRIPT_FIELDS as readonly string[]).includes(name)) out.push(`variables.${name}: shadows the script field {${name}}`);
    warningExprProblems(e, `variables.${name}`, out);
  }
  const refined = Array.isArray(def.refinedVariables) ? def.refinedVariables.filter((n): n is string => typeof n === 'string') : [];
  if (def.refinedVariables !== undefined && (!Array.isArray(def.refinedVariables) || !def.refinedVariables.every((n) => typeof n === 'string' && NAME.test(n)))) out.push('refinedVariables: a list of variable names');
  const names = [...SCRIPT_FIELDS, ...variables, ...refined];

  const a = def.answers;
  if (!isObject(a)) out.push('answers: an object { tiers?, warningRules?, segments?, when? }');
  else {
    const extraA = Object.keys(a).filter((k) => !['tiers', 'warningRules', 'segments', 'when'].includes(k));
    if (extraA.length > 0) out.push(`answers: unknown key(s) ${extraA.join(', ')}`);
    if (a.tiers !== undefined && (!Array.isArray(a.tiers) || a.tiers.length === 0 || !a.tiers.every((t) => TIERS.includes(t as CustomerTier)))) out.push(`answers.tiers: a non-empty list of ${TIERS.join(', ')}`);
    if (a.warningRules !== undefined && (!Array.isArray(a.warningRules) || !a.warningRules.every((r) => typeof r === 'string' && RULE_REF.test(r)))) out.push('answers.warningRules: a list of `plugin-id/rule-id` or `plugin-id`');
    if (a.segments !== undefined && (!Array.isArray(a.segments) || !a.segments.every((s) => text(s, 200)))) out.push('answers.segments: a list of segment names');
    if (a.when !== undefined) warningConditionProblems(a.when, 'answers.when', out);
    const triggers = (Array.isArray(a.warningRules) ? a.warningRules.length : 0) + (Array.isArray(a.segments) ? a.segments.length : 0) + (a.when !== undefined ? 1 : 0);
    if (triggers === 0) out.push('answers: names no trigger (warningRules, segments or when), so the tactic would answer nobody');
  }

  if (!Array.isArray(def.eligibility)) out.push('eligibility: a list of { when, unless } (empty: everyone the tactic answers)');
  else
    def.eligibility.forEach((check, i) => {
      if (!isObject(check)) return void out.push(`eligibility[${i}]: { when, unless }`);
      warningConditionProblems(check.when, `eligibility[${i}].when`, out);
      if (!text(check.unless, 200)) out.push(`eligibility[${i}].unless: the reason shown when the check fails (1 to 200 characters)`);
      else placeholderProblems(check.unless as string, `eligibility[${i}].unless`, names, out);
    });

  const o = def.offer;
  if (!isObject(o)) out.push('offer: { title, costCents, benefit: { kind, valueCents, description } }');
  else {
    if (!text(o.title, 200)) out.push('offer.title: 1 to 200 characters');
    else placeholderProblems(o.title as string, 'offer.title', names, out);
    warningExprProblems(o.costCents, 'offer.costCents', out);
    const b = o.benefit;
    if (!isObject(b)) out.push('offer.benefit: { kind, valueCents, description }');
    else {
      if (!BENEFIT_KINDS.includes(b.kind as BenefitKind)) out.push(`offer.benefit.kind: one of ${BENEFIT_KINDS.join(', ')}`);
      warningExprProblems(b.valueCents, 'offer.benefit.valueCents', out);
      if (!text(b.description, 500)) out.push('offer.benefit.description: 1 to 500 characters');
    }
  }

  if (typeof def.expectedEffect !== 'number' || !(def.expectedEffect >= 0 && def.expectedEffect <= 1)) out.push(`expectedEffect: a number 0 to 1, got ${JSON.stringify(def.expectedEffect)}`);
  if (!whole(def.precedence, 0, 1000)) out.push(`precedence: a whole number 0 to 1000, got ${JSON.stringify(def.precedence)}`);
  if (!Array.isArray(def.channels) || def.channels.length === 0 || !def.channels.every((c) => typeof c === 'string' && /^[a-z][a-z0-9-]*$/.test(c))) out.push('channels: a non-empty list of channel ids, preferred first');
  if (def.skills !== undefined && (!Array.isArray(def.skills) || !def.skills.every((s) => text(s, 64)))) out.push('skills: a list of skill names (1 to 64 characters each)');
  if (!whole(def.cooldownDays, 0, 3660)) out.push(`cooldownDays: a whole number 0 to 3660, got ${JSON.stringify(def.cooldownDays)}`);
  if (def.giftLimitCents !== undefined) {
    if (!isObject(def.giftLimitCents)) out.push('giftLimitCents: { tier: cents }');
    else
      for (const [tier, cents] of Object.entries(def.giftLimitCents)) {
        if (!TIERS.includes(tier as CustomerTier)) out.push(`giftLimitCents.${tier}: not a tier; one of ${TIERS.join(', ')}`);
        if (!whole(cents, 0, 100_000_000)) out.push(`giftLimitCents.${tier}: whole cents 0 to 100000000`);
      }
  }
  if (def.budgetCentsPerMonth !== undefined && !whole(def.budgetCentsPerMonth, 0, 1_000_000_000_000)) out.push('budgetCentsPerMonth: whole cents, at least 0');
  if (!text(def.script, 2000)) out.push('script: 1 to 2000 characters');
  else placeholderProblems(def.script as string, 'script', names, out);

  if (def.outcomes !== undefined) {
    if (!isObject(def.outcomes)) out.push(`outcomes: { outcome: actions }, outcomes ${TACTIC_OUTCOMES.join(', ')}`);
    else
      for (const [outcome, actions] of Object.entries(def.outcomes)) {
        const path = `outcomes.${outcome}`;
        if (!TACTIC_OUTCOMES.includes(outcome as TacticOutcome)) out.push(`${path}: not an outcome; one of ${TACTIC_OUTCOMES.join(', ')}`);
        if (!Array.isArray(actions)) {
          out.push(`${path}: a list of actions`);
          continue;
        }
        actions.forEach((action, i) => {
          if (isObject(action) && Object.keys(action).length === 1 && (action.grant === true || action.closeWarnings === true)) return;
          if (isObject(action) && Object.keys(action).length === 1 && isObject(action.followUp)) {
            if (!whole(action.followUp.days, 1, 365)) out.push(`${path}[${i}].followUp.days: a whole number 1 to 365`);
            if (!text(action.followUp.reason, 200)) out.push(`${path}[${i}].followUp.reason: 1 to 200 characters`);
            return;
          }
          out.push(`${path}[${i}]: one of { grant: true }, { followUp: { days, reason } }, { closeWarnings: true }`);
        });
      }
  }
  return out;
}

/** Whether an outcome of this definition grants a benefit (the plugin then needs `offers:grant`). */
export function tacticGrants(def: TacticDefinition): boolean {
  return Object.values(def.outcomes ?? {}).some((actions) => actions?.some((a) => 'grant' in a));
}
