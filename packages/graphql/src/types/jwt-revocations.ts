import { revokeJwt, type JwtRevocation } from '@weixi/core/access';
import type { WeixiBuilder } from '../builder.js';
import { enumOf } from './enums.js';

/** Revoking JWTs over GraphQL, for platform admins: one token by `jti`, or a subject's tokens so far. */
export function registerJwtRevocations(builder: WeixiBuilder): void {
  const Kind = enumOf(builder, 'JwtRevocationKind', ['jti', 'subject'] as const, 'What a JWT revocation names.', {
    jti: 'One token, by its `jti` claim.',
    subject: 'Every token of a subject (`sub`) issued up to the revocation; later ones work.',
  });
  const Revocation = builder.objectRef<JwtRevocation>('JwtRevocation').implement({
    description: 'A revoked JWT, or a subject whose JWTs issued until `revokedAt` are refused.',
    fields: (t) => ({
      kind: t.field({ type: Kind, resolve: (r) => r.kind }),
      value: t.exposeString('value', { description: 'The `jti` or the `sub`.' }),
      revokedAt: t.expose('revokedAt', { type: 'DateTime' }),
      revokedBy: t.exposeString('revokedBy', { description: 'The actor who revoked it.' }),
    }),
  });
  builder.mutationField('revokeJwt', (t) =>
    t.field({
      type: Revocation,
      description:
        'Revokes one JWT by its `jti`, or every JWT of a subject issued until now (give exactly one). The next request with such a token is refused (401, reason jwt_revoked). Platform admins only.',
      args: { jti: t.arg.string(), subject: t.arg.string() },
      // Admins only: a mutation missing from the permission matrix needs `administer`.
      resolve: (_root, args, ctx) => revokeJwt(ctx.database.db, args, { by: ctx.principal, clock: ctx.clock }),
    }),
  );
}
