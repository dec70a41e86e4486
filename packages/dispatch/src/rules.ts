/**
 * Dispatch rules per region (派单规则). A region stores only the keys it sets (`dispatch_rules.rules`); it
 * inherits every other key from its nearest ancestor that sets it, then from DEFAULT_DISPATCH_RULES.
 * Per-tier maps (`routes`, `slaHours`) inherit tier by tier.
 */
import { eq, sql } from 'drizzle-orm';
import { InputError, IssueList } from '@weixi/core';
import { dispatchRules, queryRows, TIERS, type Db, type Tier } from '@weixi/db';

/** Who serves a tier: the customer's account manager, a call-center queue, or an automated channel. */
export const ROUTES = ['account_manager', 'call_center', 'automated'] as const;
export type Route = (typeof ROUTES)[number];

export interface DispatchRules {
  /** False: the dispatch job leaves the region's tasks alone (dispatched by hand). */
  enabled: boolean;
  routes: Record<Tier, Route>;
  /** Hours from dispatch to the SLA deadline, per tier; past it the task is escalated to the team lead. */
  slaHours: Record<Tier, number>;
  /** Unreachable attempts (no answer, powered off, suspended) before the task goes to the account manager. */
  maxAttempts: number;
  /** Local contact windows `HH:MM-HH:MM`, in order; a retry goes to the next window other than the failed attempt's. */
  contactWindows: string[];
  /** The channel automated tasks are sent through when the task names none. */
  automatedChannel: string;
  /** Share of each agent's done tasks drawn for a callback check (回访抽检), 0 to 1. */
  auditSampleRate: number;
  /** Done tasks closed within this many days are in the audit draw. */
  auditWindowDays: number;
}

export const DEFAULT_DISPATCH_RULES: Readonly<DispatchRules> = Object.freeze<DispatchRules>({
  enabled: true,
  routes: { diamond: 'account_manager', gold: 'account_manager', silver: 'call_center', mid_high: 'call_center', ordinary: 'automated' },
  slaHours: { diamond: 24, gold: 24, silver: 48, mid_high: 48, ordinary: 72 },
  maxAttempts: 3,
  contactWindows: ['09:00-12:00', '14:00-17:30', '18:30-20:30'],
  automatedChannel: 'sms',
  auditSampleRate: 0.05,
  auditWindowDays: 7,
});

/** A region's own settings: any subset of the rules, per-tier maps partial too. */
export type DispatchRulesPatch = Partial<Omit<DispatchRules, 'routes' | 'slaHours'>> & { routes?: Partial<Record<Tier, Route>>; slaHours?: Partial<Record<Tier, number>> };

/** A contact window in minutes after local midnight. */
export interface ContactWindow {
  startMinute: number;
  endMinute: number;
}

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

export function parseWindow(text: string): ContactWindow | null {
  const m = WINDOW.exec(text);
  if (!m) return null;
  const startMinute = Number(m[1]) * 60 + Number(m[2]);
  const endMinute = Number(m[3]) * 60 + Number(m[4]);
  return endMinute > startMinute && endMinute <= 24 * 60 ? { startMinute, endMinute } : null;
}

const isTier = (key: string): key is Tier => (TIERS as readonly string[]).includes(key);

