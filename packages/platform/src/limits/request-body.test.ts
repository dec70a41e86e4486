/**
 * The request body limit over real HTTP: a body with its Content-Length is judged by the header, a chunked
 * one as it is read; both refuse past the limit with 413, and yoga's own limit is off.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRequestBodyLimit } from './request-body.js';

const LIMIT = 200;
let server: Server;
let url: string;

beforeAll(async () => {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { echo(text: String): String }', resolvers: { Query: { echo: (_: unknown, a: { text?: string }) => a.text ?? null } } }),
    plugins: [useRequestBodyLimit(LIMIT)],
    maxRequestBodySize: false,
    logging: false,
  });
  server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const body = (text: string) => JSON.stringify({ query: 'query ($t: String) { echo(text: $t) }', variables: { t: text } });
const chunked = (text: string) => {
  const bytes = new TextEncoder().encode(body(text));
  // Two chunks and no Content-Length: fetch sends a stream chunked.
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, 40));
      controller.enqueue(bytes.subarray(40));
      controller.close();
    },
  });
};
const post = async (payload: string | ReadableStream<Uint8Array>) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, duplex: 'half' } as RequestInit);
  return { status: response.status, json: (await response.json()) as { data?: { echo: string }; errors?: Array<{ extensions?: { code?: string } }> } };
};

describe('the request body limit', () => {
  it('serves a body within the limit, with or without its Content-Length', async () => {
    expect(body('x'.repeat(100)).length).toBeLessThanOrEqual(LIMIT);
    expect(await post(body('x'.repeat(100)))).toEqual({ status: 200, json: { data: { echo: 'x'.repeat(100) } } });
    expect(await post(chunked('y'.repeat(100)))).toEqual({ status: 200, json: { data: { echo: 'y'.repeat(100) } } });
  });

  it('refuses a body past the limit with 413, by its Content-Length or as it is read', async () => {
    for (const payload of [body('x'.repeat(300)), chunked('y'.repeat(300))]) {
      const refused = await post(payload);
      expect(refused.status).toBe(413);
      expect(refused.json.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    }
  });
});
