import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { runPlans, type PlanRegion, type PlanSummary } from './run.js';
import { addCustomer, addRegions, decisionsOf, tactic, tasksOf } from './world.test-support.js';

// Several regions planned at once (a job batch, a province's cities): one set of statements for the regions
// with the same plan, each still a run of its own; a failing group retried region by region.
let database: TestDatabase;
let regions: Map<string, PlanRegion>;
const now = new Date('2026-11-16T02:00:00Z');
const db = () => database.db;
const region = (code: string) => regions.get(code)!;
const runOf = async (taskCustomer: number) => (await queryRows<{ planner_run_id: number | null }>(db(), sql`select planner_run_id from retention_tasks where customer_id = ${taskCustomer}`)).map((r) => r.planner_run_id);

beforeAll(async () => {
  database = await createTestDatabase();
  regions = await addRegions(database.db);
});
afterAll(() => database.close());

describe('planning several regions at once', () => {
  it('plans cities with the same plan together, each its own run with its own counts and tasks, and a city with other settings by its own', async () => {
    const nj = await addCustomer(db(), 'NJ one', { region: 'JS-NJ', warnings: [['p1/x', 50]] });
    const sz = await addCustomer(db(), 'SZ one', { region: 'JS-SZ', warnings: [['p1/x', 50]] });
    const sz2 = await addCustomer(db(), 'SZ two', { region: 'JS-SZ', warnings: [['p1/x', 70]] });
    const same = [tactic('p1/a', { rules: ['p1'], precedence: 20 }), tactic('p1/b', { rules: ['p1'], precedence: 10 })];
    const [a, b] = await runPlans(db(), [
      { region: region('JS-NJ'), tactics: same, now },
      { region: region('JS-SZ'), tactics: same, now },
    ]);
    const [njRun, szRun] = [a as PlanSummary, b as PlanSummary];
    expect(njRun).toMatchObject({ regionCode: 'JS-NJ', considered: 1, chosen: 1, created: 1 });
    expect(szRun).toMatchObject({ regionCode: 'JS-SZ', considered: 2, chosen: 2, created: 2 });
    expect(njRun.runId).not.toBe(szRun.runId);
    expect(await runOf(nj)).toEqual([njRun.runId]);
    expect(await runOf(sz2)).toEqual([szRun.runId]);
    expect((await decisionsOf(db(), szRun.runId, sz)).map((d) => [d.tactic, d.chosen])).toEqual([['p1/a', true], ['p1/b', false]]);
    const runs = await queryRows<{ id: number; considered: number; created: number; status: string }>(db(), sql`select id, considered, created, status from planner_runs order by id`);
    expect(runs.map((r) => [r.id, r.considered, r.created, r.status])).toEqual([[njRun.runId, 1, 1, 'succeeded'], [szRun.runId, 2, 2, 'succeeded']]);

    // Suzhou's settings put b first: its customers get b, Nanjing's still a.
    const njNew = await addCustomer(db(), 'NJ new', { region: 'JS-NJ', warnings: [['p2/x', 50]] });
    const szNew = await addCustomer(db(), 'SZ new', { region: 'JS-SZ', warnings: [['p2/x', 50]] });
    const njTactics = [tactic('p2/a', { rules: ['p2'], precedence: 20 }), tactic('p2/b', { rules: ['p2'], precedence: 10 })];
    const szTactics = [tactic('p2/a', { rules: ['p2'], precedence: 10 }), tactic('p2/b', { rules: ['p2'], precedence: 20 })];
    const outcomes = await runPlans(db(), [
      { region: region('JS-NJ'), tactics: njTactics, now },
      { region: region('JS-SZ'), tactics: szTactics, now },
    ]);
    expect(outcomes.map((o) => (o as PlanSummary).created)).toEqual([1, 1]);
    expect((await tasksOf(db(), njNew)).map((t) => t.tactic)).toEqual(['p2/a']);
    expect((await tasksOf(db(), szNew)).map((t) => t.tactic)).toEqual(['p2/b']);
  });

  it('plans overlapping subtrees (a province and one of its cities) apart, so no customer is planned twice in one statement', async () => {
    const nj = await addCustomer(db(), 'NJ overlap', { region: 'JS-NJ', warnings: [['p3/x', 50]] });
    const tactics = [tactic('p3/a', { rules: ['p3'] })];
    const [province, city] = (await runPlans(db(), [
      { region: region('JS'), tactics, now },
      { region: region('JS-NJ'), tactics, now },
    ])) as PlanSummary[];
    expect(province).toMatchObject({ regionCode: 'JS', created: 1 });
    expect(city).toMatchObject({ regionCode: 'JS-NJ', created: 0 }); // the province's run planned it today
    expect(await tasksOf(db(), nj)).toHaveLength(1);
  });

  it("retries a failing group region by region: only the region whose data fails the plan fails, with the database's error", async () => {
    const nj = await addCustomer(db(), 'NJ fine', { region: 'JS-NJ', warnings: [['p4/x', 50]] });
    const sz = await addCustomer(db(), 'SZ huge', { region: 'JS-SZ', warnings: [['p4/x', 50]] });
    await db().execute(sql`update customers set points = 10000 where id = ${sz}`); // its cost overflows an int
    const tactics = [tactic('p4/a', { rules: ['p4'], offer: { title: 'a', costCents: { mul: [{ customer: 'points' }, 1_000_000] }, benefit: { kind: 'credit', valueCents: 0, description: 'a' } } })];
    const [fine, failed] = await runPlans(db(), [
      { region: region('JS-NJ'), tactics, now },
      { region: region('JS-SZ'), tactics, now },
    ]);
    expect(fine).toMatchObject({ regionCode: 'JS-NJ', created: 1 });
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/out of range/);
    expect(await tasksOf(db(), nj)).toHaveLength(1);
    expect(await tasksOf(db(), sz)).toEqual([]);
    const runs = await queryRows<{ code: string; status: string; error: string | null }>(
      db(),
      sql`select r.code, p.status, p.error from planner_runs p join regions r on r.id = p.region_id where p.id > ${(fine as PlanSummary).runId - 3} order by p.id`,
    );
    expect(runs.map((r) => [r.code, r.status])).toEqual([['JS-NJ', 'failed'], ['JS-SZ', 'failed'], ['JS-NJ', 'succeeded'], ['JS-SZ', 'failed']]);
    expect(runs[0]!.error).toMatch(/planned together with 1 other regions; retried alone/);
  });

  it('deletes a run\'s decisions with the run and clears its tasks\' run, and a customer\'s decisions with the customer', async () => {
    const kept = await addCustomer(db(), 'Kept', { region: 'JS-NJ', warnings: [['p5/x', 50]] });
    const gone = await addCustomer(db(), 'Gone', { region: 'JS-NJ', warnings: [['p5/x', 50]] });
    const [summary] = (await runPlans(db(), [{ region: region('JS-NJ'), tactics: [tactic('p5/a', { rules: ['p5'] })], now }])) as PlanSummary[];
    const count = async (where: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from planner_decisions where ${where}`))[0]!.n);
    expect(await count(sql`run_id = ${summary!.runId}`)).toBe(2);
    await db().execute(sql`delete from retention_tasks where customer_id = ${gone}`);
    await db().execute(sql`delete from customers where id = ${gone}`);
    expect(await count(sql`customer_id = ${gone}`)).toBe(0);
    expect(await count(sql`run_id = ${summary!.runId}`)).toBe(1);
    await db().execute(sql`delete from planner_runs where id = ${summary!.runId}`);
    expect(await count(sql`run_id = ${summary!.runId}`)).toBe(0);
    expect(await runOf(kept)).toEqual([null]);
  });
});
