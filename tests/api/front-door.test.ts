/**
 * The server's front door over real HTTP: nothing about the schema reaches a caller without a credential,
 * failed authentication is rate limited per client address, no secret is put in a page, CORS is off unless
 * origins are listed, a loopback server refuses foreign Host headers (DNS rebinding), and a limit refusal
 * has the same status whatever the Accept header.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WeixiServer } from '@weixi/platform';
import { startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A raw request with a Host header of our choosing (fetch does not let a caller set it). */
function withHost(url: string, host: string): Promise<{ status: number; body: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: pathname, method: 'POST', headers: { host, 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}` } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ __typename }' }));
  });
}

describe('authentication comes first', () => {
  it('answers an anonymous request with 401 before parsing or validating it: no field suggestions', async () => {
    for (const query of ['mutation { createApiKe }', '{ customers { totalCont } }', 'query {', '{ __schema { types { name } } }']) {
      const res = await post(api.server.url, { query }, { accept: 'application/graphql-response+json' });
      expect(res.status, query).toBe(401);
      const body = JSON.parse(res.text);
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'missing_credentials' });
      expect(res.text).not.toMatch(/Did you mean|createApiKey|Syntax Error|Cannot query/);
    }
  });

  it('rate-limits failed authentication per client address with 429 and Retry-After, good keys from elsewhere unaffected', async () => {
    const server = await startServer({ database: api.database, clock: api.clock, authFailures: { perMinute: 6, burst: 3 } });
    try {
      const wrong = { authorization: 'Bearer wx_0000000000_notasecretnotasecret' };
      for (let i = 0; i < 3; i++) expect((await post(server.url, { query: '{ __typename }' }, wrong)).status).toBe(401);
      const refused = await post(server.url, { query: '{ __typename }' }, wrong);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('10');
      expect(JSON.parse(refused.text).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 10 });
      // The address is held off, valid key or not, until its bucket refills.
      expect((await post(server.url, { query: '{ __typename }' }, { authorization: `Bearer ${api.adminKey}` })).status).toBe(429);
      api.clock.set(new Date(api.clock.now().getTime() + 10_000).toISOString());
      expect((await post(server.url, { query: '{ __typename }' }, { authorization: `Bearer ${api.adminKey}` })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('no secret in a page, no CORS by default, no DNS rebinding', () => {
  it('serves GraphiQL without any key in its HTML, telling where to paste one', async () => {
    const res = await fetch(api.server.url, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/wx_[A-Za-z0-9]/);
    expect(html).toContain('printed an admin key on the console');
  });

  it('sends no CORS headers to a foreign origin, and answers a preflight without allowing it', async () => {
    const res = await fetch(api.server.url, { headers: { origin: 'https://evil.example', authorization: `Bearer ${api.adminKey}` } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(api.server.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the origins WEIXI_CORS_ORIGINS lists, without credentials, and no other', async () => {
    const server: WeixiServer = await startServer({ database: api.database, clock: api.clock, cors: { origins: ['https://crm.example'] } });
    try {
      const listed = await fetch(server.url, { method: 'POST', headers: { origin: 'https://crm.example', 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}` }, body: '{"query":"{ __typename }"}' });
      expect(listed.headers.get('access-control-allow-origin')).toBe('https://crm.example');
      expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
      const other = await fetch(server.url, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('on a loopback address refuses a Host that is not localhost, 127.0.0.1, [::1] or a configured name', async () => {
    const { port } = new URL(api.server.url);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`]) {
      expect((await withHost(api.server.url, host)).status, host).toBe(200);
    }
    const rebound = await withHost(api.server.url, `evil.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'unknown_host' } });

    const named = await startServer({ database: api.database, clock: api.clock, allowedHosts: ['weixi.internal'] });
    try {
      expect((await withHost(named.url, 'weixi.internal:4000')).status).toBe(200);
      expect((await withHost(named.url, 'evil.example')).status).toBe(403);
    } finally {
      await named.close();
    }
  });
});

describe('status of refusals', () => {
  it('answers a limit refusal with 400 whatever the Accept header', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ');
    for (const accept of ['application/graphql-response+json', 'application/json', '*/*', undefined]) {
      const res = await post(api.server.url, { query: `{ ${aliases} }` }, { authorization: `Bearer ${api.adminKey}`, ...(accept ? { accept } : {}) });
      expect(res.status, String(accept)).toBe(400);
      expect(JSON.parse(res.text).errors[0].extensions.code).toBe('LIMIT_EXCEEDED');
    }
    const tokens = `{ ${Array.from({ length: 5001 }, () => '__typename').join(' ')} }`;
    const res = await post(api.server.url, { query: tokens }, { authorization: `Bearer ${api.adminKey}`, accept: 'application/json' });
    expect(res.status).toBe(400);
  });
});
