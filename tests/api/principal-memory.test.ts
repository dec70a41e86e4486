/**
 * The server remembers a checked credential for at most PRINCIPAL_MEMORY_MS (1 s): a busy key costs no
 * lookup on most requests, a key revoked elsewhere (another process, here an UPDATE behind the server's
 * back) fails once that time has passed, and a key revoked through this server fails on its next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { PRINCIPAL_MEMORY_MS } from '@weixi/core/access';
import { apiKeys } from '@weixi/db';
import { startTestApi, type TestApi } from './harness.js';

const QUERY = '{ regions { totalCount } }';
let api: TestApi;
let longMemory: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  longMemory = await startTestApi(undefined, { auth: { principalMemoryMs: 3_600_000 } });
});
afterAll(async () => {
  await api?.close();
  await longMemory?.close();
});

const prefixOf = (key: string) => key.split('_')[1]!;
const revokeBehindTheServersBack = (target: TestApi, key: string) =>
  target.database.db.update(apiKeys).set({ revokedAt: target.clock.now() }).where(eq(apiKeys.prefix, prefixOf(key)));
const later = (target: TestApi, ms: number) => target.clock.set(new Date(target.clock.now().getTime() + ms).toISOString());

describe('remembered principals', () => {
  it('refuse a key revoked elsewhere once the memory time has passed', async () => {
    const key = await api.key({ role: 'operator', regionCodes: ['JS-NJ'] });
    expect((await api.as(key).gql(QUERY)).errors).toBeUndefined();
    await revokeBehindTheServersBack(api, key);
    later(api, PRINCIPAL_MEMORY_MS);
    const refused = await api.as(key).gql(QUERY);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked_key' });
  });

  it('cost no statement on a repeated request, and end at once when the key is revoked through the server', async () => {
    const key = await longMemory.key({ role: 'operator', regionCodes: ['JS-NJ'] });
    const operator = longMemory.as(key);
    expect((await operator.gql(QUERY)).errors).toBeUndefined();
    const statements: string[] = [];
    const off = longMemory.database.onStatement((s) => statements.push(s));
    await operator.ok(QUERY);
    off();
    expect(statements.filter((s) => /api_keys|"regions"\."code" in/.test(s))).toEqual([]);

    // Behind the server's back, it is still accepted within its (here long) memory time...
    await revokeBehindTheServersBack(longMemory, key);
    expect((await operator.gql(QUERY)).errors).toBeUndefined();
    await longMemory.database.db.update(apiKeys).set({ revokedAt: null }).where(eq(apiKeys.prefix, prefixOf(key)));
    // ...but revoked through the server, the very next request is refused.
    await longMemory.ok('mutation ($p: String!) { revokeApiKey(prefix: $p) { alreadyRevoked } }', { p: prefixOf(key) });
    expect((await operator.gql(QUERY)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked_key' });
  });
});
