/**
 * Revoking JWTs before they expire: one token by its `jti`, or every token of a subject issued up to now
 * (a token whose `iat` is not later than the revocation; tokens issued afterwards work again). Stored in
 * `jwt_revocations` and read on every JWT request, so a revocation takes effect on the next request.
 */
import { forgetRememberedPrincipals } from './principal-memory.js';
import { and, eq, or } from 'drizzle-orm';
import { auditLog, jwtRevocations, type Db } from '@weixi/db';
import { systemClock, type Clock } from '../clock.js';
import { InputError } from '../errors.js';
import { unauthenticated } from './errors.js';
import type { JwtGrant } from './jwt.js';
import { SYSTEM_PRINCIPAL, type Principal } from './principal.js';

export type JwtRevocationKind = 'jti' | 'subject';

export interface JwtRevocation {
  kind: JwtRevocationKind;
  value: string;
  revokedAt: Date;
  revokedBy: string;
}

/** What to revoke: exactly one of a token id or a subject. */
export interface RevokeJwtInput {
  jti?: string | null;
  subject?: string | null;
}

/**
 * Records a revocation (revoking a subject again moves its time to now) and audits it as `jwt.revoke`.
 * Fails with BAD_USER_INPUT unless exactly one of `jti` and `subject` is given, non-empty.
 */
export async function revokeJwt(db: Db, input: RevokeJwtInput, options: { by?: Principal; clock?: Clock } = {}): Promise<JwtRevocation> {
  const given = (['jti', 'subject'] as const).filter((k) => (input[k] ?? '').trim() !== '');
  if (given.length !== 1) {
    const message = given.length ? 'give jti or subject, not both' : 'give the token id (jti) or the subject (sub) to revoke';
    throw new InputError([{ path: given.length ? 'subject' : 'jti', message }]);
  }
  const kind = given[0]!;
  const row: JwtRevocation = { kind, value: input[kind]!.trim(), revokedAt: (options.clock ?? systemClock).now(), revokedBy: (options.by ?? SYSTEM_PRINCIPAL).actor };
  const by = options.by ?? SYSTEM_PRINCIPAL;
  const stored = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(jwtRevocations)
      .values(row)
      .onConflictDoUpdate({ target: [jwtRevocations.kind, jwtRevocations.value], set: { revokedAt: row.revokedAt, revokedBy: row.revokedBy } })
      .returning();
    await tx.insert(auditLog).values({ at: row.revokedAt, actor: by.actor, role: by.kind, operation: 'jwt.revoke', objects: [`jwt.${kind}:${row.value}`], outcome: 'ok', detail: null });
    return inserted!;
  });
  // This server's remembered principals go at once; other servers' within their memory time (1 s).
  forgetRememberedPrincipals();
  return stored;
}

/** Fails with UNAUTHENTICATED, reason `jwt_revoked`, when the token or its subject was revoked. */
export async function checkJwtNotRevoked(db: Db, grant: JwtGrant): Promise<void> {
  const byToken = grant.tokenId === undefined ? undefined : and(eq(jwtRevocations.kind, 'jti'), eq(jwtRevocations.value, grant.tokenId));
  const bySubject = and(eq(jwtRevocations.kind, 'subject'), eq(jwtRevocations.value, grant.subject));
  const rows = await db.select().from(jwtRevocations).where(or(byToken, bySubject));
  for (const r of rows) {
    // `iat` has whole seconds: a token issued in the second of the revocation counts as before it.
    if (r.kind === 'jti' || grant.issuedAt.getTime() <= r.revokedAt.getTime()) {
      const at = r.revokedAt.toISOString();
      const what = r.kind === 'jti' ? `JWT ${JSON.stringify(grant.tokenId)} was revoked at ${at}` : `the JWTs of ${JSON.stringify(grant.subject)} issued until ${at} were revoked`;
      throw unauthenticated('jwt_revoked', `${what}; get a new token`);
    }
  }
}
