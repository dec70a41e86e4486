import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';
import { BROKER_URL, callCentre, cutConnection, until, type CallCentre } from './broker.test-support.js';

const ID = 'channel-call';
let p: TestPlatform;
let centre: CallCentre;

const logged = (msg: string) => p.logs.filter((l) => l.msg === msg && l.fields.taskQueue === centre.taskQueue).length;
const contact = async (id: number) => (await p.sql<{ status: string; disposition: string | null; detail: string | null; provider_ref: string | null }>`
  select status, disposition, detail, provider_ref from contacts where id = ${id}`)[0]!;
const customers = (n: number) => p.addCustomers(Array.from({ length: n }, () => ({ regionCode: 'JS-NJ-GL' })));
/** Sends a call and reads its task off the queue. */
async function call(customerId: number, channel: string | string[] = 'call', purpose: 'service' | 'marketing' = 'service') {
  const sent = await p.send({ channel, customerId, message: `您好，您的合约即将到期 (${customerId})`, purpose });
  expect(sent.status).toBe('sent');
  return sent.contactId;
}

beforeAll(async () => {
  centre = await callCentre();
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    now: '2026-11-16T10:00:00+08:00',
    channels: ['sms'],
    settings: [{ plugin: ID, region: 'JS', settings: { url: BROKER_URL, taskQueue: centre.taskQueue, dispositionQueue: centre.dispositionQueue, reconnectDelayMs: 2500, confirmTimeoutMs: 3000 } }],
    enable: [{ plugin: ID, region: 'JS' }, { plugin: ID, region: 'ZJ' }],
  });
});
afterAll(async () => {
  await p?.close();
  await centre?.close(`${centre.taskQueue}.zj`, `${centre.dispositionQueue}.zj`);
});

