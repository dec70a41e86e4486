import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../tests/api/harness.js';
import {
  apiKeysQuery,
  auditLogQuery,
  createApiKeyMutation,
  createWeixiClient,
  revokeApiKeyMutation,
  WeixiClientError,
  type AuditOutcome,
  type Role,
  type WeixiClient,
} from './index.js';

let api: TestApi;
let admin: WeixiClient;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  admin = createWeixiClient({ url: api.server.url, headers: { authorization: `Bearer ${api.adminKey}` } });
});
afterAll(() => api.close());

describe('the typed client for platform admins', () => {
  it('provisions a key, finds it in the list and the audit log, and revokes it', async () => {
    const { createApiKey } = await admin.request(createApiKeyMutation, { input: { role: 'INTEGRATOR', scopes: ['INGEST'], regionCodes: ['JS'], name: 'crm sync' } });
    expectTypeOf(createApiKey.apiKey.role).toEqualTypeOf<Role>();
    const prefix = createApiKey.apiKey.prefix;
    expect(createApiKey.apiKey).toMatchObject({ role: 'INTEGRATOR', scopes: ['INGEST'], regionCodes: ['JS'], name: 'crm sync', revokedAt: null });

    const integrator = createWeixiClient({ url: api.server.url, headers: { authorization: `Bearer ${createApiKey.key}` } });
    const refused = await integrator.request(apiKeysQuery).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WeixiClientError);
    expect((refused as WeixiClientError).errors[0]!.extensions?.code).toBe('FORBIDDEN');

    const { apiKeys } = await admin.request(apiKeysQuery, { revoked: false });
    expect(apiKeys.edges.map((e) => e.node.prefix)).toContain(prefix);

    const { auditLog } = await admin.request(auditLogQuery, { filter: { objectId: `apiKey:${prefix}` } });
    expectTypeOf(auditLog.edges[0]!.node.outcome).toEqualTypeOf<AuditOutcome>();
    expect(auditLog.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ operation: 'apiKey.create', role: 'ADMIN', outcome: 'OK', detail: 'integrator (ingest) in JS' }),
    ]);

    const { revokeApiKey } = await admin.request(revokeApiKeyMutation, { prefix });
    expect(revokeApiKey).toMatchObject({ alreadyRevoked: false, apiKey: { prefix, revokedAt: '2026-11-15T04:00:00.000Z' } });
  });
});
