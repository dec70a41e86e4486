/**
 * Who is calling. Every request is made by a principal, built from an API key or a JWT. The role decides
 * what it may see: the whole country, region subtrees, one agent's tasks, or what an integration's scopes
 * allow. Region codes of a credential are resolved to region paths once, when it is authenticated, so
 * scope checks (see scope.ts) need no further lookups.
 */
import { ROLES, type Db, type Role } from '@weixi/db';
import type { InputIssue } from '../errors.js';
import { regionsByCode } from '../regions/regions.js';
import { unauthenticated } from './errors.js';

export { ROLES, type Role };

/** What an integrator key may do: `read` data, `ingest` customers, usage and events. */
export const INTEGRATOR_SCOPES = ['read', 'ingest'] as const;
export type IntegratorScope = (typeof INTEGRATOR_SCOPES)[number];

interface Identified {
  /** Who, for the audit log and task transitions: `key:<prefix>`, `jwt:<sub>`, or `system`. */
  readonly actor: string;
}

/** Platform admin: sees and changes everything in every region, manages keys, plugins and settings. */
export interface AdminPrincipal extends Identified {
  readonly kind: 'admin';
}

/**
 * Regional operator: sees and works on everything in its regions and all regions below them (customers,
 * segments' members, tasks, jobs and plugin settings there), and nothing elsewhere.
 */
export interface OperatorPrincipal extends Identified {
  readonly kind: 'operator';
  /** The region codes the credential names, as given (at least one). */
  readonly regionCodes: readonly string[];
  /** Their region paths (`/JS/JS-NJ/`), minimal: a path inside another listed path is dropped. */
  readonly regionPaths: readonly string[];
}

/**
 * Retention agent: sees the tasks assigned to it (`retention_tasks.assignee = agentId`) and the customers
 * of those tasks, and records attempts and outcomes on them. No region is visible to it as a whole.
 */
export interface AgentPrincipal extends Identified {
  readonly kind: 'agent';
  readonly agentId: string;
  readonly regionCodes: readonly string[];
  /** A further bound on the customers it sees, or `all` when the credential names no region. */
  readonly regionPaths: readonly string[] | 'all';
}

/**
 * A system integration (billing, CRM, data platform), by API key: `read` reads data, `ingest` writes
 * customers, usage and events; in its regions' subtrees, or everywhere when the key names no region.
 */
export interface IntegratorPrincipal extends Identified {
  readonly kind: 'integrator';
  readonly scopes: readonly IntegratorScope[];
  readonly regionCodes: readonly string[];
  readonly regionPaths: readonly string[] | 'all';
}

export type Principal = AdminPrincipal | OperatorPrincipal | AgentPrincipal | IntegratorPrincipal;

/** The platform itself (CLI, jobs, first start): an admin that the audit log records as `system`. */
export const SYSTEM_PRINCIPAL: AdminPrincipal = Object.freeze({ kind: 'admin', actor: 'system' });

/** What a credential grants, checked but with region codes not yet resolved: an API key row or JWT claims. */
export interface AccessGrant {
  readonly role: Role;
  readonly regionCodes: readonly string[];
  readonly agentId: string | null;
  readonly scopes: readonly IntegratorScope[];
}

/** A grant as a caller describes it (CLI options, mutation input, JWT claims), before checking. */
export interface GrantInput {
  role: string;
  regionCodes?: readonly string[] | null;
  agentId?: string | null;
  scopes?: readonly string[] | null;
}

/** The names the issues use for each field: input field names, or JWT claim names. */
export interface GrantFieldNames {
  role: string;
  regionCodes: string;
  agentId: string;
  scopes: string;
}

export const GRANT_INPUT_NAMES: GrantFieldNames = { role: 'role', regionCodes: 'regionCodes', agentId: 'agentId', scopes: 'scopes' };