/** Checks a patch, naming each bad key under `path`; unknown keys are refused so a typo is not silently ignored. */
export function checkRulesPatch(patch: Record<string, unknown>, path = 'rules'): DispatchRulesPatch {
  const issues = new IssueList();
  const number = (key: string, value: unknown, min: number, max: number, integer = false) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      issues.add(`${path}.${key}`, `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    }
  };
  const perTier = (key: string, value: unknown, check: (at: string, v: unknown) => void) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return issues.add(`${path}.${key}`, 'must be an object by tier');
    for (const [tier, v] of Object.entries(value)) {
      if (!isTier(tier)) issues.add(`${path}.${key}.${tier}`, `is not a tier; use ${TIERS.join(', ')}`);
      else check(`${key}.${tier}`, v);
    }
  };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) continue;
    switch (key) {
      case 'enabled':
        if (typeof value !== 'boolean') issues.add(`${path}.enabled`, 'must be true or false');
        break;
      case 'routes':
        perTier(key, value, (at, v) => {
          if (!(ROUTES as readonly unknown[]).includes(v)) issues.add(`${path}.${at}`, `must be one of ${ROUTES.join(', ')}`);
        });
        break;
      case 'slaHours':
        perTier(key, value, (at, v) => number(at, v, 1, 24 * 90));
        break;
      case 'maxAttempts':
        number(key, value, 1, 20, true);
        break;
      case 'auditSampleRate':
        number(key, value, 0, 1);
        break;
      case 'auditWindowDays':
        number(key, value, 1, 366, true);
        break;
      case 'automatedChannel':
        if (typeof value !== 'string' || !/^[a-z][a-z0-9_-]{0,39}$/.test(value)) issues.add(`${path}.automatedChannel`, 'must be a channel id (lower case letters, digits, - or _)');
        break;
      case 'contactWindows':
        if (!Array.isArray(value) || value.length === 0 || value.length > 12) issues.add(`${path}.contactWindows`, 'must be 1 to 12 windows like "09:00-12:00"');
        else value.forEach((w, i) => {
          if (typeof w !== 'string' || !parseWindow(w)) issues.add(`${path}.contactWindows[${i}]`, `${JSON.stringify(w)} is not a window like "09:00-12:00" (start before end)`);
        });
        break;
      default:
        issues.add(`${path}.${key}`, `is not a dispatch rule; use ${Object.keys(DEFAULT_DISPATCH_RULES).join(', ')}`);
    }
  }
  issues.throwIfAny();
  return patch as DispatchRulesPatch;
}

/** The rules of a region whose own patch and its ancestors' patches are given, nearest last. */
export function mergeRules(patches: readonly DispatchRulesPatch[]): DispatchRules {
  let rules: DispatchRules = { ...DEFAULT_DISPATCH_RULES, routes: { ...DEFAULT_DISPATCH_RULES.routes }, slaHours: { ...DEFAULT_DISPATCH_RULES.slaHours } };
  for (const patch of patches) {
    const { routes, slaHours, ...flat } = patch;
    const set = Object.fromEntries(Object.entries(flat).filter(([, v]) => v !== undefined && v !== null));
    rules = { ...rules, ...set, routes: { ...rules.routes, ...routes }, slaHours: { ...rules.slaHours, ...slaHours } };
  }
  return rules;
}

export interface RegionRules {
  regionId: number;
  code: string;
  path: string;
  timeZone: string;
  rules: DispatchRules;
}

/** The resolved rules of every region in the subtree at `rootPath` (the root included), in one read. */
export async function rulesOfSubtree(db: Db, rootPath: string): Promise<RegionRules[]> {
  const rows = await queryRows<{ id: number; code: string; path: string; time_zone: string; rules: DispatchRulesPatch | null }>(db, sql`
    select r.id, r.code, r.path, r.time_zone, dr.rules from regions r left join ${dispatchRules} dr on dr.region_id = r.id
    where starts_with(r.path, ${rootPath}) or starts_with(${rootPath}::text, r.path)
    order by length(r.path)`);
  const own = new Map(rows.map((r) => [r.path, r.rules ?? {}]));
  return rows
    .filter((r) => r.path.startsWith(rootPath))
    .map((r) => {
      // The ancestors' paths are the prefixes ending at each '/': /JS/, /JS/JS-NJ/, ...
      const chain = r.path.split('/').slice(1, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}/`);
      return { regionId: Number(r.id), code: r.code, path: r.path, timeZone: r.time_zone, rules: mergeRules(chain.map((p) => own.get(p) ?? {})) };
    });
}

/** Sets keys of a region's own rules (null removes a key, so it inherits again); returns the region's resolved rules. */
export async function setDispatchRules(db: Db, region: { id: number; path: string }, patch: Record<string, unknown>, path = 'rules'): Promise<DispatchRules> {
  const checked = checkRulesPatch(patch, path);
  await db.transaction(async (tx) => {
    const [current] = await tx.select().from(dispatchRules).where(eq(dispatchRules.regionId, region.id)).for('update');
    const next: Record<string, unknown> = { ...(current?.rules ?? {}) };
    for (const [key, value] of Object.entries(checked)) {
      if (value === null) delete next[key];
      else if (key === 'routes' || key === 'slaHours') next[key] = { ...(next[key] as object | undefined), ...(value as object) };
      else next[key] = value;
    }
    await tx
      .insert(dispatchRules)
      .values({ regionId: region.id, rules: next })
      .onConflictDoUpdate({ target: dispatchRules.regionId, set: { rules: next, updatedAt: sql`now()` } });
  });
  const [resolved] = (await rulesOfSubtree(db, region.path)).filter((r) => r.regionId === region.id);
  if (!resolved) throw new InputError([{ path, message: 'the region no longer exists' }]);
  return resolved.rules;
}
