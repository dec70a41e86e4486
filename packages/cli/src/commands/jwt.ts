/**
 * `weixi jwt revoke --jti ID | --subject SUB`: refuses one JWT, or every JWT of a subject issued until now,
 * from the next request on (the server reads revocations on every JWT request).
 */
import { InputError } from '@weixi/core';
import { revokeJwt } from '@weixi/core/access';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { parseOptions } from '../arguments.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';

const USAGE = `Usage: weixi jwt revoke --jti ID
       weixi jwt revoke --subject SUB

Revokes JWTs before they expire: --jti one token (its "jti" claim), --subject every token of that
subject (its "sub" claim) issued until now; tokens issued later work. The next request with a revoked
token is refused (401, reason jwt_revoked). Revoking a subject again moves its time to now.
The database is DATABASE_URL, else PGlite at WEIXI_DATA_DIR or .weixi/data; it is migrated first.

Examples:
  pnpm weixi jwt revoke --jti 2f1c9a7e-token-id
  pnpm weixi jwt revoke --subject wang.fang`;

export const jwt: Command = {
  name: 'jwt',
  summary: 'revoke JWTs by token id or subject',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'revoke') throw new UsageError(sub === undefined ? 'no subcommand given: use revoke' : `unknown subcommand '${sub}': use revoke`, 'jwt');
    const values = parseOptions('jwt', rest, { jti: { type: 'string' }, subject: { type: 'string' } });
    if ((values.jti === undefined) === (values.subject === undefined)) throw new UsageError('give exactly one of --jti and --subject', 'jwt');
    const revocation = await withDatabase(async (database) => {
      await applyMigrations(database);
      try {
        return await revokeJwt(database.db, { jti: values.jti, subject: values.subject });
      } catch (error) {
        if (error instanceof InputError) throw new CliError(error.issues.map((i) => `--${i.path}: ${i.message}`).join('; '));
        throw error;
      }
    });
    const what = revocation.kind === 'jti' ? `JWT ${JSON.stringify(revocation.value)}` : `JWTs of ${JSON.stringify(revocation.value)} issued until ${revocation.revokedAt.toISOString()}`;
    process.stdout.write(`Revoked ${what} in ${describeDatabase()}.\n`);
    return 0;
  },
};
