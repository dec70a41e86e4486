import { createHash } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startServer, type WeixiServer } from '@weixi/platform';
import { PRINCIPAL_MEMORY_MS, signJwt } from '@weixi/core/access';
import { customerInput, startTestApi, type TestApi } from './harness.js';

/** A raw POST, for what the typed client hides: the status, the headers, batches. */
async function post(url: string, token: string | null, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** `field { field { ... inner } }`, `times` deep. */
const nest = (field: string, times: number, inner: string): string => (times === 0 ? inner : `${field} { ${nest(field, times - 1, inner)} }`);

/** The first error's message and typed extensions. */
const firstError = (body: any) => ({ message: body.errors?.[0]?.message, ...body.errors?.[0]?.extensions });

// 12 levels: customers, edges, node, region, 7 parents, name.
const depthQuery = (parents: number) => `{ customers(first: 1) { edges { node { region { ${nest('parent', parents, 'name')} } } } } }`;

// Each connection asks for 100 items inside the one above: 1 + 100 * (3 + 100 * (3 + 100 * 3)) fields.
const EXPLOSIVE = `{ customers(first: 100) { edges { node { tasks(first: 100) { edges { node {
  transitions(first: 100) { edges { node { toState } } } } } } } } } }`;

// The customers page the README shows, which must stay within the default limits.
const README_PAGE = `query {
  customers(first: 100, filter: { regionCodes: ["JS-NJ"], statuses: [ACTIVE] }, orderBy: { field: BALANCE_CENTS, direction: DESC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id msisdn name tier lifecycleStage warnings tenureMonths contractEndsOn
      region { code name parent { name } }
      usage(months: 6) { edges { node { month revenueCents activeDays } } }
      tasks(first: 5) { edges { node { state reason dueAt } } }
      segments { edges { node { enteredAt segment { name } } } }
    } }
  }
}`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: [customerInput('13900000001')] });
});
afterAll(() => api.close());

