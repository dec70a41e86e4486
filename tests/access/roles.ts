/**
 * The principals the sweep runs every operation as, each with the rows it may read and change written
 * out independently of the implementation: the sweep's oracle (oracle.ts, fingerprint.ts) checks the
 * server against these, so a scope rule that drifts in the server shows up as a leak here.
 */
import { signJwt, type CreateApiKeyInput } from '@weixi/core/access';
import type { TestApi } from '../api/harness.js';

/** Region subtrees by code (their ancestors are visible as tree nodes, never their rows), or every region. */
export type RegionBound = 'all' | readonly string[];

export interface SweepRole {
  /** Shown in every failure message. */
  name: string;
  /** The credential: an API key for this grant, or (with `jwt`) a token carrying the same claims. */
  grant: CreateApiKeyInput;
  jwt?: boolean;
  /** The most it may read: rows beyond this are leaks. */
  reads: {
    regions: RegionBound;
    /** An agent sees its own tasks and their customers (within `regions`). */
    agent?: string;
    /** False: no customer data at all (an ingest-only integrator). */
    customers: boolean;
    jobRuns: boolean;
  };
  /** What it may change; every other row is fingerprinted around each of its mutations. */
  writes: {
    regions: RegionBound;
    /** Only the tasks assigned to this agent (and their transitions and attempts). */
    agent?: string;
    /** Tables it may write at all. */
    tables: 'all' | readonly string[];
  };
}

export const IN_SCOPE_REGION = 'JS-NJ';
export const IN_SCOPE_AGENT = 'a-nj';
export const OUT_OF_SCOPE_AGENT = 'a-zj';
const nj = [IN_SCOPE_REGION];
const TASK_TABLES = ['retention_tasks', 'task_transitions', 'task_attempts'];

export const ADMIN: SweepRole = {
  name: 'admin',
  grant: { role: 'admin', name: 'sweep admin' },
  reads: { regions: 'all', customers: true, jobRuns: true },
  writes: { regions: 'all', tables: 'all' },
};

const operator = (jwt: boolean): SweepRole => ({
  name: `operator of JS-NJ (${jwt ? 'JWT' : 'API key'})`,
  grant: { role: 'operator', regionCodes: nj, name: 'sweep operator' },
  jwt,
  reads: { regions: nj, customers: true, jobRuns: true },
  writes: { regions: nj, tables: 'all' },
});

/** Everyone the sweep runs as; admin first (the positive control), then the roles that must be bounded. */
export const SWEEP_ROLES: readonly SweepRole[] = [
  ADMIN,
  operator(false),
  operator(true),
  {
    name: `agent ${IN_SCOPE_AGENT}`,
    grant: { role: 'agent', agentId: IN_SCOPE_AGENT, name: 'sweep agent' },
    // An agent bounded by no region sees the region tree (it holds no customer data), not its rows.
    reads: { regions: 'all', agent: IN_SCOPE_AGENT, customers: true, jobRuns: false },
    writes: { regions: 'all', agent: IN_SCOPE_AGENT, tables: TASK_TABLES },
  },
  {
    name: `agent ${IN_SCOPE_AGENT} bounded to JS-NJ`,
    grant: { role: 'agent', agentId: IN_SCOPE_AGENT, regionCodes: nj, name: 'sweep bounded agent' },
    reads: { regions: nj, agent: IN_SCOPE_AGENT, customers: true, jobRuns: false },
    writes: { regions: nj, agent: IN_SCOPE_AGENT, tables: TASK_TABLES },
  },
  {
    name: 'integrator (read) of JS-NJ',
    grant: { role: 'integrator', scopes: ['read'], regionCodes: nj, name: 'sweep reader' },
    reads: { regions: nj, customers: true, jobRuns: false },
    writes: { regions: nj, tables: [] },
  },
  {
    name: 'integrator (ingest) of JS-NJ',
    grant: { role: 'integrator', scopes: ['ingest'], regionCodes: nj, name: 'sweep ingest' },
    reads: { regions: nj, customers: false, jobRuns: false },
    writes: { regions: nj, tables: ['customers', 'monthly_usage', 'customer_events'] },
  },
];

/** The HS256 secret the sweep's server accepts JWTs with (set before the server starts). */
export const SWEEP_JWT_SECRET = 'sweep-secret-of-at-least-thirty-two-characters';

/** The bearer credential for a role: a fresh API key, or a JWT with the same claims. */
export async function credentialFor(api: TestApi, role: SweepRole): Promise<string> {
  if (!role.jwt) return api.key(role.grant);
  const { grant } = role;
  return signJwt(
    {
      sub: role.name.replace(/\W+/g, '-'),
      role: grant.role as 'operator',
      ...(grant.regionCodes ? { regions: [...grant.regionCodes] } : {}),
      ...(grant.agentId ? { agent: grant.agentId } : {}),
      ...(grant.scopes ? { scopes: [...grant.scopes] } : {}),
    },
    // Valid for the whole sweep, which moves the clock a day on before the mutations.
    { secret: SWEEP_JWT_SECRET, expiresInSeconds: 30 * 24 * 3600 },
    api.clock,
  );
}
