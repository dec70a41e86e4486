import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import type { Clock } from '../clock.js';
import { InputError, NotFoundError } from '../errors.js';
import { API_KEY_PATTERN, createApiKey, hashSecret, listApiKeys, revokeApiKey, verifyApiKey } from './api-keys.js';
import type { Principal } from './principal.js';
import { insertTestTree } from './test-fixtures.js';
import { accessFailure } from './access-failure.test-support.js';

let database: TestDatabase;
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const T0 = '2026-03-01T08:00:00.000Z';

beforeAll(async () => {
  database = await createTestDatabase();
  await insertTestTree(database.db);
});
afterAll(() => database.close());

const failure = (promise: Promise<unknown>) => accessFailure(promise);

describe('createApiKey', () => {
  it('returns a wx_<prefix>_<secret> key once and stores only the prefix and the SHA-256 of the secret', async () => {
    const { key, record } = await createApiKey(database.db, { role: 'operator', regionCodes: ['JS', 'ZJ-HZ'], name: ' Nanjing ops ' }, { clock: at(T0) });
    const match = API_KEY_PATTERN.exec(key)!;
    expect(match).not.toBeNull();
    const [, prefix, secret] = match;
    expect(prefix).toMatch(/^[a-z0-9]{10}$/);
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    expect(record).toEqual({
      id: expect.any(Number),
      prefix,
      name: 'Nanjing ops',
      role: 'operator',
      regionCodes: ['JS', 'ZJ-HZ'],
      agentId: null,
      scopes: [],
      createdAt: new Date(T0),
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(record).not.toHaveProperty('secretHash');
    const [row] = await database.rows<{ secret_hash: string; everything: string }>(
      sql`select secret_hash, row_to_json(api_keys)::text as everything from api_keys where prefix = ${prefix!}`,
    );
    expect(row!.secret_hash).toBe(hashSecret(secret!));
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.everything).not.toContain(secret);
  });

  it('gives every key its own prefix and secret', async () => {
    const keys = await Promise.all(Array.from({ length: 5 }, () => createApiKey(database.db, { role: 'admin' })));
    expect(new Set(keys.map((k) => k.record.prefix)).size).toBe(5);
    expect(new Set(keys.map((k) => k.key.split('_').slice(2).join('_'))).size).toBe(5);
  });

  it('records who created the key in the audit log', async () => {
    const by: Principal = { kind: 'admin', actor: 'jwt:li.lei' };
    const { record } = await createApiKey(database.db, { role: 'integrator', scopes: ['ingest'], regionCodes: ['JS'] }, { clock: at(T0), by });
    const rows = await database.rows<{ actor: string; role: string; operation: string; objects: string[]; outcome: string; detail: string }>(
      sql`select actor, role, operation, objects, outcome, detail from audit_log where objects ? ${`apiKey:${record.prefix}`}`,
    );
    expect(rows).toEqual([{ actor: 'jwt:li.lei', role: 'admin', operation: 'apiKey.create', objects: [`apiKey:${record.prefix}`], outcome: 'ok', detail: 'integrator (ingest) in JS' }]);
  });

  it('rejects bad input with every issue and its path, writing nothing', async () => {
    const before = await listApiKeys(database.db);
    const cases: Array<[Parameters<typeof createApiKey>[1], string[]]> = [
      [{ role: 'superuser' }, ['role']],
      [{ role: 'operator' }, ['regionCodes']],
      [{ role: 'operator', regionCodes: ['JS', 'NOPE', 'ZJ', 'GONE'] }, ['regionCodes[1]', 'regionCodes[3]']],
      [{ role: 'agent' }, ['agentId']],
      [{ role: 'integrator', scopes: ['read', 'admin'], name: 'x'.repeat(201) }, ['scopes[1]', 'name']],
    ];
    for (const [input, paths] of cases) {
      const error = await createApiKey(database.db, input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(InputError);
      expect((error as InputError).issues.map((i) => i.path)).toEqual(paths);
    }
    const error = await createApiKey(database.db, { role: 'operator', regionCodes: ['NOPE'] }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('regionCodes[0]: region "NOPE" does not exist');
    expect(await listApiKeys(database.db)).toHaveLength(before.length);
  });
});

describe('verifyApiKey', () => {
  it('gives the principal of the key, with its regions as paths and the key prefix as actor', async () => {
    const operator = await createApiKey(database.db, { role: 'operator', regionCodes: ['JS-NJ', 'ZJ'] });
    expect(await verifyApiKey(database.db, operator.key)).toEqual({
      kind: 'operator',
      actor: `key:${operator.record.prefix}`,
      regionCodes: ['JS-NJ', 'ZJ'],
      regionPaths: ['/JS/JS-NJ/', '/ZJ/'],
    });
    const agent = await createApiKey(database.db, { role: 'agent', agentId: 'a-17' });
    expect(await verifyApiKey(database.db, agent.key)).toEqual({ kind: 'agent', actor: `key:${agent.record.prefix}`, agentId: 'a-17', regionCodes: [], regionPaths: 'all' });
    const integrator = await createApiKey(database.db, { role: 'integrator', scopes: ['read'] });
    expect(await verifyApiKey(database.db, integrator.key)).toMatchObject({ kind: 'integrator', scopes: ['read'], regionPaths: 'all' });
    const admin = await createApiKey(database.db, { role: 'admin' });
    expect(await verifyApiKey(database.db, admin.key)).toEqual({ kind: 'admin', actor: `key:${admin.record.prefix}` });
  });

  it('tells malformed, unknown and wrong-secret keys apart from revoked ones', async () => {
    const { key, record } = await createApiKey(database.db, { role: 'admin' });
    const malformed = await failure(verifyApiKey(database.db, 'wx_short_secret'));
    expect(malformed).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed_credentials' });
    expect(malformed.message).toMatch(/expected 'wx_<prefix>_<secret>'/);
    const unknownPrefix = await failure(verifyApiKey(database.db, key.replace(record.prefix, 'zzzzzzzzzz')));
    expect(unknownPrefix.reason).toBe('unknown_key');
    const wrongSecret = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    const wrong = await failure(verifyApiKey(database.db, wrongSecret));
    expect(wrong.reason).toBe('unknown_key');
    expect(wrong.message).toBe(`unknown API key wx_${record.prefix}_…: it was not issued here, or its secret is wrong`);
    expect(wrong.message).not.toContain(key.slice(`wx_${record.prefix}_`.length)); // the secret (base64url, may hold '_')

    await revokeApiKey(database.db, record.prefix, { clock: at(T0) });
    const revoked = await failure(verifyApiKey(database.db, key));
    expect(revoked).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked_key' });
    expect(revoked.message).toBe(`API key wx_${record.prefix}_… was revoked at ${T0}; ask an admin for a new one`);
    // A wrong secret for a revoked key says nothing about the revocation.
    expect((await failure(verifyApiKey(database.db, wrongSecret))).reason).toBe('unknown_key');
  });

  it('notes the last use at most once a minute', async () => {
    const { key, record } = await createApiKey(database.db, { role: 'admin' });
    const lastUsed = async () => (await listApiKeys(database.db)).find((k) => k.prefix === record.prefix)!.lastUsedAt?.toISOString();
    const writes: string[] = [];
    const off = database.onStatement((s) => /^update "api_keys"/.test(s) && writes.push(s));
    await verifyApiKey(database.db, key, at('2026-03-01T08:00:00.000Z'));
    expect(await lastUsed()).toBe('2026-03-01T08:00:00.000Z');
    await verifyApiKey(database.db, key, at('2026-03-01T08:00:59.999Z'));
    expect(await lastUsed()).toBe('2026-03-01T08:00:00.000Z');
    await verifyApiKey(database.db, key, at('2026-03-01T08:01:00.000Z'));
    expect(await lastUsed()).toBe('2026-03-01T08:01:00.000Z');
    off();
    expect(writes).toHaveLength(2);
  });

  it('refuses a key whose region was removed since it was created', async () => {
    const { key } = await createApiKey(database.db, { role: 'operator', regionCodes: ['PQ'] });
    await database.rows(sql`update regions set code = 'PQ-OLD' where code = 'PQ'`);
    try {
      expect((await failure(verifyApiKey(database.db, key))).reason).toBe('unknown_region');
    } finally {
      await database.rows(sql`update regions set code = 'PQ' where code = 'PQ-OLD'`);
    }
  });
});

describe('listApiKeys and revokeApiKey', () => {
  it('lists keys oldest first without secrets, and revokes idempotently', async () => {
    const { record } = await createApiKey(database.db, { role: 'agent', agentId: 'a-2', regionCodes: ['ZJ'] }, { clock: at('2030-01-01T00:00:00Z') });
    const listed = await listApiKeys(database.db);
    expect(listed.at(-1)).toEqual(record);
    expect(listed.every((k) => !('secretHash' in k))).toBe(true);
    const times = listed.map((k) => k.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const first = await revokeApiKey(database.db, record.prefix, { clock: at('2030-01-02T00:00:00Z') });
    expect(first).toEqual({ record: { ...record, revokedAt: new Date('2030-01-02T00:00:00Z') }, alreadyRevoked: false });
    const again = await revokeApiKey(database.db, `wx_${record.prefix}`, { clock: at('2030-01-03T00:00:00Z') });
    expect(again).toEqual({ record: { ...record, revokedAt: new Date('2030-01-02T00:00:00Z') }, alreadyRevoked: true });
    const audit = await database.rows<{ operation: string; actor: string }>(
      sql`select operation, actor from audit_log where objects ? ${`apiKey:${record.prefix}`} order by id`,
    );
    expect(audit).toEqual([{ operation: 'apiKey.create', actor: 'system' }, { operation: 'apiKey.revoke', actor: 'system' }]);
  });

  it('says when no key has the prefix', async () => {
    const error = await revokeApiKey(database.db, 'nosuchkey1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('prefix: API key "nosuchkey1" does not exist');
  });
});
