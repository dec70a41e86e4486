import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { createApiKey, revokeApiKey } from './api-keys.js';
import { authenticate, bearerToken } from './authenticate.js';
import { signJwt } from './jwt.js';
import { insertTestTree } from './test-fixtures.js';
import { accessFailure } from './access-failure.test-support.js';

const SECRET = 'authenticate-test-secret-0123456789abcdef';
const options = { jwt: { secret: SECRET } };
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await insertTestTree(database.db);
});
afterAll(() => database.close());

const failure = (promise: Promise<unknown>) => accessFailure(promise, 'UNAUTHENTICATED');

describe('authenticate', () => {
  it('says how to authenticate when there is no Authorization header', async () => {
    for (const header of [undefined, null, '', '   ']) {
      const error = await failure(authenticate(database.db, header, options));
      expect(error.reason).toBe('missing_credentials');
      expect(error.message).toBe("not authenticated: send 'Authorization: Bearer <token>' with an API key (wx_..., from 'weixi keys create') or a JWT");
      expect(error.httpStatus).toBe(401);
    }
  });

  it('rejects other schemes and tokens that are neither a key nor a JWT', async () => {
    expect((await failure(authenticate(database.db, 'Basic dXNlcjpwYXNz', options))).message).toMatch(/^the Authorization header has the 'Basic' scheme: send/);
    expect((await failure(authenticate(database.db, 'Bearer', options))).message).toMatch(/^the Authorization header has an empty or malformed Bearer token/);
    expect((await failure(authenticate(database.db, 'Bearer a b', options))).reason).toBe('malformed_credentials');
    expect((await failure(authenticate(database.db, 'Bearer hunter2', options))).message).toMatch(/^the Bearer token is neither a Weixi API key nor a JWT/);
    expect((await failure(authenticate(database.db, 'Bearer wx_nope', options))).message).toMatch(/^not a Weixi API key/);
  });

  it('routes wx_ tokens to the API keys, with any case of Bearer', async () => {
    const { key, record } = await createApiKey(database.db, { role: 'operator', regionCodes: ['JS-NJ'] });
    expect(bearerToken(`bearer ${key}`)).toBe(key);
    expect(await authenticate(database.db, `bearer  ${key} `, options)).toEqual({
      kind: 'operator',
      actor: `key:${record.prefix}`,
      regionCodes: ['JS-NJ'],
      regionPaths: ['/JS/JS-NJ/'],
    });
    await revokeApiKey(database.db, record.prefix);
    expect((await failure(authenticate(database.db, `Bearer ${key}`, options))).reason).toBe('revoked_key');
  });

  it('routes JWTs to the JWT check, resolving their region codes in one query and checking revocations in another', async () => {
    const token = await signJwt({ sub: 'zhao.lei', role: 'integrator', scopes: ['ingest'], regions: ['ZJ', 'A_B'] }, { secret: SECRET });
    const statements: string[] = [];
    const off = database.onStatement((s) => statements.push(s));
    const principal = await authenticate(database.db, `Bearer ${token}`, options);
    off();
    expect(principal).toEqual({ kind: 'integrator', actor: 'jwt:zhao.lei', scopes: ['ingest'], regionCodes: ['ZJ', 'A_B'], regionPaths: ['/A_B/', '/ZJ/'] });
    expect(statements).toHaveLength(2);
    expect(statements.filter((s) => s.includes('jwt_revocations'))).toHaveLength(1);
    const admin = await signJwt({ sub: 'root', role: 'admin' }, { secret: SECRET });
    expect(await authenticate(database.db, `Bearer ${admin}`, options)).toEqual({ kind: 'admin', actor: 'jwt:root' });
  });

  it('fails a JWT naming a region that does not exist, and any JWT when none are configured', async () => {
    const token = await signJwt({ sub: 'u', role: 'operator', regions: ['JS', 'XX'] }, { secret: SECRET });
    const error = await failure(authenticate(database.db, `Bearer ${token}`, options));
    expect(error.reason).toBe('unknown_region');
    expect(error.message).toBe('the credential of jwt:u names region "XX" that does not exist; ask an admin for a new one');
    expect((await failure(authenticate(database.db, `Bearer ${token}`))).reason).toBe('jwt_disabled');
  });
});