describe('query limits (defaults)', () => {
  it('refuses an operation deeper than 12, also when fragments hide the depth, and serves one at 12', async () => {
    const atLimit = await post(api.server.url, api.adminKey, { query: depthQuery(7) });
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.data.customers.edges).toHaveLength(1);

    const deeper = await post(api.server.url, api.adminKey, { query: depthQuery(8) });
    expect(deeper.status).toBe(400);
    expect(firstError(deeper.body)).toMatchObject({
      message: 'the operation depth is 13, over the maxDepth limit of 12',
      code: 'LIMIT_EXCEEDED',
      limit: 'maxDepth',
      actual: 13,
      max: 12,
    });

    const hidden = await api.gql(`query { ...Page }
      fragment Page on Query { customers(first: 1) { edges { node { region { ...Up } } } } }
      fragment Up on Region { ${nest('parent', 8, 'name')} }`);
    expect(hidden.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxDepth', actual: 13 });
  });

  it('refuses more than 30 aliases and more than 20 top-level fields', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: code`).join(' ');
    const aliased = await api.gql(`{ regions(first: 1) { edges { node { ${aliases} } } } }`);
    expect(aliased.errors?.[0]).toMatchObject({
      message: 'the number of aliases is 31, over the maxAliases limit of 30',
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxAliases', actual: 31, max: 30 },
    });

    const roots = Array.from({ length: 21 }, (_, i) => `r${i}: regions(first: 1) { totalCount }`).join(' ');
    const wide = await api.gql(`{ ${roots} }`);
    expect(wide.errors).toHaveLength(1);
    expect(wide.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxRootFields', actual: 21, max: 20 });
  });

  it('estimates cost with nested connections multiplying their page sizes, variables included', async () => {
    const explosive = await post(api.server.url, api.adminKey, { query: EXPLOSIVE });
    expect(explosive.status).toBe(400);
    expect(firstError(explosive.body)).toMatchObject({
      message: 'the estimated cost is 3030301, over the maxCost limit of 50000',
      code: 'LIMIT_EXCEEDED',
      limit: 'maxCost',
    });
    expect(explosive.body.data).toBeUndefined();

    // The same document twice: the verdict follows the variables, not a cached validation of the text.
    const paged = `query ($n: Int) { customers(first: $n) { edges { node { tasks(first: $n) { edges { node { transitions(first: $n) { totalCount } } } } } } } }`;
    expect((await api.gql(paged, { n: 100 })).errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCost' });
    expect((await api.gql(paged, { n: 5 })).errors).toBeUndefined();
    // Without first/last a connection counts as the default page of 20.
    const defaults = await api.gql(`{ customers { edges { node { tasks { edges { node { transitions { edges { node { toState } } } } } } } } } }`);
    expect(defaults.errors).toBeUndefined();
  });

  it('serves the README customers page and a full introspection query within the defaults', async () => {
    expect((await api.ok(README_PAGE)).customers.totalCount).toBe(1);
    const schema = await api.ok(getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true }));
    expect(schema.__schema.queryType.name).toBe('Query');
  });

  it('limits introspection too: the audit\'s aliased fragments and type references that select fields are refused', async () => {
    // 60 aliases of `fields` x 60 of `type`: 74.5 MB and 14.7 s when introspection skipped the limits.
    const types = Array.from({ length: 60 }, (_, i) => `t${i}: type { name }`).join(' ');
    const fields = Array.from({ length: 60 }, (_, i) => `f${i}: fields { ...F }`).join(' ');
    const aliased = `{ __schema { types { ...T } } } fragment T on __Type { ${fields} } fragment F on __Field { ${types} }`;
    const refused = await post(api.server.url, api.adminKey, { query: aliased });
    expect(refused.status).toBe(400);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors.map((e: any) => e.extensions.code)).toContain('LIMIT_EXCEEDED');
    expect(JSON.stringify(refused.body).length).toBeLessThan(10_000);

    // No aliases, but each type reference lists its type's fields again: the schema to the power of the nesting.
    const nested = await post(api.server.url, api.adminKey, { query: `{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }` });
    expect(nested.status).toBe(400);
    expect(firstError(nested.body)).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'introspection' });
    expect(firstError(nested.body).message).toContain('type reference');

    // Asking for one type by name, aliased a few times, is fine.
    const byName = await api.ok(`{ a: __type(name: "Customer") { fields { name type { kind name ofType { name } } } } b: __type(name: "Region") { name } }`);
    expect(byName.a.fields.length).toBeGreaterThan(5);
  });

  it('refuses a query whose response would be larger than maxResponseBytes with a typed error, not a cut body', async () => {
    const small = await startServer({ database: api.database, clock: api.clock, limits: { maxResponseBytes: 2_000 } });
    try {
      const big = await post(small.url, api.adminKey, { query: getIntrospectionQuery() });
      expect(big.status).toBe(400);
      expect(big.body.data).toBeUndefined();
      expect(firstError(big.body)).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxResponseBytes', max: 2000 });
      expect(firstError(big.body).actual).toBeGreaterThan(2000);
      expect((await post(small.url, api.adminKey, { query: '{ regions(first: 1) { totalCount } }' })).body.data.regions.totalCount).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it('refuses a document of more than 5,000 tokens, and takes the same data as variables', async () => {
    const codes = Array.from({ length: 5000 }, () => '"JS-NJ"');
    const long = await post(api.server.url, api.adminKey, { query: `{ customers(filter: { regionCodes: [${codes.join(', ')}] }) { totalCount } }` });
    expect(long.status).toBe(400);
    expect(firstError(long.body)).toMatchObject({
      message: "the document's token count is over the maxTokens limit of 5000",
      code: 'LIMIT_EXCEEDED',
      limit: 'maxTokens',
    });
    const asVariables = await api.ok(`query ($codes: [String!]) { customers(filter: { regionCodes: $codes }) { totalCount } }`, {
      codes: codes.map((c) => JSON.parse(c) as string),
    });
    expect(asVariables.customers.totalCount).toBe(1);
  });

  it('refuses batched HTTP requests', async () => {
    const batch = await post(api.server.url, api.adminKey, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(batch.status).toBe(400);
    expect(firstError(batch.body)).toMatchObject({ message: 'Batching is not supported.', code: 'BAD_REQUEST' });
  });

  it('limits page sizes, nested ones too, and ingest batches, writing nothing from a batch too large', async () => {
    const nested = await api.gql(`{ customers(first: 1) { edges { node { tasks(first: 101) { totalCount } } } } }`);
    expect(nested.errors?.[0]).toMatchObject({ message: 'first: 101 is outside the page size limit (0 to 100)', extensions: { code: 'BAD_USER_INPUT' } });

    const count = async () => (await api.ok(`{ customers { totalCount } }`)).customers.totalCount as number;
    const before = await count();
    const customers = Array.from({ length: 1001 }, (_, i) => customerInput(`1380000${String(i).padStart(4, '0')}`));
    const upsert = await api.gql(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: customers });
    expect(upsert.errors?.[0]?.message).toContain('holds 1001 customers; at most 1000 per call');
    expect(upsert.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count()).toBe(before);

    const usage = Array.from({ length: 5001 }, () => ({ msisdn: '13900000001', month: '2026-10', revenueCents: 100, activeDays: 1 }));
    const recorded = await api.gql(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, { u: usage });
    expect(recorded.errors?.[0]?.message).toContain('holds 5001 items; at most 5000 per call');

    const events = Array.from({ length: 5001 }, (_, i) => ({ msisdn: '13900000001', type: 'complaint', occurredAt: '2026-11-01T10:00:00Z', idempotencyKey: `e${i}` }));
    const eventsResult = await api.gql(`mutation ($e: [CustomerEventInput!]!) { recordEvents(events: $e) { recorded } }`, { e: events });
    expect(eventsResult.errors?.[0]?.message).toContain('holds 5001 events; at most 5000 per call');
  });
});

describe('configured limits and the rate limit per credential', () => {
  const JWT_SECRET = 'limits-test-secret-of-at-least-32-chars';
  let tight: TestApi;
  const freshAdmin = () => tight.key({ role: 'admin' });

  beforeAll(async () => {
    process.env.WEIXI_JWT_SECRET = JWT_SECRET;
    tight = await startTestApi(undefined, { server: { limits: { maxDepth: 4, maxCost: 100, maxBatch: 2 }, rateLimit: { perMinute: 60, burst: 3 } } });
  });
  afterAll(async () => {
    delete process.env.WEIXI_JWT_SECRET;
    await tight.close();
  });

  it('applies the limits it was started with', async () => {
    const key = await freshAdmin();
    const depth5 = await tight.as(key).gql(`{ customers(first: 1) { edges { node { region { code } } } } }`);
    expect(depth5.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxDepth', actual: 5, max: 4 });
    const cost151 = await tight.as(key).gql(`{ customers(first: 50) { edges { node { id } } } }`);
    expect(cost151.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCost', actual: 151, max: 100 });
    expect((await tight.as(key).ok(`{ customers(first: 30) { edges { node { id } } } }`)).customers.edges).toEqual([]);
  });

  it('serves batches of up to maxBatch operations and refuses bigger ones', async () => {
    const key = await freshAdmin();
    const two = await post(tight.server.url, key, [{ query: '{ a: __typename }' }, { query: '{ b: __typename }' }]);
    expect(two.status).toBe(200);
    expect(two.body).toEqual([{ data: { a: 'Query' } }, { data: { b: 'Query' } }]);
    const three = await post(tight.server.url, key, [{ query: '{ __typename }' }, { query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(three.status).toBe(413);
    expect(firstError(three.body).message).toBe('Batching is limited to 2 operations per request.');
  });

  it('answers 429 with Retry-After once a key has spent its burst, per key, and refills with time', async () => {
    const [spender, other] = [await freshAdmin(), await freshAdmin()];
    for (let i = 0; i < 3; i++) expect((await post(tight.server.url, spender, { query: '{ __typename }' })).status).toBe(200);
    const refused = await post(tight.server.url, spender, { query: '{ __typename }' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(firstError(refused.body)).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1, message: 'too many requests for this credential; retry in 1 s' });

    // Another key has its own bucket.
    expect((await post(tight.server.url, other, { query: '{ __typename }' })).status).toBe(200);

    // 60 per minute: one more request a second.
    tight.clock.set(new Date(tight.clock.now().getTime() + 1000).toISOString());
    expect((await post(tight.server.url, spender, { query: '{ __typename }' })).status).toBe(200);
    expect((await post(tight.server.url, spender, { query: '{ __typename }' })).status).toBe(429);
  });

  it('counts every JWT of one subject against one bucket', async () => {
    const token = (hours: number) => signJwt({ sub: 'li.lei', role: 'admin' }, { secret: JWT_SECRET, expiresInSeconds: hours * 3600 }, tight.clock);
    const [first, second] = [await token(1), await token(2)];
    expect(first).not.toBe(second);
    for (let i = 0; i < 3; i++) expect((await post(tight.server.url, first, { query: '{ __typename }' })).status).toBe(200);
    const refused = await post(tight.server.url, second, { query: '{ __typename }' });
    expect(refused.status).toBe(429);
    expect(firstError(refused.body).code).toBe('RATE_LIMITED');
  });
});

describe('error masking', () => {
  const logLines: string[] = [];
  let masked: WeixiServer;
  let unmasked: WeixiServer;

  beforeAll(async () => {
    const logger = createLogger('error', (line) => logLines.push(line));
    const environment = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      masked = await startServer({ database: api.database, clock: api.clock, logger });
    } finally {
      process.env.NODE_ENV = environment;
    }
    unmasked = await startServer({ database: api.database, clock: api.clock, logger: createLogger('error', () => {}), maskErrors: false });
  });
  afterAll(async () => {
    await masked.close();
    await unmasked.close();
  });

  /** Runs `check` while `table` is renamed away, so every statement on it fails inside the database. */
  async function withoutTable(table: string, check: () => Promise<void>): Promise<void> {
    await api.database.rows(sql.raw(`alter table ${table} rename to ${table}_gone`));
    try {
      await check();
    } finally {
      await api.database.rows(sql.raw(`alter table ${table}_gone rename to ${table}`));
    }
  }

  it('in production shows a failing resolver as a generic error with the request id, no SQL and no stack', async () => {
    await withoutTable('customers', async () => {
      const res = await post(masked.url, api.adminKey, { query: '{ customers(first: 1) { totalCount } }' });
      const requestId = res.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(firstError(res.body)).toEqual({
        message: `Unexpected error (request ${requestId}); the server log has the details under this id.`,
        code: 'INTERNAL_SERVER_ERROR',
        requestId,
      });
      const text = JSON.stringify(res.body);
      for (const leak of ['customers_gone', 'select', 'relation', 'at ', '.ts:']) expect(text).not.toContain(leak);
      // The operator finds the real error under the same id.
      const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === requestId);
      expect(JSON.stringify(logged)).toContain('customers');

      const typed = await post(masked.url, api.adminKey, { query: '{ customers(first: 101) { totalCount } }' });
      expect(firstError(typed.body)).toMatchObject({ code: 'BAD_USER_INPUT', message: 'first: 101 is outside the page size limit (0 to 100)' });
    });
  });

  it('masks a database failure while authenticating, answering 500', async () => {
    // Past the server's memory of the key, so that this request looks it up.
    api.clock.set(new Date(api.clock.now().getTime() + PRINCIPAL_MEMORY_MS).toISOString());
    await withoutTable('api_keys', async () => {
      const res = await post(masked.url, api.adminKey, { query: '{ __typename }' });
      expect(res.status).toBe(500);
      expect(firstError(res.body)).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: res.headers.get('x-request-id') });
      expect(JSON.stringify(res.body)).not.toMatch(/api_keys|select|stack/i);
    });
  });

  it('keeps a request id sent by a proxy', async () => {
    const res = await fetch(masked.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}`, 'x-request-id': 'edge-42.a' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('edge-42.a');
  });

  it('with maskErrors: false shows the original message, for local debugging', async () => {
    await withoutTable('customers', async () => {
      const res = await post(unmasked.url, api.adminKey, { query: '{ customers(first: 1) { totalCount } }' });
      expect(JSON.stringify(res.body.errors[0].extensions.originalError)).toContain('customers');
    });
  });
});

