/** `weixi jwt revoke`, spawned as a user runs it; the revocation is checked with the core's checkJwtNotRevoked. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { AccessError, checkJwtNotRevoked, type JwtGrant } from '@weixi/core/access';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectDatabase, runWeixi } from '../spawn-cli.test-support.js';

const SLOW = 120_000;
let env: Record<string, string | undefined>;
let tempDir: string | undefined;
let postgresDb: TestDatabase | undefined;

beforeAll(async () => {
  const base = { ...process.env, DATABASE_URL: undefined, WEIXI_DATA_DIR: undefined };
  if (testDatabaseKind() === 'postgres') {
    postgresDb = await createTestDatabase();
    env = { ...base, DATABASE_URL: postgresDb.url };
  } else {
    tempDir = await mkdtemp(join(tmpdir(), 'weixi-cli-jwt-'));
    env = { ...base, WEIXI_DATA_DIR: join(tempDir, 'data') };
    const database = await openDatabase({ dataDir: env.WEIXI_DATA_DIR! });
    await database.migrate();
    await database.close();
  }
}, SLOW);
afterAll(async () => {
  await postgresDb?.close();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

const grant = (subject: string, tokenId: string): JwtGrant => ({
  role: 'admin', regionCodes: [], agentId: null, scopes: [], subject, actor: `jwt:${subject}`, tokenId,
  issuedAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() + 3_600_000),
});

const revokedReason = (g: JwtGrant) =>
  inspectDatabase({ postgres: postgresDb as Database | undefined, dataDir: env.WEIXI_DATA_DIR }, (database) =>
    checkJwtNotRevoked(database.db, g).then(() => 'valid', (error: unknown) => (error instanceof AccessError ? error.reason : Promise.reject(error))),
  );

describe('weixi jwt revoke', () => {
  it('revokes one token by --jti and a subject\'s tokens by --subject', async () => {
    const byJti = await runWeixi(['jwt', 'revoke', '--jti', 'tok-1'], env);
    expect(byJti.code, byJti.stderr).toBe(0);
    expect(byJti.stdout).toContain('Revoked JWT "tok-1"');
    expect(await revokedReason(grant('wang.fang', 'tok-1'))).toBe('jwt_revoked');
    expect(await revokedReason(grant('wang.fang', 'tok-2'))).toBe('valid');

    const bySubject = await runWeixi(['jwt', 'revoke', '--subject', 'wang.fang'], env);
    expect(bySubject.code, bySubject.stderr).toBe(0);
    expect(await revokedReason(grant('wang.fang', 'tok-2'))).toBe('jwt_revoked');
    expect(await revokedReason(grant('li.lei', 'tok-3'))).toBe('valid');
  }, SLOW);

  it('says what to give when neither or both are given', async () => {
    for (const args of [['jwt', 'revoke'], ['jwt', 'revoke', '--jti', 'a', '--subject', 'b']]) {
      const run = await runWeixi(args, env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('give exactly one of --jti and --subject');
    }
  }, SLOW);
});
