import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '@weixi/testing';

/**
 * The warning rules of every plugin run together: the runner claims their due runs as one batch and the
 * engine runs them in one statement. A rule that breaks fails alone; the others still write their warnings.
 */
const SILENT = 'warning-silent-customers';
const BAD = {
  entry: fileURLToPath(new URL('../plugins/fixtures/bad-date.ts', import.meta.url)),
  manifest: {
    id: 'bad-date',
    version: '1.0.0',
    engines: { weixi: '^0.1.0' },
    displayName: 'bad-date',
    description: 'bad-date fixture',
    capabilities: ['warnings:raise'],
    contributes: {
      warningRules: [
        { id: 'bad-date', title: 'Bad date', description: 'fails in SQL where a customer has an impossible date', schedule: '0 8 * * *' },
        { id: 'unbuildable', title: 'Unbuildable', description: 'cannot be built in Suzhou', schedule: '0 8 * * *' },
      ],
    },
  },
};
let p: TestPlatform;

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [`plugins/${SILENT}`, BAD as never],
    seed: { customers: 1500 },
    now: '2026-11-16T07:59:30+08:00',
    enable: [{ plugin: SILENT, region: 'JS' }, { plugin: 'bad-date', region: 'JS' }],
  });
  await p.sql`update customers set attributes = attributes || '{"badDate": "2026-13-45"}' where id = (
    select c.id from customers c join regions r on r.id = c.region_id where starts_with(r.path, '/JS/JS-NJ/') order by c.id limit 1)`;
  expect(await p.runDueJobs()).toEqual([]);
});
afterAll(() => p?.close());

describe('warning rules run together', () => {
  it('runs the due rules of every plugin in one statement per day, each run with its own outcome', async () => {
    const statements: string[] = [];
    const off = p.database.onStatement((text) => statements.push(text));
    p.clock.set('2026-11-16T08:00:00+08:00');
    const runs = await p.runDueJobs();
    off();
    const outcome = (job: string, region: string) => runs.find((r) => r.jobId === job && r.regionCode === region);
    const cities = [...new Set(runs.map((r) => r.regionCode))].sort();
    expect(cities.length).toBeGreaterThan(1);
    for (const city of cities) {
      expect(outcome('warnings:silent-customer', city)).toMatchObject({ status: 'succeeded', progress: 1 });
      // The statement failed in Nanjing only: bad-date failed alone there, after running alone.
      expect(outcome('warnings:bad-date', city)).toMatchObject(city === 'JS-NJ' ? { status: 'queued', attempt: 1 } : { status: 'succeeded' });
      expect(outcome('warnings:unbuildable', city)).toMatchObject(city === 'JS-SZ' ? { status: 'queued', attempt: 1 } : { status: 'succeeded' });
    }
    expect(outcome('warnings:bad-date', 'JS-NJ')!.error).toMatch(/date|out of range/i);
    expect(outcome('warnings:unbuildable', 'JS-SZ')!.error).toBe('Error: no definition in Suzhou');
    // One shared statement, which failed, then one per run.
    const engine = statements.filter((s) => s.startsWith('with hits'));
    expect(engine.length).toBe(1 + runs.filter((r) => r.jobId !== 'warnings:unbuildable' || r.regionCode !== 'JS-SZ').length);
    // Every city's silent customers got their warnings; the failures count against bad-date only.
    const warned = await p.sql<{ code: string; n: number }>`select a.code, count(*)::int as n from warnings w join regions r on r.id = w.region_id
      join regions a on starts_with(r.path, a.path) and a.level = 'city' where w.plugin_id = ${SILENT} group by a.code order by a.code`;
    expect(warned.map((w) => w.code)).toEqual(cities);
    // (Health is the plugin's in a region: a later success of its other rule there resets the count, not the error.)
    const health = await p.sql<{ plugin_id: string; code: string; last_error: string }>`select h.plugin_id, r.code, h.last_error
      from plugin_health h join regions r on r.id = h.region_id where h.last_error is not null order by 1, 2`;
    expect(health.map((h) => [h.plugin_id, h.code])).toEqual([['bad-date', 'JS-NJ'], ['bad-date', 'JS-SZ']]);
  });

  it('runs a rule whose shared statement keeps failing alone after its retry, the others not again', async () => {
    await p.sql`update customers set attributes = attributes - 'badDate'`;
    p.clock.set('2026-11-16T08:10:00+08:00'); // past the retry backoff
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.jobId, r.regionCode, r.status])).toEqual([['warnings:bad-date', 'JS-NJ', 'succeeded'], ['warnings:unbuildable', 'JS-SZ', 'queued']]);
  });
});
