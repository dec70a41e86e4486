import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, type SQL } from 'drizzle-orm';
import { customers, regions, retentionTasks } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import type { Principal } from './principal.js';
import { canSeeRegionPath, customerScopeSql, regionScopeSql, taskScopeSql } from './scope.js';
import { insertTestTree, TEST_TREE } from './test-fixtures.js';

const ALL = TEST_TREE.map(([code]) => code);
const admin: Principal = { kind: 'admin', actor: 'system' };
const operator = (...regionPaths: string[]): Principal => ({ kind: 'operator', actor: 'key:op', regionCodes: [], regionPaths });
const integrator = (regionPaths: string[] | 'all'): Principal => ({ kind: 'integrator', actor: 'key:in', scopes: ['read'], regionCodes: [], regionPaths });
const agent = (agentId: string, regionPaths: string[] | 'all' = 'all'): Principal => ({ kind: 'agent', actor: 'key:ag', agentId, regionCodes: [], regionPaths });

describe('canSeeRegionPath', () => {
  it('lets admins see everything, operators and bounded integrators their subtrees, agents no region', () => {
    expect(canSeeRegionPath(admin, '/ZJ/ZJ-HZ/')).toBe(true);
    expect(canSeeRegionPath(operator('/JS/'), '/JS/')).toBe(true);
    expect(canSeeRegionPath(operator('/JS/'), '/JS/JS-NJ/JS-NJ-GL/')).toBe(true);
    expect(canSeeRegionPath(operator('/JS/'), '/JSX/')).toBe(false);
    expect(canSeeRegionPath(operator('/JS/JS-NJ/'), '/JS/')).toBe(false);
    expect(canSeeRegionPath(operator('/JS/JS-NJ/', '/ZJ/'), '/ZJ/ZJ-HZ/')).toBe(true);
    expect(canSeeRegionPath(operator(), '/JS/')).toBe(false);
    expect(canSeeRegionPath(integrator('all'), '/A_B/')).toBe(true);
    expect(canSeeRegionPath(integrator(['/A_B/']), '/AXB/')).toBe(false);
    expect(canSeeRegionPath(agent('a-1'), '/JS/')).toBe(false);
  });
});

