/**
 * The endpoints operators run the server with: GraphiQL from the server's own assets (no CDN, no key in
 * the page), `/health` and `/ready` (503 naming what is not ready).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let origin: string;
beforeAll(async () => {
  api = await startTestApi();
  origin = new URL(api.server.url).origin;
});
afterAll(() => api.close());

describe('GraphiQL without a CDN', () => {
  it('serves a page whose scripts, styles and icon all load from this server', async () => {
    const res = await fetch(api.server.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Weixi GraphQL');
    expect(html).not.toMatch(/wx_[A-Za-z0-9]/);
    // No absolute URL at all: everything the page names is a path on this server.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn/i);
    const referenced = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const workers = [...html.matchAll(/"(\/graphiql\/[^"]+\.worker\.js)"/g)].map((m) => m[1]!);
    expect(referenced.filter((u) => u.endsWith('.js'))).toHaveLength(1);
    expect(workers).toHaveLength(3);
    for (const path of [...referenced, ...workers]) {
      expect(path).toMatch(/^\/graphiql\/[0-9a-f]{12}\//);
      const asset = await fetch(new URL(path, origin));
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect((await asset.arrayBuffer()).byteLength, path).toBeGreaterThan(1000);
    }
    const script = await (await fetch(new URL(referenced.find((u) => u.endsWith('graphiql.js'))!, origin))).text();
    expect(script).toContain('renderYogaGraphiQL');
  });

  it('answers 404 for an unknown asset', async () => {
    expect((await fetch(`${origin}/graphiql/x/nothing.js`)).status).toBe(404);
  });
});

describe('health and readiness', () => {
  it('/health answers while the process lives', async () => {
    const res = await fetch(`${origin}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('/ready: database reachable, migrations applied, plugin host loaded', async () => {
    const res = await fetch(`${origin}/ready`);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      ready: true,
      notReady: [],
      checks: { database: { ok: true }, migrations: { ok: true, latest: expect.stringMatching(/^\d{4}_/) }, plugins: { ok: true } },
    });
  });

  it('/ready is 503 naming the migrations when the database lacks the latest one', async () => {
    const { startServer } = await import('@weixi/platform');
    const [last] = await api.database.rows<{ id: number; created_at: string }>(
      sql`select id, created_at::text from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    await api.database.rows(sql`update drizzle.__drizzle_migrations set created_at = 1 where id = ${last!.id}`);
    const server = await startServer({ database: api.database, clock: api.clock });
    try {
      const res = await fetch(new URL('/ready', server.url));
      const body = await res.json();
      expect(res.status).toBe(503);
      expect(body.notReady).toEqual(['migrations']);
      expect(body.checks.migrations.error).toContain('weixi migrate');
    } finally {
      await server.close();
      await api.database.rows(sql`update drizzle.__drizzle_migrations set created_at = ${last!.created_at}::bigint where id = ${last!.id}`);
    }
  });
});
