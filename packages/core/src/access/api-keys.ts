/**
 * API keys: `wx_<prefix>_<secret>`. The prefix (10 lowercase letters and digits) is public and finds the
 * row; the secret (32 random bytes, base64url) is stored only as its SHA-256, so the key is shown once,
 * when created. Creating and revoking a key is recorded in the audit log.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import { apiKeys, auditLog, type Db } from '@weixi/db';
import { systemClock, type Clock } from '../clock.js';
import { InputError, NotFoundError, type InputIssue } from '../errors.js';
import { regionsByCode } from '../regions/regions.js';
import { unauthenticated } from './errors.js';
import { checkGrant, resolvePrincipal, SYSTEM_PRINCIPAL, type AccessGrant, type Principal } from './principal.js';
import { forgetRememberedPrincipals } from './principal-memory.js';

/** `wx_`, the prefix (8–12 of a–z, 0–9; 10 when created here), `_`, the secret (base64url, 43+ chars). */
export const API_KEY_PATTERN = /^wx_([a-z0-9]{8,12})_([A-Za-z0-9_-]{43,128})$/;
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LENGTH = 10;
const SECRET_BYTES = 32;
/** `last_used_at` is written at most this often per key, so busy keys do not write on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_NAME_LENGTH = 200;

/** A stored key without its secret hash: what `listApiKeys` shows. */
export type ApiKeyRecord = Omit<typeof apiKeys.$inferSelect, 'secretHash'>;

export interface CreateApiKeyInput {
  role: string;
  /** Operators: at least one. Agents and integrators: optional bound (none = all regions). Admins: none. */
  regionCodes?: readonly string[] | null;
  /** Agents only: whose tasks the key works on. */
  agentId?: string | null;
  /** Integrators only: at least one of `read`, `ingest`. */
  scopes?: readonly string[] | null;
  /** What the key is for, shown in lists (`billing sync`, `Nanjing ops`). */
  name?: string | null;
}

export interface CreatedApiKey {
  /** The whole key. It is not stored and cannot be shown again. */
  key: string;
  record: ApiKeyRecord;
}

export interface KeyChangeOptions {
  clock?: Clock;
  /** Who makes the change, for the audit log; default the system (the CLI). Callers check it may. */
  by?: Principal;
}

const record = {
  id: apiKeys.id,
  prefix: apiKeys.prefix,
  name: apiKeys.name,
  role: apiKeys.role,
  regionCodes: apiKeys.regionCodes,
  agentId: apiKeys.agentId,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** The checks that need no database (role, region count, agent, scopes, name), as issues with input paths. */
export function checkApiKeyInput(input: CreateApiKeyInput): { grant?: AccessGrant; name: string | null; issues: InputIssue[] } {
  const { grant, issues } = checkGrant(input);
  const name = typeof input.name === 'string' && input.name.trim() !== '' ? input.name.trim() : null;
  if (name !== null && name.length > MAX_NAME_LENGTH) issues.push({ path: 'name', message: `at most ${MAX_NAME_LENGTH} characters, got ${name.length}` });
  return { grant: issues.length === 0 ? grant : undefined, name, issues };
}

/**
 * Creates a key after checking the input (InputError with paths `role`, `regionCodes[i]`, `agentId`,
 * `scopes[i]`, `name`; every region code must exist). Returns the key, which only this call ever sees.
 */
export async function createApiKey(db: Db, input: CreateApiKeyInput, options: KeyChangeOptions = {}): Promise<CreatedApiKey> {
  const { grant, name, issues } = checkApiKeyInput(input);
  if (!grant) throw new InputError(issues);
  const found = await regionsByCode(db, grant.regionCodes);
  const unknown = grant.regionCodes.filter((code) => !found.has(code));
  if (unknown.length > 0) {
    const raw = (input.regionCodes ?? []).map((c) => c.trim());
    throw new InputError(unknown.map((code) => ({ path: `regionCodes[${raw.indexOf(code)}]`, message: `region ${JSON.stringify(code)} does not exist` })));
  }
  const now = (options.clock ?? systemClock).now();
  const by = options.by ?? SYSTEM_PRINCIPAL;
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return db.transaction(async (tx) => {
    // A prefix collision (36^10 of them) is next to impossible; take another one if it happens.
    for (let attempt = 0; attempt < 5; attempt++) {
      const prefix = randomPrefix();
      const [row] = await tx
        .insert(apiKeys)
        .values({ prefix, secretHash: hashSecret(secret), name, role: grant.role, regionCodes: [...grant.regionCodes], agentId: grant.agentId, scopes: [...grant.scopes], createdAt: now })
        .onConflictDoNothing({ target: apiKeys.prefix })
        .returning(record);
      if (!row) continue;
      await tx.insert(auditLog).values({ at: now, actor: by.actor, role: by.kind, operation: 'apiKey.create', objects: [`apiKey:${prefix}`], outcome: 'ok', detail: describeGrant(grant) });
      return { key: `wx_${prefix}_${secret}`, record: row };
    }
    throw new Error('could not find a free API key prefix in 5 attempts');
  });
}

/** Every key, oldest first, revoked ones included; never the secret or its hash. */
export async function listApiKeys(db: Db): Promise<ApiKeyRecord[]> {
  return db.select(record).from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

/**
 * Revokes a key by its prefix (`abc123defg`; `wx_abc123defg` is accepted too). Idempotent: revoking a
 * revoked key changes nothing and says so with `alreadyRevoked` (the first revocation time stays).
 * NotFoundError when no key has the prefix.
 */
export async function revokeApiKey(db: Db, prefix: string, options: KeyChangeOptions = {}): Promise<{ record: ApiKeyRecord; alreadyRevoked: boolean }> {
  const wanted = prefix.trim().replace(/^wx_/, '').split('_')[0]!;
  const now = (options.clock ?? systemClock).now();
  const by = options.by ?? SYSTEM_PRINCIPAL;
  const result = await db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.prefix, wanted), isNull(apiKeys.revokedAt)))
      .returning(record);
    if (revoked) {
      await tx.insert(auditLog).values({ at: now, actor: by.actor, role: by.kind, operation: 'apiKey.revoke', objects: [`apiKey:${wanted}`], outcome: 'ok', detail: null });
      return { record: revoked, alreadyRevoked: false };
    }
    const [existing] = await tx.select(record).from(apiKeys).where(eq(apiKeys.prefix, wanted));
    if (!existing) throw new NotFoundError('API key', wanted, 'prefix');
    return { record: existing, alreadyRevoked: true };
  });
  // After the commit: a request in this process that re-reads the key from now on sees the revocation.
  if (!result.alreadyRevoked) forgetRememberedPrincipals();
  return result;
}

