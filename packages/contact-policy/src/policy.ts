/**
 * A region's contact policy (触达规范). A region stores only the keys it sets (`contact_policies.policy`) and
 * inherits the rest from its nearest ancestor that sets them, then from DEFAULT_CONTACT_POLICY; the maps
 * (`frequencyCap`, `quietHours`, `portOut`) inherit key by key.
 */
import { eq, sql } from 'drizzle-orm';
import { contactPolicies, queryRows, type Db } from '@weixi/db';
import { parseQuietHours } from './quiet-hours.js';

export interface FrequencyCap {
  /** Marketing contacts per customer per calendar day of the customer's region, across every tactic and channel. */
  perDay: number;
  /** ... in the last 7 days (rolling). */
  perWeek: number;
  /** ... in the last 30 days (rolling). */
  perMonth: number;
}

export interface PortOutRule {
  /** The customer event recording a port-out application (携号转网申请). */
  applicationEvent: string;
  /** Events that end the application (completed, cancelled). */
  closingEvents: string[];
  /** An application older than this many days no longer holds marketing back. */
  days: number;
}

export interface ContactPolicy {
  /** `opt-out`: marketing may go to a customer who has not refused it; `opt-in`: only to one who agreed. */
  marketingConsent: 'opt-out' | 'opt-in';
  frequencyCap: FrequencyCap;
  /** Local quiet hours (`HH:MM-HH:MM`, may cross midnight) per channel id, `default` for the others; null: none. */
  quietHours: Record<string, string | null>;
  /** Public holidays (`YYYY-MM-DD`, local): marketing on channels with quiet hours waits for the next working day. */
  holidays: string[];
  portOut: PortOutRule;
}

export const DEFAULT_CONTACT_POLICY: Readonly<ContactPolicy> = Object.freeze<ContactPolicy>({
  marketingConsent: 'opt-out',
  frequencyCap: { perDay: 1, perWeek: 3, perMonth: 6 },
  // Commercial SMS and calls stay out of the evening and night (工信部: 21:00-08:00 is the usual floor); email
  // waits in an inbox and a hall offer waits for the customer's visit, so neither has quiet hours.
  quietHours: { default: '21:00-08:00', call: '20:00-09:00', 'account-manager': '20:00-09:00', email: null, hall: null },
  holidays: [],
  portOut: { applicationEvent: 'port_out.application', closingEvents: ['port_out.completed', 'port_out.cancelled'], days: 60 },
});

/** A region's own settings: any subset of the policy, maps partial too; null removes a key. */
export type ContactPolicyPatch = Partial<Omit<ContactPolicy, 'frequencyCap' | 'quietHours' | 'portOut'>> & {
  frequencyCap?: Partial<FrequencyCap>;
  quietHours?: Record<string, string | null>;
  portOut?: Partial<PortOutRule>;
};

export interface PolicyIssue {
  path: string;
  message: string;
}

const MAPS = ['frequencyCap', 'quietHours', 'portOut'] as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Every problem of a patch, each named by its path under `path`; unknown keys are problems, not ignored typos. */
export function policyPatchIssues(patch: unknown, path = 'policy'): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const add = (at: string, message: string) => issues.push({ path: `${path}.${at}`, message });
  if (!isObject(patch)) return [{ path, message: 'must be an object with keys of the contact policy' }];
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) continue;
    switch (key) {
      case 'marketingConsent':
        if (value !== 'opt-out' && value !== 'opt-in') add(key, 'must be "opt-out" or "opt-in"');
        break;
      case 'frequencyCap':
        if (!isObject(value)) add(key, 'must be an object { perDay, perWeek, perMonth }');
        else for (const [k, v] of Object.entries(value)) {
          if (!(k in DEFAULT_CONTACT_POLICY.frequencyCap)) add(`${key}.${k}`, 'is not a cap; use perDay, perWeek, perMonth');
          else if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100)) add(`${key}.${k}`, 'must be a whole number from 0 to 100');
        }
        break;
      case 'quietHours':
        if (!isObject(value)) add(key, 'must be an object of channel id → "HH:MM-HH:MM" or null');
        else for (const [channel, v] of Object.entries(value)) {
          if (channel !== 'default' && !/^[a-z][a-z0-9-]{0,39}$/.test(channel)) add(`${key}.${channel}`, 'is not a channel id (or "default")');
          else if (v !== null && (typeof v !== 'string' || !parseQuietHours(v))) add(`${key}.${channel}`, `${JSON.stringify(v)} is not local hours like "21:00-08:00" (start and end differ)`);
        }
        break;
      case 'holidays':
        if (!Array.isArray(value) || value.length > 400) add(key, 'must be a list of at most 400 dates like "2026-10-01"');
        else value.forEach((d, i) => {
          if (typeof d !== 'string' || !DATE.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) add(`${key}[${i}]`, `${JSON.stringify(d)} is not a date like "2026-10-01"`);
        });
        break;
      case 'portOut':
        if (!isObject(value)) add(key, 'must be an object { applicationEvent, closingEvents, days }');
        else for (const [k, v] of Object.entries(value)) {
          if (k === 'applicationEvent') {
            if (typeof v !== 'string' || v.length === 0 || v.length > 100) add(`${key}.${k}`, 'must be an event type');
          } else if (k === 'closingEvents') {
            if (!Array.isArray(v) || !v.every((e) => typeof e === 'string' && e.length > 0 && e.length <= 100)) add(`${key}.${k}`, 'must be a list of event types');
          } else if (k === 'days') {
            if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 366) add(`${key}.${k}`, 'must be a whole number of days from 1 to 366');
          } else add(`${key}.${k}`, 'is not part of the port-out rule; use applicationEvent, closingEvents, days');
        }
        break;
      default:
        add(key, `is not part of the contact policy; use ${Object.keys(DEFAULT_CONTACT_POLICY).join(', ')}`);
    }
  }
  return issues;
}

