import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { Clock } from '../clock.js';
import { jwtOptionsFromEnv, looksLikeJwt, signJwt, verifyJwt, type JwtOptions } from './jwt.js';
import { accessFailure } from './access-failure.test-support.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const OPTIONS: JwtOptions = { secret: SECRET };
const NOW = new Date('2026-03-01T08:00:00Z');
const clock: Clock = { now: () => NOW };
const later = (seconds: number): Clock => ({ now: () => new Date(NOW.getTime() + seconds * 1000) });
const key = (secret = SECRET) => new TextEncoder().encode(secret);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = NOW.getTime() / 1000;

const failure = (promise: Promise<unknown>) => accessFailure(promise, 'UNAUTHENTICATED');

describe('verifyJwt', () => {
  it('accepts a token signed with the secret and returns its grant', async () => {
    const token = await signJwt({ sub: 'wang.fang', role: 'operator', regions: ['JS', 'ZJ-HZ'] }, { secret: SECRET }, clock);
    expect(looksLikeJwt(token)).toBe(true);
    expect(await verifyJwt(token, OPTIONS, later(3599))).toEqual({
      role: 'operator',
      regionCodes: ['JS', 'ZJ-HZ'],
      agentId: null,
      scopes: [],
      subject: 'wang.fang',
      actor: 'jwt:wang.fang',
      expiresAt: new Date(NOW.getTime() + 3600_000),
      issuedAt: NOW,
    });
    const agent = await signJwt({ sub: 'a-17', role: 'agent', agent: 'a-17' }, { secret: SECRET }, clock);
    expect(await verifyJwt(agent, OPTIONS, clock)).toMatchObject({ role: 'agent', agentId: 'a-17', actor: 'jwt:a-17' });
    const integrator = await signJwt({ sub: 'crm', role: 'integrator', scopes: ['read', 'ingest'] }, { secret: SECRET }, clock);
    expect(await verifyJwt(integrator, OPTIONS, clock)).toMatchObject({ role: 'integrator', scopes: ['read', 'ingest'] });
  });

  it('rejects an expired token, saying when it expired', async () => {
    const token = await signJwt({ sub: 'u', role: 'admin' }, { secret: SECRET, expiresInSeconds: 60 }, clock);
    const error = await failure(verifyJwt(token, OPTIONS, later(60)));
    expect(error.reason).toBe('jwt_expired');
    expect(error.message).toBe('JWT expired at 2026-03-01T08:01:00.000Z; get a new token');
    await expect(verifyJwt(token, { ...OPTIONS, clockToleranceSeconds: 30 }, later(60))).resolves.toMatchObject({ role: 'admin' });
  });

  it('rejects a token signed with another secret, or altered after signing', async () => {
    const other = await signJwt({ sub: 'u', role: 'admin' }, { secret: 'another-secret-that-is-also-long-enough' }, clock);
    const error = await failure(verifyJwt(other, OPTIONS, clock));
    expect(error.reason).toBe('jwt_bad_signature');
    expect(error.message).toMatch(/^JWT signature does not verify/);
    const [header, , signature] = (await signJwt({ sub: 'u', role: 'agent', agent: 'u' }, { secret: SECRET }, clock)).split('.');
    const forged = `${header}.${b64({ sub: 'u', role: 'admin', exp: nowSeconds + 60 })}.${signature}`;
    expect((await failure(verifyJwt(forged, OPTIONS, clock))).reason).toBe('jwt_bad_signature');
  });

  it('rejects unsigned (alg none) and other-algorithm tokens', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', role: 'admin', exp: nowSeconds + 60 })}.`;
    expect(looksLikeJwt(none)).toBe(true);
    const error = await failure(verifyJwt(none, OPTIONS, clock));
    expect(error.reason).toBe('jwt_bad_algorithm');
    expect(error.message).toBe('JWT algorithm "none" is not accepted; tokens must be signed with HS256');
    const hs512 = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS512' }).setSubject('u').setExpirationTime(nowSeconds + 60).sign(key());
    expect((await failure(verifyJwt(hs512, OPTIONS, clock))).message).toBe('JWT algorithm "HS512" is not accepted; tokens must be signed with HS256');
  });

  it('rejects missing or invalid claims with a message naming them', async () => {
    const sign = (claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT = (j) => j.setSubject('u').setIssuedAt(nowSeconds).setExpirationTime(nowSeconds + 60)) =>
      build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' })).sign(key());
    const cases: Array<[Promise<string>, string]> = [
      [sign({}), 'JWT claims rejected: "role" is missing; expected one of admin, operator, agent, integrator'],
      [sign({ role: 'root' }), 'JWT claims rejected: "role": unknown role "root"; use admin, operator, agent or integrator'],
      [sign({ role: 'operator' }), 'JWT claims rejected: "regions": an operator needs at least one region code (it sees those regions and everything below them)'],
      [sign({ role: 'operator', regions: 'JS' }), 'JWT claims rejected: "regions" must be an array of strings'],
      [sign({ role: 'agent' }), 'JWT claims rejected: "agent": an agent needs the agent id whose tasks it works on'],
      [sign({ role: 'integrator', scopes: ['write'] }), 'JWT claims rejected: "scopes[0]": unknown scope "write"; use read or ingest'],
      [sign({ role: 'admin' }, (j) => j.setSubject('u').setIssuedAt(nowSeconds)), 'JWT rejected: missing required "exp" claim'],
      [sign({ role: 'admin' }, (j) => j.setSubject('u').setExpirationTime(nowSeconds + 60)), 'JWT rejected: missing required "iat" claim'],
      [sign({ role: 'admin' }, (j) => j.setIssuedAt(nowSeconds).setExpirationTime(nowSeconds + 60)), 'JWT rejected: missing required "sub" claim'],
      [sign({ role: 'admin' }, (j) => j.setSubject('u').setIssuedAt(nowSeconds).setExpirationTime(nowSeconds + 60).setNotBefore(nowSeconds + 30)), 'JWT rejected: "nbf" claim timestamp check failed'],
    ];
    for (const [token, message] of cases) {
      const error = await failure(verifyJwt(await token, OPTIONS, clock));
      expect(error.reason, message).toBe('jwt_bad_claims');
      expect(error.message).toBe(message);
    }
  });

  it('refuses a lifetime over the maximum (24 hours by default) and an iat in the future beyond a minute of skew', async () => {
    const sign = (iat: number, exp: number) => new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuedAt(iat).setExpirationTime(exp).sign(key());
    const forever = await failure(verifyJwt(await sign(nowSeconds, Date.UTC(9999, 0, 1) / 1000), OPTIONS, clock));
    expect(forever.reason).toBe('jwt_bad_claims');
    expect(forever.message).toMatch(/over the maximum of 86400 s \(WEIXI_JWT_MAX_LIFETIME\)/);
    await expect(verifyJwt(await sign(nowSeconds, nowSeconds + 86_400), OPTIONS, clock)).resolves.toMatchObject({ role: 'admin' });
    expect((await failure(verifyJwt(await sign(nowSeconds, nowSeconds + 7200), { ...OPTIONS, maxLifetimeSeconds: 3600 }, clock))).reason).toBe('jwt_bad_claims');

    const future = await failure(verifyJwt(await sign(nowSeconds + 3600, nowSeconds + 7200), OPTIONS, clock));
    expect(future.message).toBe('JWT rejected: "iat" (2026-03-01T09:00:00.000Z) is in the future; check the issuer\'s clock');
    await expect(verifyJwt(await sign(nowSeconds + 50, nowSeconds + 600), OPTIONS, clock)).resolves.toMatchObject({ role: 'admin' });
  });

  it('checks the issuer and audience when configured', async () => {
    const options = { ...OPTIONS, issuer: 'https://sso.example.cn', audience: 'weixi' };
    const good = await signJwt({ sub: 'u', role: 'admin' }, { secret: SECRET, issuer: 'https://sso.example.cn', audience: 'weixi' }, clock);
    await expect(verifyJwt(good, options, clock)).resolves.toMatchObject({ role: 'admin' });
    const wrongIssuer = await signJwt({ sub: 'u', role: 'admin' }, { secret: SECRET, issuer: 'https://evil.example', audience: 'weixi' }, clock);
    expect((await failure(verifyJwt(wrongIssuer, options, clock))).message).toBe('JWT rejected: unexpected "iss" claim value');
    const noAudience = await signJwt({ sub: 'u', role: 'admin' }, { secret: SECRET, issuer: 'https://sso.example.cn' }, clock);
    expect((await failure(verifyJwt(noAudience, options, clock))).message).toBe('JWT rejected: missing required "aud" claim');
  });

  it('refuses JWTs when no secret is configured, and garbage as malformed', async () => {
    const token = await signJwt({ sub: 'u', role: 'admin' }, { secret: SECRET }, clock);
    const disabled = await failure(verifyJwt(token, {}, clock));
    expect(disabled.reason).toBe('jwt_disabled');
    expect(disabled.message).toMatch(/WEIXI_JWT_SECRET.*use an API key/);
    expect((await failure(verifyJwt('abc.def.ghi', OPTIONS, clock))).reason).toBe('malformed_credentials');
  });
});

describe('jwtOptionsFromEnv', () => {
  it('reads the secret, issuer and audience, and refuses a short secret', () => {
    expect(jwtOptionsFromEnv({ WEIXI_JWT_SECRET: SECRET, WEIXI_JWT_ISSUER: 'iss' })).toEqual({ secret: SECRET, issuer: 'iss', audience: undefined, maxLifetimeSeconds: undefined });
    expect(jwtOptionsFromEnv({})).toEqual({ secret: undefined, issuer: undefined, audience: undefined, maxLifetimeSeconds: undefined });
    expect(jwtOptionsFromEnv({ WEIXI_JWT_MAX_LIFETIME: '3600' }).maxLifetimeSeconds).toBe(3600);
    expect(() => jwtOptionsFromEnv({ WEIXI_JWT_MAX_LIFETIME: '1d' })).toThrow('WEIXI_JWT_MAX_LIFETIME="1d" is not a whole number of seconds above 0');
    expect(() => jwtOptionsFromEnv({ WEIXI_JWT_SECRET: 'short' })).toThrow('WEIXI_JWT_SECRET must be at least 32 characters (it has 5)');
  });
});
