/**
 * Input errors an integrator can program against, over real HTTP: every bad argument or variable value,
 * from validation and from variable coercion alike, comes back in one response as BAD_USER_INPUT with an
 * issue per problem whose path starts at the argument (`usage[1].revenueCents`), never at the variable.
 * And the log of a failing batch names the database's cause, not the batch's phone numbers and names.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startServer, type WeixiServer } from '@weixi/platform';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function post(url: string, body: unknown, accept = 'application/graphql-response+json') {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${api.adminKey}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const usage = (overrides: Record<string, unknown> = {}) => ({ msisdn: '13900000001', month: '2026-10', revenueCents: 100, activeDays: 3, ...overrides });
const issuesOf = (body: any) => body.errors.flatMap((e: any) => e.extensions?.issues ?? []).map((i: any) => i.path);

describe('bad input: one response, every problem, argument paths', () => {
  it('reports every bad variable value as BAD_USER_INPUT with paths from the argument', async () => {
    const { month: _month, ...noMonth } = usage();
    const res = await post(api.server.url, {
      query: 'mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }',
      variables: { u: [usage(), usage({ revenueCents: 'abc' }), noMonth, usage({ activeDays: 2.5 })] },
    });
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    const [error] = res.body.errors;
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.issues).toEqual([
      { path: 'usage[1].revenueCents', message: expect.stringContaining('Int cannot represent') },
      { path: 'usage[2].month', message: expect.stringContaining('required') },
      { path: 'usage[3].activeDays', message: expect.stringContaining('Int cannot represent') },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('$u');
  });

  it('lists bad literal arguments and bad variables of one request together, unknown enum values included', async () => {
    const res = await post(api.server.url, {
      query: `mutation ($c: [CustomerInput!]!) {
        upsertCustomers(customers: $c) { created }
        recordUsage(usage: [{ msisdn: "13900000001", month: "2026-10", revenueCents: "x" }]) { recorded }
      }`,
      variables: { c: [customerInput('13900000001'), customerInput('13900000002', { paymentType: 'WEEKLY' })] },
    });
    expect(res.status).toBe(400);
    const codes = res.body.errors.map((e: any) => e.extensions?.code);
    expect(codes.every((c: string) => c === 'BAD_USER_INPUT')).toBe(true);
    expect(issuesOf(res.body).sort()).toEqual(['customers[1].paymentType', 'usage[0].revenueCents']);
  });

  it('names a missing required argument, and keeps GraphQL-over-HTTP statuses for application/json', async () => {
    const res = await post(api.server.url, { query: 'mutation { recordUsage { recorded } }' }, 'application/json');
    expect(res.status).toBe(200);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'usage', message: expect.stringContaining('required') }] });
    const unknownField = await post(api.server.url, { query: '{ customers { totalCont } }' });
    expect(unknownField.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('logs of a failing batch', () => {
  const lines: string[] = [];
  let server: WeixiServer;
  beforeAll(async () => {
    server = await startServer({ database: api.database, clock: api.clock, logger: createLogger('error', (line) => lines.push(line)), maskErrors: true });
    // A database failure the application does not expect, naming its table and column, as PostgreSQL's own errors do.
    await api.database.rows(sql.raw(`create function refuse_long_name() returns trigger language plpgsql as $$ begin
      if length(new.name) > 100 then raise exception 'value too long for the name index' using errcode = '54000', table = 'customers', column = 'name'; end if;
      return new; end $$`));
    await api.database.rows(sql.raw(`create trigger refuse_long_name before insert on customers for each row execute function refuse_long_name()`));
  });
  afterAll(async () => {
    await api.database.rows(sql.raw('drop trigger refuse_long_name on customers'));
    await api.database.rows(sql.raw('drop function refuse_long_name()'));
    await server.close();
  });

  it('carry the cause (code, table, column) and no parameters: no MSISDN, no name, bounded length', async () => {
    const batch = Array.from({ length: 200 }, (_, i) => customerInput(`13977${String(i).padStart(6, '0')}`, { name: `客户名字${i}` }));
    batch[150] = customerInput('13988888888', { name: '长'.repeat(150) }) // within the ingest limit (200), over the trigger's;
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}` },
      body: JSON.stringify({ query: 'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }', variables: { c: batch } }),
    });
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const requestId = res.headers.get('x-request-id')!;
    const logged = lines.filter((l) => l.includes(requestId));
    expect(logged.length).toBeGreaterThan(0);
    const text = logged.join('\n');
    expect(text).toContain('54000');
    expect(text).toMatch(/"table":"customers"/);
    expect(text).toMatch(/"column":"name"/);
    for (const secret of ['13977000007', '13988888888', '客户名字7', '长长长长']) expect(text).not.toContain(secret);
    for (const line of logged) expect(line.length).toBeLessThanOrEqual(16_384);
    if (process.env.SHOW_LOG) console.log(logged.join('\n'));
  });
});
