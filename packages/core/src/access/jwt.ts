/**
 * Bearer JWTs, verified with jose: HS256 only, with the shared secret WEIXI_JWT_SECRET (at least 32
 * characters), optionally a required issuer (WEIXI_JWT_ISSUER) and audience (WEIXI_JWT_AUDIENCE). Tokens
 * must carry `sub`, `iat`, `exp` and `role`; `regions` (codes), `agent` and `scopes` as the role needs them,
 * with the same rules as API keys. A token lives at most WEIXI_JWT_MAX_LIFETIME seconds (`exp - iat`,
 * default 24 hours) and may not be issued in the future (a minute of clock skew allowed), so a leaked token
 * cannot outlive a day; `jti` lets one token be revoked (see jwt-revocations.ts).
 */
import { SignJWT, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { systemClock, type Clock } from '../clock.js';
import { unauthenticated } from './errors.js';
import { checkGrant, ROLES, type AccessGrant, type Role } from './principal.js';

export const JWT_ALGORITHM = 'HS256';
export const MIN_JWT_SECRET_LENGTH = 32;
/** The longest lifetime (`exp - iat`) a token may have unless configured: 24 hours. */
export const DEFAULT_JWT_MAX_LIFETIME_SECONDS = 86_400;
/** How far in the future `iat` may be, for clocks that disagree a little. */
export const JWT_ISSUED_AT_SKEW_SECONDS = 60;

export interface JwtOptions {
  /** The HS256 secret; without it, JWTs are refused (API keys still work). */
  secret?: string;
  /** When set, the `iss` claim must equal it. */
  issuer?: string;
  /** When set, the `aud` claim must contain it. */
  audience?: string;
  /** Leeway for `exp` and `nbf`, in seconds (default 0). */
  clockToleranceSeconds?: number;
  /** The longest `exp - iat` accepted, in seconds (default 24 hours). */
  maxLifetimeSeconds?: number;
}

/** What a verified JWT grants, and whose it is (`sub`). */
export interface JwtGrant extends AccessGrant {
  subject: string;
  /** `jwt:<sub>`, for the audit log. */
  actor: string;
  expiresAt: Date;
  issuedAt: Date;
  /** The token's id (`jti`), when it has one: what revoking one token names. */
  tokenId?: string;
}

/** JWT settings from the environment; throws at startup when the secret is set but too short. */
export function jwtOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): JwtOptions {
  const lifetime = env.WEIXI_JWT_MAX_LIFETIME || undefined;
  const options: JwtOptions = {
    secret: env.WEIXI_JWT_SECRET || undefined,
    issuer: env.WEIXI_JWT_ISSUER || undefined,
    audience: env.WEIXI_JWT_AUDIENCE || undefined,
    maxLifetimeSeconds: lifetime === undefined ? undefined : Number(lifetime),
  };
  if (options.secret !== undefined) secretKey(options.secret);
  if (lifetime !== undefined && !(Number.isInteger(options.maxLifetimeSeconds) && options.maxLifetimeSeconds! > 0)) {
    throw new Error(`WEIXI_JWT_MAX_LIFETIME=${JSON.stringify(lifetime)} is not a whole number of seconds above 0 (e.g. 86400 for a day)`);
  }
  return options;
}

/** Three base64url parts separated by dots (the last is empty for unsigned `alg: none` tokens). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * Verifies a JWT and checks its claims. Fails with UNAUTHENTICATED and a reason: `jwt_disabled` (no
 * secret configured), `malformed_credentials`, `jwt_bad_algorithm` (not HS256, `none` included),
 * `jwt_bad_signature`, `jwt_expired`, `jwt_bad_claims` (role, regions, agent, scopes, sub, iat, exp, iss,
 * aud, nbf; a lifetime over the maximum; `iat` in the future). Revocation is checked by `authenticate`.
 */
export async function verifyJwt(token: string, options: JwtOptions, clock: Clock = systemClock): Promise<JwtGrant> {
  if (!options.secret) {
    throw unauthenticated('jwt_disabled', "JWTs are not accepted here (the server has no WEIXI_JWT_SECRET); use an API key from 'weixi keys create'");
  }
  const key = secretKey(options.secret);
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthenticated('malformed_credentials', 'not a valid JWT: its header is not base64url-encoded JSON');
  }
  if (alg !== JWT_ALGORITHM) {
    throw unauthenticated('jwt_bad_algorithm', `JWT algorithm ${JSON.stringify(alg ?? null)} is not accepted; tokens must be signed with ${JWT_ALGORITHM}`);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [JWT_ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
      currentDate: clock.now(),
      clockTolerance: options.clockToleranceSeconds ?? 0,
      requiredClaims: ['sub', 'iat', 'exp'],
    }));
  } catch (error) {
    throw joseFailure(error);
  }
  checkLifetime(payload as JWTPayload & { iat: number; exp: number }, options, clock);
  return grantFromClaims(payload);
}