/** The policy of a region whose own patch and its ancestors' patches are given, nearest last. */
export function mergePolicy(patches: readonly ContactPolicyPatch[]): ContactPolicy {
  const base = DEFAULT_CONTACT_POLICY;
  let policy: ContactPolicy = { ...base, frequencyCap: { ...base.frequencyCap }, quietHours: { ...base.quietHours }, portOut: { ...base.portOut } };
  for (const patch of patches) {
    const { frequencyCap, quietHours, portOut, ...flat } = patch;
    const set = Object.fromEntries(Object.entries(flat).filter(([, v]) => v !== undefined && v !== null));
    const defined = <T extends object>(o: T | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
    policy = {
      ...policy,
      ...set,
      frequencyCap: { ...policy.frequencyCap, ...Object.fromEntries(Object.entries(frequencyCap ?? {}).filter(([, v]) => v !== null && v !== undefined)) },
      // A null quiet-hours entry is meaningful (no quiet hours on that channel), so it is kept.
      quietHours: { ...policy.quietHours, ...(defined(quietHours) as Record<string, string | null>) },
      portOut: { ...policy.portOut, ...Object.fromEntries(Object.entries(portOut ?? {}).filter(([, v]) => v !== null && v !== undefined)) },
    };
  }
  return policy;
}

/** The ancestors' paths of a region path, root first, the region's own last: /JS/, /JS/JS-NJ/, ... */
export const pathChain = (path: string): string[] => path.split('/').slice(1, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}/`);

/** The effective policy of each region whose path is given, read in one statement. */
export async function policiesOf(db: Db, paths: readonly string[]): Promise<Map<string, ContactPolicy>> {
  const chains = new Map(paths.map((p) => [p, pathChain(p)]));
  const wanted = [...new Set([...chains.values()].flat())];
  if (wanted.length === 0) return new Map();
  const rows = await queryRows<{ path: string; policy: ContactPolicyPatch }>(
    db,
    sql`select r.path, p.policy from ${contactPolicies} p join regions r on r.id = p.region_id where r.path in (${sql.join(wanted.map((w) => sql`${w}`), sql`, `)})`,
  );
  const own = new Map(rows.map((r) => [r.path, r.policy]));
  return new Map([...chains].map(([path, chain]) => [path, mergePolicy(chain.map((p) => own.get(p) ?? {}))]));
}

/**
 * Sets keys of a region's own policy (null removes a key, so it inherits again) after checking the patch;
 * returns the problems instead when there are any, and then writes nothing.
 */
export async function setContactPolicy(db: Db, region: { id: number; path: string }, patch: Record<string, unknown>, path = 'policy'): Promise<{ policy: ContactPolicy } | { issues: PolicyIssue[] }> {
  const issues = policyPatchIssues(patch, path);
  if (issues.length > 0) return { issues };
  await db.transaction(async (tx) => {
    const [current] = await tx.select().from(contactPolicies).where(eq(contactPolicies.regionId, region.id)).for('update');
    const next: Record<string, unknown> = { ...(current?.policy ?? {}) };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete next[key];
      else if ((MAPS as readonly string[]).includes(key)) {
        const merged: Record<string, unknown> = { ...(next[key] as object | undefined), ...(value as object) };
        // In the caps and the port-out rule a null key inherits again; in quiet hours null means "none".
        if (key !== 'quietHours') for (const k of Object.keys(merged)) if (merged[k] === null) delete merged[k];
        next[key] = merged;
      } else next[key] = value;
    }
    await tx
      .insert(contactPolicies)
      .values({ regionId: region.id, policy: next })
      .onConflictDoUpdate({ target: contactPolicies.regionId, set: { policy: next, updatedAt: sql`now()` } });
  });
  return { policy: (await policiesOf(db, [region.path])).get(region.path)! };
}