describe('channel-call', () => {
  it('publishes a persistent call task with the number and the script, confirmed before it is sent', async () => {
    const [id] = await customers(1);
    const [customer] = await p.sql<{ msisdn: string; name: string }>`select msisdn, name from customers where id = ${id!}`;
    const contactId = await call(id!);
    const [task, ...more] = await centre.takeTasks();
    expect(more).toEqual([]);
    expect(task!.properties).toMatchObject({ messageId: `contact-${contactId}`, deliveryMode: 2, contentType: 'application/json', type: 'weixi.call.task' });
    expect(JSON.parse(task!.content.toString())).toEqual({
      contactId, customerId: id, regionCode: 'JS-NJ-GL', msisdn: customer!.msisdn, name: customer!.name, taskId: null,
      purpose: 'service', language: 'zh', script: `您好，您的合约即将到期 (${id})`, requestedBy: 'testing-harness',
    });
    expect(await contact(contactId)).toMatchObject({ status: 'sent', provider_ref: `contact-${contactId}` });
  });

  it('records an accepted disposition as delivered, with the agent and the note', async () => {
    const [id] = await customers(1);
    const contactId = await call(id!);
    await centre.dispose({ messageId: `contact-${contactId}`, disposition: 'accepted', agentId: 'A07', note: '愿意续约', at: '2026-11-16T02:30:00Z' });
    await until(async () => (await contact(contactId)).status === 'delivered', 'the disposition');
    expect(await contact(contactId)).toMatchObject({ disposition: 'accepted', detail: 'accepted by agent A07: 愿意续约' });
    const [row] = await p.contacts({ customerId: id });
    expect(row).toMatchObject({ status: 'delivered', providerCode: 'accepted', detail: 'accepted by agent A07: 愿意续约' });
    expect(await centre.depth(centre.dispositionQueue)).toMatchObject({ messageCount: 0, consumerCount: 1 }); // acked
  });

  it('fails an unanswered call, so the contact falls back to the next channel; a wrong number is rejected', async () => {
    const [first, second] = await customers(2);
    const unanswered = await call(first!, ['call', 'sms']);
    await centre.dispose({ contactId: unanswered, disposition: 'no_answer', agentId: 7 });
    await until(async () => (await p.contacts({ customerId: first, channel: 'sms' })).length === 1, 'the fallback');
    expect(await contact(unanswered)).toMatchObject({ status: 'failed', disposition: 'no_answer', detail: 'no_answer by agent 7' });
    expect(await p.drainOutbox()).toBe(1); // the fallback goes out with the outbox loop
    expect(await p.contacts({ customerId: first, channel: 'sms' })).toEqual([expect.objectContaining({ status: 'sent', fallbackOf: unanswered })]);

    const wrong = await call(second!);
    await centre.dispose({ contactId: wrong, disposition: 'wrong_number' });
    await until(async () => (await contact(wrong)).status === 'rejected', 'the rejection');
  });

  it('records do_not_call as an opt-out of marketing on every channel', async () => {
    const [id] = await customers(1);
    const contactId = await call(id!);
    await centre.dispose({ contactId, customerId: id, disposition: 'do_not_call', note: '请勿再打' });
    await until(async () => (await contact(contactId)).status === 'delivered', 'the disposition');
    expect(await contact(contactId)).toMatchObject({ disposition: 'do_not_call' });
    expect((await p.send({ channel: 'sms', customerId: id!, message: '优惠', purpose: 'marketing' })).status).toBe('suppressed');
    expect((await p.send({ channel: 'call', customerId: id!, message: '优惠', purpose: 'marketing' })).status).toBe('suppressed');
    expect((await p.send({ channel: 'sms', customerId: id!, message: '账单', purpose: 'service' })).status).toBe('sent');
  });

  it('drops a malformed disposition with an error log and goes on consuming', async () => {
    const [id] = await customers(1);
    const contactId = await call(id!);
    await centre.dispose('{not json');
    await centre.dispose({ contactId, disposition: 'maybe' });
    await centre.dispose({ contactId, disposition: 'callback', note: '18点后' });
    await until(async () => (await contact(contactId)).status === 'delivered', 'the valid disposition');
    const errors = p.logs.filter((l) => l.msg === 'malformed call disposition dropped');
    expect(errors.map((l) => l.fields.problem)).toEqual([expect.stringMatching(/^not JSON/), expect.stringMatching(/^disposition must be one of accepted, /)]);
    expect(errors[0]!.fields).toMatchObject({ plugin: ID, queue: centre.dispositionQueue, body: '{not json' });
    expect(await centre.depth(centre.dispositionQueue)).toMatchObject({ messageCount: 0 });
  });

  it('fails a call where no broker is configured, and listens where one is, before any call', async () => {
    const [hz] = await p.addCustomers([{ regionCode: 'ZJ-HZ' }]);
    expect((await p.send({ channel: 'call', customerId: hz!, message: 'x', purpose: 'service' })).status).toBe('failed');
    expect((await p.contacts({ customerId: hz }))[0]!.detail).toBe('no call centre broker configured for region ZJ-HZ (setting url)');

    const zj = { url: BROKER_URL, taskQueue: `${centre.taskQueue}.zj`, dispositionQueue: `${centre.dispositionQueue}.zj` };
    const resolved = await p.configure(ID, 'ZJ', zj);
    expect(resolved).toMatchObject({ ...zj, reconnectDelayMs: 5000, prefetch: 20 });
    const read = await p.ok<{ plugin: { settings: Record<string, unknown> } }>(`{ plugin(id: "${ID}") { settings(regionCode: "ZJ") } }`);
    expect(read.plugin.settings).toMatchObject({ url: '********', taskQueue: zj.taskQueue }); // the password never reads back
    const run = await p.runJob(ID, 'listen', 'ZJ-HZ');
    expect(run).toMatchObject({ status: 'succeeded', progressMessage: 'listening on 127.0.0.1:5672 vhost /' });
    expect(await centre.depth(zj.dispositionQueue)).toMatchObject({ consumerCount: 1 });
    expect((await p.runJob(ID, 'listen', 'ZJ-HZ')).status).toBe('succeeded'); // still one consumer
    expect(await centre.depth(zj.dispositionQueue)).toMatchObject({ consumerCount: 1 });
    await centre.depth(zj.taskQueue); // declared by the plugin
  });

  it('reconnects after the broker cuts the connection: every disposition applied, no task published twice', async () => {
    const contactIds = await Promise.all((await customers(12)).map((id) => call(id))); // confirms in flight together
    const [late] = await customers(1);
    const connected = logged('call centre connected');
    const disconnected = logged('call centre disconnected');
    const codes = ['accepted', 'declined', 'callback'] as const;
    let queued: { contactId: number; status: string } | undefined;
    for (const [i, contactId] of contactIds.entries()) {
      await centre.dispose({ messageId: `contact-${contactId}`, disposition: codes[i % 3] });
      if (i !== 5) continue;
      await cutConnection(centre.taskQueue);
      await until(() => logged('call centre disconnected') > disconnected, 'the cut');
      // A call while the broker is away throws (reconnectDelayMs keeps it away for 2.5 s): the contact waits.
      queued = await p.send({ channel: 'call', customerId: late!, message: '稍后', purpose: 'service' });
    }
    expect(queued!.status).toBe('queued');
    expect((await contact(queued!.contactId)).detail).toMatch(/is not connected; the contact is retried/);

    await until(() => logged('call centre connected') > connected, 'the reconnection');
    await until(async () => (await p.sql<{ n: number }>`select count(*)::int as n from contacts where id in ${contactIds} and status = 'delivered'`)[0]!.n === 12, 'every disposition');
    const rows = await p.sql<{ id: number; disposition: string }>`select id, disposition from contacts where id in ${contactIds}`;
    expect(new Map(rows.map((r) => [Number(r.id), r.disposition]))).toEqual(new Map(contactIds.map((id, i) => [id, codes[i % 3]])));
    await until(async () => (await centre.depth(centre.dispositionQueue)).messageCount === 0, 'the acks');
    expect((await centre.depth(centre.dispositionQueue)).consumerCount).toBe(1);

    // After the core's backoff the waiting call goes out, once.
    p.clock.advance(MINUTE);
    expect(await p.drainOutbox()).toBe(1);
    expect(await contact(queued!.contactId)).toMatchObject({ status: 'sent', provider_ref: `contact-${queued!.contactId}` });
    expect(await p.drainOutbox()).toBe(0);

    await centre.takeTasks();
    const perMessage = new Map<string, number>();
    for (const t of centre.tasks) perMessage.set(t.properties.messageId as string, (perMessage.get(t.properties.messageId as string) ?? 0) + 1);
    expect([...perMessage.values()].every((n) => n === 1)).toBe(true);
    for (const id of [...contactIds, queued!.contactId]) expect(perMessage.get(`contact-${id}`)).toBe(1);
  });

  it('leaves a call queued for a retry while its broker refuses connections', async () => {
    await p.configure(ID, 'JS-SZ', { url: 'amqp://guest:guest@127.0.0.1:1', reconnectDelayMs: 60_000 });
    const [sz] = await p.addCustomers([{ regionCode: 'JS-SZ' }]);
    const sent = await p.send({ channel: 'call', customerId: sz!, message: 'x', purpose: 'service' });
    expect(sent.status).toBe('queued');
    expect((await contact(sent.contactId)).detail).toMatch(/call centre broker 127\.0\.0\.1:1 vhost \/ is not connected; the contact is retried; attempt 2 after 10 s$/);
    expect(p.logs.find((l) => l.msg === 'call centre connection failed')?.fields).toMatchObject({ broker: '127.0.0.1:1 vhost /', retryInMs: 60_000 });
    expect(JSON.stringify(p.logs)).not.toContain('guest:guest'); // credentials stay out of logs
  });

  it('closes its connections when disabled', async () => {
    await p.disable(ID, 'JS');
    await p.disable(ID, 'ZJ');
    await until(async () => (await centre.depth(centre.dispositionQueue)).consumerCount === 0, 'the consumer to go');
  });
});