describe('persisted operations', () => {
  const REGIONS = '{ regions(first: 10) { edges { node { code } } } }';
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const persisted = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
  let only: TestApi;

  beforeAll(async () => {
    only = await startTestApi(undefined, { server: { persistedOperations: { store: { [sha256(REGIONS)]: REGIONS } } } });
  });
  afterAll(() => only.close());

  it('runs a known hash, still behind authentication', async () => {
    const res = await post(only.server.url, only.adminKey, persisted(sha256(REGIONS)));
    expect(res.status).toBe(200);
    expect(res.body.data.regions.edges.map((e: any) => e.node.code)).toEqual(['JS', 'JS-NJ', 'JS-NJ-GL', 'JS-SZ', 'ZJ', 'ZJ-HZ']);
    expect((await post(only.server.url, null, persisted(sha256(REGIONS)))).status).toBe(401);
  });

  it('answers PERSISTED_QUERY_NOT_FOUND for an unknown hash, naming it', async () => {
    const unknown = sha256('{ __typename }');
    const res = await post(only.server.url, only.adminKey, persisted(unknown));
    expect(res.status).toBe(400);
    expect(firstError(res.body)).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND', message: `PersistedQueryNotFound: no persisted operation has the id "${unknown}"` });
  });

  it('refuses query text when arbitrary operations are not allowed', async () => {
    const res = await post(only.server.url, only.adminKey, { query: REGIONS });
    expect(res.status).toBe(400);
    expect(firstError(res.body).code).toBe('PERSISTED_QUERY_ONLY');
    // A prototype key is no operation.
    expect(firstError((await post(only.server.url, only.adminKey, persisted('constructor'))).body).code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('looks operations up through a loader and also runs query text when allowed', async () => {
    const asked: string[] = [];
    const server = await startServer({
      database: only.database,
      clock: only.clock,
      persistedOperations: { store: async (id) => (asked.push(id), id === sha256(REGIONS) ? REGIONS : null), allowArbitrary: true },
    });
    try {
      const byHash = await post(server.url, only.adminKey, persisted(sha256(REGIONS)));
      expect(byHash.body.data.regions.edges).toHaveLength(6);
      expect(asked).toEqual([sha256(REGIONS)]);
      const byText = await post(server.url, only.adminKey, { query: '{ regions(first: 1) { totalCount } }' });
      expect(byText.body.data.regions.totalCount).toBe(6);
    } finally {
      await server.close();
    }
  });
});
