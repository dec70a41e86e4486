/**
 * Live updates across two real API processes (`api/src/main.ts`) on one PostgreSQL database: an agent
 * subscribes on one (over graphql-ws and over SSE), an admin creates and starts the agent's task through
 * the other, and both subscriptions receive each change, carried by LISTEN/NOTIFY between the processes.
 * An operator of another region subscribed on the first process receives nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@weixi/core/access';
import { testDatabaseKind } from '@weixi/db/testing';
import { graphqlHttpClient } from '@weixi/testing';
import { customerInput, insertTestRegions } from '../api/harness.js';
import { subscribeSse, subscribeWs } from '../api/live-clients.js';
import { freshDatabase, startApiProcess, type ApiProcess, type FreshDatabase } from './api-process.js';

const onPostgres = testDatabaseKind() === 'postgres';

describe.skipIf(!onPostgres)('live updates across two API processes on PostgreSQL', () => {
  let database: FreshDatabase;
  const processes: ApiProcess[] = [];
  let keys: Record<'admin' | 'agent' | 'opZJ', string>;

  beforeAll(async () => {
    database = await freshDatabase({ WEIXI_DEMO_CUSTOMERS: '0', WEIXI_LOG_LEVEL: 'warn', WEIXI_RATE_LIMIT_PER_MINUTE: '0' });
    const db = database.postgres!;
    await insertTestRegions(db);
    keys = {
      admin: (await createApiKey(db.db, { role: 'admin', name: 'live admin' })).key,
      agent: (await createApiKey(db.db, { role: 'agent', agentId: 'agent-7', name: 'agent 7' })).key,
      opZJ: (await createApiKey(db.db, { role: 'operator', regionCodes: ['ZJ'], name: 'Zhejiang ops' })).key,
    };
    processes.push(...(await Promise.all([startApiProcess(database.env), startApiProcess(database.env)])));
  }, 240_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await database?.close();
  });

  it('delivers a task changed through one process to subscribers of the other', async () => {
    const [subscribed, writing] = processes as [ApiProcess, ApiProcess];
    const admin = graphqlHttpClient(writing.url, keys.admin);
    const { upsertCustomers } = await admin.ok<any>(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: [customerInput('13720000001')] });
    const overWs = await subscribeWs(subscribed.url, keys.agent, `subscription { taskChanged { id state assignee } }`);
    const overSse = await subscribeSse(subscribed.url, keys.agent, `subscription { taskChanged { id state } }`);
    const elsewhere = await subscribeSse(subscribed.url, keys.opZJ, `subscription { taskChanged { id } }`);
    try {
      const started = Date.now();
      const { createTask } = await admin.ok<any>(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, {
        input: { customerId: upsertCustomers.customers[0].id, reason: 'contract ends', assignee: 'agent-7', dueAt: '2026-12-30T00:00:00Z' },
      });
      const id = createTask.task.id;
      expect((await overWs.next()).data!.taskChanged).toEqual({ id, state: 'ASSIGNED', assignee: 'agent-7' });
      expect((await overSse.next()).data!.taskChanged).toEqual({ id, state: 'ASSIGNED' });
      expect(Date.now() - started).toBeLessThan(2_000);

      await admin.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id });
      expect((await overWs.next()).data!.taskChanged).toMatchObject({ id, state: 'IN_PROGRESS' });
      expect((await overSse.next()).data!.taskChanged).toEqual({ id, state: 'IN_PROGRESS' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(elsewhere.pending()).toEqual([]);
    } finally {
      await Promise.all([overWs.close(), overSse.close(), elsewhere.close()]);
    }
  });
});
