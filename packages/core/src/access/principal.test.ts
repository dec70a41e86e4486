import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { AccessError } from './errors.js';
import { checkGrant, minimalPaths, resolvePrincipal, type AccessGrant } from './principal.js';
import { insertTestTree } from './test-fixtures.js';

describe('checkGrant', () => {
  const paths = (input: Parameters<typeof checkGrant>[0]) => checkGrant(input).issues.map((i) => `${i.path}: ${i.message}`);

  it('accepts each role with what it needs, trimmed and de-duplicated', () => {
    expect(checkGrant({ role: 'admin' }).grant).toEqual({ role: 'admin', regionCodes: [], agentId: null, scopes: [] });
    expect(checkGrant({ role: 'operator', regionCodes: [' JS', 'JS', 'ZJ-HZ'] }).grant).toEqual({ role: 'operator', regionCodes: ['JS', 'ZJ-HZ'], agentId: null, scopes: [] });
    expect(checkGrant({ role: 'agent', agentId: ' a-17 ' }).grant).toEqual({ role: 'agent', regionCodes: [], agentId: 'a-17', scopes: [] });
    expect(checkGrant({ role: 'integrator', scopes: ['ingest', 'read', 'read'], regionCodes: ['JS'] }).grant)
      .toEqual({ role: 'integrator', regionCodes: ['JS'], agentId: null, scopes: ['ingest', 'read'] });
  });

  it('says what each role is missing or must not have, with input paths', () => {
    expect(paths({ role: 'root' })).toEqual(['role: unknown role "root"; use admin, operator, agent or integrator']);
    expect(paths({ role: 'operator' })).toEqual(['regionCodes: an operator needs at least one region code (it sees those regions and everything below them)']);
    expect(paths({ role: 'operator', regionCodes: ['JS', ' '] })).toEqual(['regionCodes[1]: a region code must be a non-empty string']);
    expect(paths({ role: 'admin', regionCodes: ['JS'] })).toEqual(['regionCodes: an admin sees every region; name no regions']);
    expect(paths({ role: 'agent', agentId: '  ' })).toEqual(['agentId: an agent needs the agent id whose tasks it works on']);
    expect(paths({ role: 'operator', regionCodes: ['JS'], agentId: 'a-1' })).toEqual(['agentId: only agents name an agent, not operators']);
    expect(paths({ role: 'integrator' })).toEqual(['scopes: an integrator needs at least one scope: read or ingest']);
    expect(paths({ role: 'integrator', scopes: ['read', 'write'] })).toEqual(['scopes[1]: unknown scope "write"; use read or ingest']);
    expect(paths({ role: 'admin', scopes: ['read'] })).toEqual(['scopes: scopes apply to integrators only; admins get their powers from the role']);
  });

  it('names the fields as the caller knows them (JWT claims)', () => {
    const { issues } = checkGrant({ role: 'agent' }, { role: 'role', regionCodes: 'regions', agentId: 'agent', scopes: 'scopes' });
    expect(issues.map((i) => i.path)).toEqual(['agent']);
  });
});

describe('minimalPaths', () => {
  it('drops paths inside another and duplicates, and keeps siblings that share a prefix of characters', () => {
    expect(minimalPaths(['/JS/JS-NJ/', '/JS/', '/ZJ/ZJ-HZ/', '/JS/', '/JSX/'])).toEqual(['/JS/', '/JSX/', '/ZJ/ZJ-HZ/']);
  });
});

describe('resolvePrincipal', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await insertTestTree(database.db);
  });
  afterAll(() => database.close());

  const grant = (g: Partial<AccessGrant> & Pick<AccessGrant, 'role'>): AccessGrant => ({ regionCodes: [], agentId: null, scopes: [], ...g });

  it('resolves region codes to minimal paths in one query, and none for grants without regions', async () => {
    const statements: string[] = [];
    const off = database.onStatement((s) => statements.push(s));
    const operator = await resolvePrincipal(database.db, grant({ role: 'operator', regionCodes: ['JS-NJ', 'JS', 'ZJ-HZ'] }), 'key:abc');
    expect(statements).toHaveLength(1);
    expect(operator).toEqual({ kind: 'operator', actor: 'key:abc', regionCodes: ['JS-NJ', 'JS', 'ZJ-HZ'], regionPaths: ['/JS/', '/ZJ/ZJ-HZ/'] });
    expect(await resolvePrincipal(database.db, grant({ role: 'admin' }), 'jwt:root')).toEqual({ kind: 'admin', actor: 'jwt:root' });
    expect(await resolvePrincipal(database.db, grant({ role: 'agent', agentId: 'a-1' }), 'key:x'))
      .toEqual({ kind: 'agent', actor: 'key:x', agentId: 'a-1', regionCodes: [], regionPaths: 'all' });
    expect(await resolvePrincipal(database.db, grant({ role: 'integrator', scopes: ['read'], regionCodes: ['ZJ'] }), 'key:y'))
      .toEqual({ kind: 'integrator', actor: 'key:y', scopes: ['read'], regionCodes: ['ZJ'], regionPaths: ['/ZJ/'] });
    off();
    expect(statements).toHaveLength(2); // the operator and the integrator: admins and region-less agents need none
  });

  it('fails authentication when a region no longer exists', async () => {
    const error = await resolvePrincipal(database.db, grant({ role: 'operator', regionCodes: ['JS', 'GONE'] }), 'key:abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'unknown_region', httpStatus: 401 });
    expect((error as Error).message).toBe('the credential of key:abc names region "GONE" that does not exist; ask an admin for a new one');
  });
});
