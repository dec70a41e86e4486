import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from '../../../tests/api/harness.js';
import { createTaskMutation, createWeixiClient, taskChangedSubscription, WeixiClientError, type TaskState } from './index.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
});
afterAll(() => api.close());

describe('subscriptions over SSE', () => {
  it("yields an agent's typed task changes and ends the subscription when the loop is left", async () => {
    const admin = createWeixiClient({ url: api.server.url, headers: { authorization: `Bearer ${api.adminKey}` } });
    const agent = createWeixiClient({ url: api.server.url, headers: { authorization: `Bearer ${await api.key({ role: 'agent', agentId: 'agent-3' })}` } });
    const { upsertCustomers } = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: [customerInput('13730000001')] });
    const changes = agent.subscribe(taskChangedSubscription);
    const first = changes.next();
    // The request goes out on the first next(); give the server a moment to start listening.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { createTask } = await admin.request(createTaskMutation, {
      input: { customerId: upsertCustomers.customers[0].id, reason: 'contract ends', assignee: 'agent-3', dueAt: '2026-12-01T00:00:00Z' },
    });
    const { value } = await first;
    expectTypeOf(value!.taskChanged!.state).toEqualTypeOf<TaskState>();
    expect(value!.taskChanged).toMatchObject({ id: createTask.task.id, state: 'ASSIGNED', assignee: 'agent-3' });
    await changes.return();
  });

  it('throws WeixiClientError with the status when the server refuses the subscription', async () => {
    const anonymous = createWeixiClient({ url: api.server.url });
    const error = await anonymous.subscribe(taskChangedSubscription).next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeixiClientError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