const or = (items: readonly string[]) => `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/**
 * Checks what each role needs, without the database: a known role; operators name at least one region,
 * admins none; agents name an agent id and only agents do; integrators have at least one known scope and
 * only integrators have scopes. Trims and de-duplicates. Region codes are checked to exist elsewhere.
 */
export function checkGrant(input: GrantInput, names: GrantFieldNames = GRANT_INPUT_NAMES): { grant?: AccessGrant; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const role = (ROLES as readonly string[]).includes(input.role) ? (input.role as Role) : undefined;
  if (!role) add(names.role, `unknown role ${JSON.stringify(input.role)}; use ${or(ROLES)}`);

  const regionCodes: string[] = [];
  (input.regionCodes ?? []).forEach((raw, i) => {
    const code = typeof raw === 'string' ? raw.trim() : '';
    if (code === '') add(`${names.regionCodes}[${i}]`, 'a region code must be a non-empty string');
    else if (!regionCodes.includes(code)) regionCodes.push(code);
  });
  if (role === 'admin' && regionCodes.length > 0) add(names.regionCodes, 'an admin sees every region; name no regions');
  if (role === 'operator' && regionCodes.length === 0 && issues.every((i) => !i.path.startsWith(names.regionCodes))) {
    add(names.regionCodes, 'an operator needs at least one region code (it sees those regions and everything below them)');
  }

  const agentId = typeof input.agentId === 'string' && input.agentId.trim() !== '' ? input.agentId.trim() : null;
  if (role === 'agent' && agentId === null) add(names.agentId, 'an agent needs the agent id whose tasks it works on');
  if (role !== undefined && role !== 'agent' && input.agentId != null) add(names.agentId, `only agents name an agent, not ${role}s`);

  const scopes: IntegratorScope[] = [];
  (input.scopes ?? []).forEach((raw, i) => {
    const scope = typeof raw === 'string' ? raw.trim() : raw;
    if (!(INTEGRATOR_SCOPES as readonly unknown[]).includes(scope)) add(`${names.scopes}[${i}]`, `unknown scope ${JSON.stringify(raw)}; use ${or(INTEGRATOR_SCOPES)}`);
    else if (!scopes.includes(scope as IntegratorScope)) scopes.push(scope as IntegratorScope);
  });
  if (role === 'integrator' && (input.scopes ?? []).length === 0) add(names.scopes, `an integrator needs at least one scope: ${or(INTEGRATOR_SCOPES)}`);
  if (role !== undefined && role !== 'integrator' && (input.scopes ?? []).length > 0) {
    add(names.scopes, `scopes apply to integrators only; ${role}s get their powers from the role`);
  }

  if (!role || issues.length > 0) return { issues };
  return { grant: { role, regionCodes, agentId: role === 'agent' ? agentId : null, scopes: role === 'integrator' ? scopes : [] }, issues };
}

/** Paths sorted, without those inside another listed path (`/JS/JS-NJ/` goes when `/JS/` is there). */
export function minimalPaths(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  return sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(q)));
}

/**
 * The principal for a checked grant: region codes resolved to paths in one query (none when the grant
 * names no region). A code that no longer exists fails authentication rather than silently narrowing it.
 */
export async function resolvePrincipal(db: Db, grant: AccessGrant, actor: string): Promise<Principal> {
  if (grant.role === 'admin') return { kind: 'admin', actor };
  const found = await regionsByCode(db, grant.regionCodes);
  const missing = grant.regionCodes.filter((code) => !found.has(code));
  if (missing.length > 0) {
    throw unauthenticated(
      'unknown_region',
      `the credential of ${actor} names region${missing.length === 1 ? '' : 's'} ${missing.map((c) => JSON.stringify(c)).join(', ')} ` +
        `that ${missing.length === 1 ? 'does' : 'do'} not exist; ask an admin for a new one`,
    );
  }
  const regionCodes = [...grant.regionCodes];
  const paths = minimalPaths(regionCodes.map((code) => found.get(code)!.path));
  switch (grant.role) {
    case 'operator':
      return { kind: 'operator', actor, regionCodes, regionPaths: paths };
    case 'agent':
      return { kind: 'agent', actor, agentId: grant.agentId!, regionCodes, regionPaths: regionCodes.length === 0 ? 'all' : paths };
    case 'integrator':
      return { kind: 'integrator', actor, scopes: [...grant.scopes], regionCodes, regionPaths: regionCodes.length === 0 ? 'all' : paths };
  }
}
