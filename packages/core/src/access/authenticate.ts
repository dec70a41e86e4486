/**
 * From an `Authorization` header to a principal: `Bearer wx_...` is an API key, `Bearer <a>.<b>.<c>` a
 * JWT. Anything else, including no header, fails with UNAUTHENTICATED and a message saying what to send.
 */
import type { Db } from '@weixi/db';
import { systemClock, type Clock } from '../clock.js';
import { verifyApiKey } from './api-keys.js';
import { unauthenticated } from './errors.js';
import { looksLikeJwt, verifyJwt, type JwtOptions } from './jwt.js';
import { checkJwtNotRevoked } from './jwt-revocations.js';
import { resolvePrincipal, type Principal } from './principal.js';
import type { CheckedCredential, PrincipalMemory } from './principal-memory.js';

export interface AuthenticateOptions {
  /** JWT settings (see `jwtOptionsFromEnv`); without a secret only API keys are accepted. */
  jwt?: JwtOptions;
  /** Remember principals for a moment (the server keeps one per database); default: check every time. */
  memory?: PrincipalMemory;
}

const HOW = "send 'Authorization: Bearer <token>' with an API key (wx_..., from 'weixi keys create') or a JWT";

/** The token of a `Bearer` Authorization header (the scheme is case-insensitive). */
export function bearerToken(authorization: string | null | undefined): string {
  const header = authorization?.trim() ?? '';
  if (header === '') throw unauthenticated('missing_credentials', `not authenticated: ${HOW}`);
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    const scheme = header.split(/\s+/)[0]!;
    const said = /^bearer$/i.test(scheme) ? 'an empty or malformed Bearer token' : `the '${scheme.slice(0, 20)}' scheme`;
    throw unauthenticated('malformed_credentials', `the Authorization header has ${said}: ${HOW}`);
  }
  return match[1]!;
}

/** The principal for a request's Authorization header: verifies the key or token and resolves its regions. */
export async function authenticate(
  db: Db,
  authorization: string | null | undefined,
  options: AuthenticateOptions = {},
  clock: Clock = systemClock,
): Promise<Principal> {
  const token = bearerToken(authorization);
  const check = () => checkCredential(db, token, options.jwt ?? {}, clock);
  return options.memory ? options.memory.recall(token, clock, check) : (await check()).principal;
}

async function checkCredential(db: Db, token: string, jwt: JwtOptions, clock: Clock): Promise<CheckedCredential> {
  if (token.startsWith('wx_')) return { principal: await verifyApiKey(db, token, clock) };
  if (looksLikeJwt(token)) {
    const grant = await verifyJwt(token, jwt, clock);
    // Both at once: one round trip's wait, not two. A remembered principal is forgotten when a JWT is revoked.
    const [, principal] = await Promise.all([checkJwtNotRevoked(db, grant), resolvePrincipal(db, grant, grant.actor)]);
    return { principal, expiresAt: grant.expiresAt };
  }
  throw unauthenticated('malformed_credentials', `the Bearer token is neither a Weixi API key nor a JWT: ${HOW}`);
}