describe('scope predicates on a real database', () => {
  let database: TestDatabase;
  const tasks: Record<string, number> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const tree = await insertTestTree(database.db);
    const customerIds = new Map<string, number>();
    let n = 0;
    for (const [code, { id }] of tree) {
      const [row] = await database.db
        .insert(customers)
        .values({ msisdn: `1390000${String(++n).padStart(4, '0')}`, name: code, regionId: id, joinedOn: '2024-01-01', plan: 'A', paymentType: 'prepaid' })
        .returning({ id: customers.id });
      customerIds.set(code, row!.id);
    }
    const task = async (name: string, customer: string, assignee: string | null) => {
      const [row] = await database.db
        .insert(retentionTasks)
        .values({ customerId: customerIds.get(customer)!, reason: name, assignee, state: assignee ? 'assigned' : 'open', dueAt: new Date('2026-04-01T00:00:00Z') })
        .returning({ id: retentionTasks.id });
      tasks[name] = row!.id;
    };
    await task('gl', 'JS-NJ-GL', 'a-1');
    await task('hz', 'ZJ-HZ', 'a-1');
    await task('axb', 'AXB', "a'2%");
    await task('sz', 'JS-SZ', null);
  });
  afterAll(() => database.close());

  /** Region codes of the customers the predicate lets through, sorted (regions joined, to test the subquery's scoping). */
  async function customersWhere(where: SQL): Promise<string[]> {
    const rows = await database.db
      .select({ code: regions.code })
      .from(customers)
      .innerJoin(regions, eq(regions.id, customers.regionId))
      .where(where)
      .orderBy(asc(regions.code));
    return rows.map((r) => r.code);
  }

  async function tasksWhere(where: SQL): Promise<string[]> {
    const rows = await database.db.select({ reason: retentionTasks.reason }).from(retentionTasks).where(where).orderBy(asc(retentionTasks.reason));
    return rows.map((r) => r.reason);
  }

  const sorted = (codes: string[]) => [...codes].sort();

  it('regionScopeSql keeps the rows in the allowed subtrees', async () => {
    expect(await customersWhere(regionScopeSql(admin, customers.regionId))).toEqual(sorted(ALL));
    expect(await customersWhere(regionScopeSql(operator('/JS/'), customers.regionId))).toEqual(['JS', 'JS-NJ', 'JS-NJ-GL', 'JS-SZ']);
    expect(await customersWhere(regionScopeSql(operator('/JS/JS-NJ/', '/ZJ/'), customers.regionId))).toEqual(['JS-NJ', 'JS-NJ-GL', 'ZJ', 'ZJ-HZ']);
    expect(await customersWhere(regionScopeSql(integrator('all'), customers.regionId))).toEqual(sorted(ALL));
    expect(await customersWhere(regionScopeSql(integrator(['/ZJ/ZJ-HZ/']), customers.regionId))).toEqual(['ZJ-HZ']);
    expect(await customersWhere(regionScopeSql(agent('a-1'), customers.regionId))).toEqual([]);
    expect(await customersWhere(regionScopeSql(operator(), customers.regionId))).toEqual([]);
  });

  it('escapes LIKE wildcards in paths, so A_B does not match AXB nor P% match PQ', async () => {
    expect(await customersWhere(regionScopeSql(operator('/A_B/'), customers.regionId))).toEqual(['A_B']);
    expect(await customersWhere(regionScopeSql(operator('/P%/'), customers.regionId))).toEqual(['P%']);
    const query = database.db.select({ id: customers.id }).from(customers).where(regionScopeSql(operator('/A_B/', '/P%/'), customers.regionId)).toSQL();
    expect(query.params).toEqual(['/A\\_B/%', '/P\\%/%']);
    expect(query.sql).toContain('"customers"."region_id" in (select "regions"."id" from "regions" where ("regions"."path" like $1 or "regions"."path" like $2))');
  });

  it('customerScopeSql gives agents the customers of their tasks, within their regions', async () => {
    const columns = { customerId: customers.id, regionId: customers.regionId };
    expect(await customersWhere(customerScopeSql(agent('a-1'), columns))).toEqual(['JS-NJ-GL', 'ZJ-HZ']);
    expect(await customersWhere(customerScopeSql(agent('a-1', ['/ZJ/']), columns))).toEqual(['ZJ-HZ']);
    expect(await customersWhere(customerScopeSql(agent("a'2%"), columns))).toEqual(['AXB']);
    expect(await customersWhere(customerScopeSql(agent('a-9'), columns))).toEqual([]);
    expect(await customersWhere(customerScopeSql(operator('/ZJ/'), columns))).toEqual(['ZJ', 'ZJ-HZ']);
  });

  it('taskScopeSql gives agents their own tasks and others the tasks of customers in scope', async () => {
    const columns = { assignee: retentionTasks.assignee, regionId: retentionTasks.regionId };
    expect(await tasksWhere(taskScopeSql(admin, columns))).toEqual(['axb', 'gl', 'hz', 'sz']);
    expect(await tasksWhere(taskScopeSql(agent('a-1'), columns))).toEqual(['gl', 'hz']);
    expect(await tasksWhere(taskScopeSql(agent('a-1', ['/JS/']), columns))).toEqual(['gl']);
    expect(await tasksWhere(taskScopeSql(operator('/JS/'), columns))).toEqual(['gl', 'sz']);
    expect(await tasksWhere(taskScopeSql(integrator(['/A_B/']), columns))).toEqual([]);
    expect(await tasksWhere(taskScopeSql(integrator('all'), columns))).toEqual(['axb', 'gl', 'hz', 'sz']);
  });
});
