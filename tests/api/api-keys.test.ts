import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

const KEY = 'prefix name role regionCodes agentId scopes createdAt lastUsedAt revokedAt';
const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${KEY} } } }`;
const LIST = `query ($revoked: Boolean, $first: Int, $after: String) {
  apiKeys(revoked: $revoked, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${KEY} } } } }`;
const REVOKE = `mutation ($prefix: String!) { revokeApiKey(prefix: $prefix) { alreadyRevoked apiKey { prefix revokedAt } } }`;

let api: TestApi;
const prefixOf = (key: string) => key.split('_')[1]!;

/** POSTs a query with a key and returns the HTTP status with the body, to see 401s as a client does. */
async function post(key: string, query: string) {
  const res = await fetch(api.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
});
afterAll(() => api.close());

describe('API keys over GraphQL', () => {
  it('creates a key, shown once, that authenticates with the grant it was given', async () => {
    api.clock.set('2026-11-15T05:00:00Z');
    const { createApiKey } = await api.ok(CREATE, { input: { role: 'OPERATOR', regionCodes: ['JS-NJ', 'ZJ'], name: 'Nanjing ops' } });
    expect(createApiKey.key).toMatch(/^wx_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    expect(createApiKey.apiKey).toEqual({
      prefix: prefixOf(createApiKey.key),
      name: 'Nanjing ops',
      role: 'OPERATOR',
      regionCodes: ['JS-NJ', 'ZJ'],
      agentId: null,
      scopes: [],
      createdAt: '2026-11-15T05:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
    });
    // It works, as an operator: regions outside its subtrees are not shown.
    const { regions } = await api.as(createApiKey.key).ok(`query { regions { edges { node { code } } } }`);
    const codes = regions.edges.map((e: any) => e.node.code);
    expect(codes).toEqual(expect.arrayContaining(['JS-NJ', 'JS-NJ-GL', 'ZJ', 'ZJ-HZ']));
    expect(codes).not.toContain('JS-SZ');

    const integrator = (await api.ok(CREATE, { input: { role: 'INTEGRATOR', scopes: ['READ', 'INGEST'], name: 'billing' } })).createApiKey;
    expect(integrator.apiKey).toMatchObject({ role: 'INTEGRATOR', scopes: ['READ', 'INGEST'], regionCodes: [] });
    const agent = (await api.ok(CREATE, { input: { role: 'AGENT', agentId: 'agent-7' } })).createApiKey;
    expect(agent.apiKey).toMatchObject({ role: 'AGENT', agentId: 'agent-7', name: null });
  });

  it('lists keys oldest first, keyset-paged, without secrets or their hashes', async () => {
    const keys = [(await api.ok(CREATE, { input: { role: 'ADMIN', name: 'second admin' } })).createApiKey.key as string];
    const all = await api.ok(LIST, { first: 100 });
    const prefixes = all.apiKeys.edges.map((e: any) => e.node.prefix);
    expect(all.apiKeys.totalCount).toBe(prefixes.length);
    expect(prefixes[0]).toBe(prefixOf(api.adminKey)); // the harness's admin key came first
    expect(prefixes.at(-1)).toBe(prefixOf(keys[0]!));
    const secret = keys[0]!.split('_').slice(2).join('_');
    expect(JSON.stringify(all)).not.toContain(secret);

    const { __type } = await api.ok(`query { __type(name: "ApiKey") { fields { name } } }`);
    expect(__type.fields.map((f: any) => f.name).filter((n: string) => /secret|hash/i.test(n))).toEqual([]);

    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await api.ok(LIST, { first: 2, after })).apiKeys;
      paged.push(...page.edges.map((e: any) => e.node.prefix));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(prefixes);
  });

  it('revokes a key: its next request is refused with 401 and reason revoked_key; revoking again says so', async () => {
    const { key } = (await api.ok(CREATE, { input: { role: 'INTEGRATOR', scopes: ['READ'], name: 'to revoke' } })).createApiKey;
    expect((await post(key, '{ regions { totalCount } }')).status).toBe(200);

    api.clock.set('2026-11-15T06:00:00Z');
    const first = await api.ok(REVOKE, { prefix: prefixOf(key) });
    expect(first.revokeApiKey).toEqual({ alreadyRevoked: false, apiKey: { prefix: prefixOf(key), revokedAt: '2026-11-15T06:00:00.000Z' } });
    const refused = await post(key, '{ regions { totalCount } }');
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked_key' });

    api.clock.set('2026-11-15T07:00:00Z');
    const again = await api.ok(REVOKE, { prefix: `wx_${prefixOf(key)}` });
    expect(again.revokeApiKey).toEqual({ alreadyRevoked: true, apiKey: { prefix: prefixOf(key), revokedAt: '2026-11-15T06:00:00.000Z' } });

    const revoked = (await api.ok(LIST, { revoked: true })).apiKeys.edges.map((e: any) => e.node.prefix);
    expect(revoked).toEqual([prefixOf(key)]);
    const live = (await api.ok(LIST, { revoked: false, first: 100 })).apiKeys.edges.map((e: any) => e.node.prefix);
    expect(live).not.toContain(prefixOf(key));
    expect(live).toContain(prefixOf(api.adminKey));

    const unknown = await api.gql(REVOKE, { prefix: 'nosuchkey0' });
    expect(unknown.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('rejects bad grants with BAD_USER_INPUT naming each field', async () => {
    const issues = async (input: Record<string, unknown>) => {
      const r = await api.gql(CREATE, { input });
      expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      return (r.errors![0]!.extensions!.issues as Array<{ path: string }>).map((i) => i.path);
    };
    expect(await issues({ role: 'OPERATOR' })).toEqual(['regionCodes']);
    expect(await issues({ role: 'OPERATOR', regionCodes: ['JS', 'XX'] })).toEqual(['regionCodes[1]']);
    expect(await issues({ role: 'AGENT' })).toEqual(['agentId']);
    expect(await issues({ role: 'INTEGRATOR' })).toEqual(['scopes']);
    expect(await issues({ role: 'ADMIN', regionCodes: ['JS'], scopes: ['READ'] })).toEqual(['regionCodes', 'scopes']);
    expect(await issues({ role: 'ADMIN', name: 'x'.repeat(201) })).toEqual(['name']);
  });

  it('is for platform admins only: everyone else gets FORBIDDEN and nothing changes', async () => {
    const target = (await api.ok(CREATE, { input: { role: 'AGENT', agentId: 'agent-9' } })).createApiKey.apiKey.prefix;
    const keys = [
      await api.key({ role: 'operator', regionCodes: ['JS'] }),
      await api.key({ role: 'agent', agentId: 'agent-7' }),
      await api.key({ role: 'integrator', scopes: ['read', 'ingest'] }),
    ];
    const before = (await api.ok(LIST, { first: 0 })).apiKeys.totalCount;
    for (const key of keys) {
      for (const [query, variables] of [
        [LIST, {}],
        [CREATE, { input: { role: 'ADMIN' } }],
        [REVOKE, { prefix: target }],
      ] as const) {
        const r = await api.as(key).gql(query, variables);
        expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      }
    }
    expect((await api.ok(LIST, { first: 0 })).apiKeys.totalCount).toBe(before);
    expect((await api.ok(LIST, { revoked: true })).apiKeys.edges.map((e: any) => e.node.prefix)).not.toContain(target);
  });

  it('leaves one audit row per key change, and one per refused attempt', async () => {
    const admin = `key:${prefixOf(api.adminKey)}`;
    const log = async (operation: string) =>
      (await api.ok(`query ($f: AuditLogFilter) { auditLog(filter: $f, first: 100) { edges { node { actor role operation objects outcome errorCode detail } } } }`, { f: { operation } })).auditLog.edges.map((e: any) => e.node);
    const created = await log('apiKey.create');
    const byAdmin = created.filter((r: any) => r.actor === admin && r.outcome === 'OK');
    // 5 earlier in this file, then the one for the FORBIDDEN test's target
    expect(byAdmin).toHaveLength(6);
    expect(byAdmin[0]).toMatchObject({ role: 'ADMIN', objects: [expect.stringMatching(/^apiKey:[a-z0-9]{10}$/)], detail: 'agent agent-9' });
    expect(created.filter((r: any) => r.outcome === 'ERROR' && r.errorCode === 'BAD_USER_INPUT')).toHaveLength(6);
    expect(created.filter((r: any) => r.outcome === 'ERROR' && r.errorCode === 'FORBIDDEN')).toHaveLength(3);

    const revoked = await log('apiKey.revoke');
    // the successful revocation (by core, in its transaction), the unknown prefix, three refused
    expect(revoked.map((r: any) => r.errorCode ?? 'OK').sort()).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND', 'OK']);
  });
});
