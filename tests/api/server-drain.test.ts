/**
 * A server that stops lets the requests in flight finish before it cuts their connections (and before its
 * caller closes the database under them); past `drainMs`, it cuts them anyway.
 */
import { sql } from 'drizzle-orm';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@weixi/core/access';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { createLogger, startServer } from '@weixi/platform';

let database: TestDatabase;
let key: string;
beforeAll(async () => {
  database = await createTestDatabase();
  key = (await createApiKey(database.db, { role: 'admin', name: 'drain' })).key;
});
afterAll(() => database.close());

/** Resolvers of `slow` that read the database on their way out, in the order they finished. */
const finished: string[] = [];

/** `slow(ms)` answers after `ms`, reading the database on the way out. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      slow: {
        type: GraphQLString,
        args: { ms: { type: GraphQLString } },
        resolve: async (_root, args: { ms: string }, ctx: { database: TestDatabase }) => {
          await new Promise((resolve) => setTimeout(resolve, Number(args.ms)));
          const [row] = await ctx.database.rows<{ v: string }>(sql`select 'db' as v`);
          finished.push(args.ms);
          return row!.v;
        },
      },
    },
  }),
});

const post = (url: string, ms: number, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: `{ slow(ms: "${ms}") }` }), signal });
const ask = (url: string, ms: number) =>
  post(url, ms)
    .then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }))
    .catch((error: unknown) => ({ status: 0, body: String(error) }));

describe('stopping a server', () => {
  it('lets a request in flight finish before it closes', async () => {
    const server = await startServer({ database, schema, logger: createLogger('error') });
    const answer = ask(server.url, 400);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.close();
    // Answered whole: before the drain, close cut the connection and the request got no answer.
    expect(await answer).toMatchObject({ status: 200, body: { data: { slow: 'db' } } });
  });

  it('waits for a request whose client left: its resolvers still run, and read the database', async () => {
    const server = await startServer({ database, schema, logger: createLogger('error') });
    const leaving = new AbortController();
    const answer = post(server.url, 401, leaving.signal).catch(() => 'left');
    await new Promise((resolve) => setTimeout(resolve, 100));
    leaving.abort();
    expect(await answer).toBe('left');
    await server.close();
    // Counted by its response alone, the request was over when its client left: close returned at once,
    // before the resolver's database read.
    expect(finished).toContain('401');
  });

  it('cuts a request still running after drainMs', async () => {
    const server = await startServer({ database, schema, logger: createLogger('error'), drainMs: 50 });
    const answer = ask(server.url, 3_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.close();
    expect((await answer).status).toBe(0); // the connection was cut, no answer
  });
});