/**
 * The principal of an API key. Fails with UNAUTHENTICATED and reason `malformed_credentials` (not a
 * `wx_` key), `unknown_key` (no such prefix, or a wrong secret: the two are not told apart) or
 * `revoked_key`. Notes the use in `last_used_at`, at most once a minute per key.
 */
export async function verifyApiKey(db: Db, token: string, clock: Clock = systemClock): Promise<Principal> {
  const match = API_KEY_PATTERN.exec(token);
  if (!match) {
    throw unauthenticated('malformed_credentials', "not a Weixi API key: expected 'wx_<prefix>_<secret>' as printed by 'weixi keys create'");
  }
  const [, prefix, secret] = match as unknown as [string, string, string];
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
  // Compare against a dummy hash when the prefix is unknown, so both failures take the same work.
  const matches = timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(row?.secretHash ?? DUMMY_HASH, 'hex'));
  if (!row || !matches) throw unauthenticated('unknown_key', `unknown API key wx_${prefix}_…: it was not issued here, or its secret is wrong`);
  if (row.revokedAt) throw unauthenticated('revoked_key', `API key wx_${prefix}_… was revoked at ${row.revokedAt.toISOString()}; ask an admin for a new one`);
  const { grant, issues } = checkGrant(row);
  if (!grant) throw unauthenticated('unknown_key', `API key wx_${prefix}_… is not valid any more: ${issues.map((i) => i.message).join('; ')}`);
  const principal = await resolvePrincipal(db, grant, `key:${prefix}`);
  const now = clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS + 1);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
  }
  return principal;
}

/** SHA-256 of the secret part, hex: what `api_keys.secret_hash` holds. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const DUMMY_HASH = hashSecret('no such key');

function randomPrefix(): string {
  let prefix = '';
  while (prefix.length < PREFIX_LENGTH) {
    for (const byte of randomBytes(PREFIX_LENGTH * 2)) {
      // 252 = 7 × 36: taking bytes below it keeps every character equally likely.
      if (byte < 252 && prefix.length < PREFIX_LENGTH) prefix += PREFIX_ALPHABET[byte % 36];
    }
  }
  return prefix;
}

/** `operator of JS, ZJ-HZ` / `agent a-17 in JS` / `integrator (read, ingest)`, for the audit log and the CLI. */
export function describeGrant(grant: { role: string; regionCodes: readonly string[]; agentId: string | null; scopes: readonly string[] }): string {
  const regions = grant.regionCodes.join(', ');
  if (grant.role === 'operator') return `operator of ${regions}`;
  const who = grant.role === 'agent' ? `agent ${grant.agentId}` : grant.role === 'integrator' ? `integrator (${grant.scopes.join(', ')})` : grant.role;
  return regions === '' ? who : `${who} in ${regions}`;
}