/** `iat` not in the future (beyond the skew), and `exp - iat` within the maximum lifetime. */
function checkLifetime({ iat, exp }: { iat: number; exp: number }, options: JwtOptions, clock: Clock): void {
  const now = clock.now().getTime() / 1000;
  if (iat > now + JWT_ISSUED_AT_SKEW_SECONDS) {
    throw unauthenticated('jwt_bad_claims', `JWT rejected: "iat" (${new Date(iat * 1000).toISOString()}) is in the future; check the issuer's clock`);
  }
  const max = options.maxLifetimeSeconds ?? DEFAULT_JWT_MAX_LIFETIME_SECONDS;
  if (exp - iat > max) {
    throw unauthenticated('jwt_bad_claims', `JWT rejected: it lives ${exp - iat} s from "iat" to "exp", over the maximum of ${max} s (WEIXI_JWT_MAX_LIFETIME); issue shorter-lived tokens`);
  }
}

function joseFailure(error: unknown): Error {
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? ` at ${new Date(error.payload.exp * 1000).toISOString()}` : '';
    return unauthenticated('jwt_expired', `JWT expired${exp}; get a new token`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthenticated('jwt_bad_signature', "JWT signature does not verify: the token was not signed with this server's secret, or was altered");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated('jwt_bad_claims', `JWT rejected: ${error.message}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthenticated('jwt_bad_algorithm', `JWT algorithm is not accepted; tokens must be signed with ${JWT_ALGORITHM}`);
  }
  if (error instanceof errors.JOSEError) return unauthenticated('malformed_credentials', `not a valid JWT: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

function grantFromClaims(payload: JWTPayload): JwtGrant {
  const claimIssues: string[] = [];
  const stringList = (name: string): string[] | undefined => {
    const value = payload[name];
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    claimIssues.push(`"${name}" must be an array of strings`);
    return undefined;
  };
  const role = payload.role;
  if (role === undefined) claimIssues.push(`"role" is missing; expected one of ${ROLES.join(', ')}`);
  else if (typeof role !== 'string') claimIssues.push('"role" must be a string');
  const agent = payload.agent;
  if (agent !== undefined && typeof agent !== 'string') claimIssues.push('"agent" must be a string');
  const regions = stringList('regions');
  const scopes = stringList('scopes');
  const subject = payload.sub ?? '';
  if (subject.trim() === '') claimIssues.push('"sub" must name the user');
  if (claimIssues.length === 0) {
    const { grant, issues } = checkGrant(
      { role: role as string, regionCodes: regions, agentId: agent as string | undefined, scopes },
      { role: 'role', regionCodes: 'regions', agentId: 'agent', scopes: 'scopes' },
    );
    if (grant) {
      const tokenId = typeof payload.jti === 'string' && payload.jti !== '' ? { tokenId: payload.jti } : {};
      return { ...grant, subject, actor: `jwt:${subject}`, expiresAt: new Date(payload.exp! * 1000), issuedAt: new Date(payload.iat! * 1000), ...tokenId };
    }
    claimIssues.push(...issues.map((i) => `"${i.path}": ${i.message}`));
  }
  throw unauthenticated('jwt_bad_claims', `JWT claims rejected: ${claimIssues.join('; ')}`);
}

export interface JwtClaimsInput {
  sub: string;
  role: Role;
  regions?: string[];
  agent?: string;
  scopes?: string[];
}

export interface SignJwtOptions {
  secret: string;
  issuer?: string;
  audience?: string;
  /** Lifetime from `clock.now()`, in seconds (default one hour). */
  expiresInSeconds?: number;
  /** The token's id (`jti`), so it can be revoked alone. */
  tokenId?: string;
}

/** Signs an HS256 token with the claims Weixi reads (for tests, and the first-start admin token). */
export async function signJwt(claims: JwtClaimsInput, options: SignJwtOptions, clock: Clock = systemClock): Promise<string> {
  const now = Math.floor(clock.now().getTime() / 1000);
  const { sub, ...rest } = claims;
  const jwt = new SignJWT({ ...rest })
    .setProtectedHeader({ alg: JWT_ALGORITHM, typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600));
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.tokenId) jwt.setJti(options.tokenId);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(secretKey(options.secret));
}

function secretKey(secret: string): Uint8Array {
  if (secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(`WEIXI_JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters (it has ${secret.length}); generate one with 'openssl rand -base64 48'`);
  }
  return new TextEncoder().encode(secret);
}
