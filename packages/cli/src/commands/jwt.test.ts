/** `weixi jwt revoke`, spawned as a user runs it; the revocation is checked with the core's checkJwtNotRevoked. */
import { AccessError, checkJwtNotRevoked, type JwtGrant } from '@weixi/core/access';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runWeixi, type CliDatabase } from '../spawn-cli.test-support.js';

const SLOW = 120_000;
let cli: CliDatabase;

beforeAll(async () => {
  cli = await cliDatabase('jwt');
  // jwt revoke does not migrate: the database is one a server or `migrate` set up.
  await cli.inspect((database) => database.migrate());
}, SLOW);
afterAll(() => cli?.close());

const grant = (subject: string, tokenId: string): JwtGrant => ({
  role: 'admin', regionCodes: [], agentId: null, scopes: [], subject, actor: `jwt:${subject}`, tokenId,
  issuedAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() + 3_600_000),
});

const revokedReason = (g: JwtGrant) =>
  cli.inspect((database) =>
    checkJwtNotRevoked(database.db, g).then(() => 'valid', (error: unknown) => (error instanceof AccessError ? error.reason : Promise.reject(error))),
  );

describe('weixi jwt revoke', () => {
  it('revokes one token by --jti and a subject\'s tokens by --subject', async () => {
    const byJti = await runWeixi(['jwt', 'revoke', '--jti', 'tok-1'], cli.env);
    expect(byJti.code, byJti.stderr).toBe(0);
    expect(byJti.stdout).toContain('Revoked JWT "tok-1"');
    expect(await revokedReason(grant('wang.fang', 'tok-1'))).toBe('jwt_revoked');
    expect(await revokedReason(grant('wang.fang', 'tok-2'))).toBe('valid');

    const bySubject = await runWeixi(['jwt', 'revoke', '--subject', 'wang.fang'], cli.env);
    expect(bySubject.code, bySubject.stderr).toBe(0);
    expect(await revokedReason(grant('wang.fang', 'tok-2'))).toBe('jwt_revoked');
    expect(await revokedReason(grant('li.lei', 'tok-3'))).toBe('valid');
  }, SLOW);

  it('says what to give when neither or both are given', async () => {
    for (const args of [['jwt', 'revoke'], ['jwt', 'revoke', '--jti', 'a', '--subject', 'b']]) {
      const run = await runWeixi(args, cli.env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('give exactly one of --jti and --subject');
    }
  }, SLOW);
});
