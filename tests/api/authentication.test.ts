/**
 * Authentication over real HTTP: every kind of bad credential is refused with 401 and its reason before
 * anything runs, a valid JWT carries its role and regions, and a valid credential that may not do
 * something gets FORBIDDEN for that field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { signJwt } from '@weixi/core/access';
import { customerInput, startTestApi, type TestApi } from './harness.js';

const SECRET = 'authentication-test-secret-0123456789abcdef';
let api: TestApi;
let noJwt: TestApi;

beforeAll(async () => {
  api = await startTestApi(undefined, { auth: { jwt: { secret: SECRET, issuer: 'weixi-test' } } });
  noJwt = await startTestApi(undefined, { auth: {} });
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, {
    c: [customerInput('13900000001', { regionCode: 'JS-NJ-GL' }), customerInput('13900000002', { regionCode: 'ZJ-HZ' })],
  });
});
afterAll(async () => {
  await api?.close();
  await noJwt?.close();
});

async function post(url: string, authorization: string | undefined, query = '{ customers { totalCount } }') {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions: { code: string; reason?: string } }> } };
}

async function refused(authorization: string | undefined, reason: string, url = api.server.url) {
  const r = await post(url, authorization);
  expect(r.status, reason).toBe(401);
  expect(r.body.data ?? null).toBeNull();
  expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  return r.body.errors![0]!.message;
}

/** An HS256 token with exactly these claims, as any issuer could make one. */
function hs256(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: 'weixi-test', sub: 'x', role: 'admin', ...claims })}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

const jwt = (claims: Record<string, unknown>, expiresInSeconds = 3600) =>
  signJwt({ sub: 'wang.fang', role: 'operator', regions: ['JS'], ...claims } as never, { secret: SECRET, issuer: 'weixi-test', expiresInSeconds }, api.clock);

describe('credentials over HTTP', () => {
  it('refuses a missing, malformed, unknown or revoked API key with 401 and says what to send', async () => {
    expect(await refused(undefined, 'missing_credentials')).toContain("Authorization: Bearer");
    await refused('Basic dXNlcjpwYXNz', 'malformed_credentials');
    await refused('Bearer not-a-token', 'malformed_credentials');
    const key = await api.key({ role: 'operator', regionCodes: ['JS'] });
    await refused(`Bearer ${key.slice(0, -6)}AAAAAA`, 'unknown_key');
    await api.ok(`mutation ($p: String!) { revokeApiKey(prefix: $p) { alreadyRevoked } }`, { p: key.split('_')[1] });
    await refused(`Bearer ${key}`, 'revoked_key');
  });

  it('accepts a JWT with its role and regions, and refuses expired, badly signed, unsigned and wrongly issued ones', async () => {
    const ok = await post(api.server.url, `Bearer ${await jwt({})}`);
    expect(ok.status).toBe(200);
    expect(ok.body.data.customers.totalCount).toBe(1); // the Jiangsu customer only

    await refused(`Bearer ${await jwt({}, -60)}`, 'jwt_expired');
    const forged = await signJwt({ sub: 'mallory', role: 'admin' }, { secret: 'another-secret-of-at-least-32-characters!', issuer: 'weixi-test' }, api.clock);
    await refused(`Bearer ${forged}`, 'jwt_bad_signature');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'mallory', role: 'admin', exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
    await refused(`Bearer ${header}.${payload}.`, 'jwt_bad_algorithm');
    const otherIssuer = await signJwt({ sub: 'x', role: 'admin' }, { secret: SECRET, issuer: 'someone-else' }, api.clock);
    await refused(`Bearer ${otherIssuer}`, 'jwt_bad_claims');
    expect(await refused(`Bearer ${await jwt({ regions: ['XX'] })}`, 'unknown_region')).toContain('"XX"');
  });

  it('refuses a JWT that lives forever, was issued in the future or has no iat, over HTTP', async () => {
    const now = Math.floor(api.clock.now().getTime() / 1000);
    expect(await refused(`Bearer ${hs256({ iat: now, exp: Date.UTC(9999, 0, 1) / 1000 })}`, 'jwt_bad_claims')).toContain('over the maximum');
    expect(await refused(`Bearer ${hs256({ iat: now + 3600, exp: now + 7200 })}`, 'jwt_bad_claims')).toContain('in the future');
    expect(await refused(`Bearer ${hs256({ exp: now + 60 })}`, 'jwt_bad_claims')).toContain('"iat"');
    expect((await post(api.server.url, `Bearer ${hs256({ iat: now, exp: now + 60 })}`)).status).toBe(200);
  });

  it('revokes one JWT by jti, or a subject\'s JWTs issued so far, from the next request on', async () => {
    const token = (jti: string, sub = 'li.lei') =>
      signJwt({ sub, role: 'operator', regions: ['JS'] }, { secret: SECRET, issuer: 'weixi-test', tokenId: jti }, api.clock);
    const [one, two] = [await token('t-1'), await token('t-2')];
    expect((await post(api.server.url, `Bearer ${one}`)).status).toBe(200);
    const revoked = await api.ok(`mutation { revokeJwt(jti: "t-1") { kind value revokedBy } }`);
    expect(revoked.revokeJwt).toEqual({ kind: 'JTI', value: 't-1', revokedBy: expect.stringMatching(/^key:/) });
    expect(await refused(`Bearer ${one}`, 'jwt_revoked')).toContain('"t-1" was revoked');
    expect((await post(api.server.url, `Bearer ${two}`)).status).toBe(200);

    await api.ok(`mutation { revokeJwt(subject: "li.lei") { revokedAt } }`);
    await refused(`Bearer ${two}`, 'jwt_revoked');
    expect((await post(api.server.url, `Bearer ${await token('t-3', 'han.mei')}`)).status).toBe(200);
    // Tokens issued after the revocation work.
    api.clock.set(new Date(api.clock.now().getTime() + 2000).toISOString());
    expect((await post(api.server.url, `Bearer ${await token('t-4')}`)).status).toBe(200);

    const audited = await api.ok(`{ auditLog(first: 20) { edges { node { operation objects } } } }`);
    expect(audited.auditLog.edges.map((e: any) => e.node)).toEqual(
      expect.arrayContaining([
        { operation: 'jwt.revoke', objects: ['jwt.subject:li.lei'] },
        { operation: 'jwt.revoke', objects: ['jwt.jti:t-1'] },
      ]),
    );

    const bad = await api.gql(`mutation { revokeJwt(jti: "a", subject: "b") { value } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const operator = await api.key({ role: 'operator', regionCodes: ['JS'] });
    expect((await api.as(operator).gql(`mutation { revokeJwt(subject: "x") { value } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses JWTs on a server without a JWT secret, naming what to use instead', async () => {
    expect(await refused(`Bearer ${await jwt({})}`, 'jwt_disabled', noJwt.server.url)).toContain('weixi keys create');
  });

  it('answers a valid credential that may not do something with FORBIDDEN for that field only', async () => {
    const reader = await api.key({ role: 'integrator', scopes: ['read'] });
    const r = await post(api.server.url, `Bearer ${reader}`, `mutation { refreshTiers { updated } }`);
    expect(r.status).toBe(200);
    expect(r.body.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect(r.body.errors![0]!.message).toMatch(/integrator/);
  });
});
