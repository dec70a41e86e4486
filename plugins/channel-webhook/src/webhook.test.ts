import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';
import { startReceiver } from './receiver.test-support.js';

const ID = 'channel-webhook';
const SECRET = 'whsec-test-0123456789';
let p: TestPlatform;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let nanjing: number;
let hangzhou: number;

const send = (customerId: number, channel: string | string[] = 'app') => p.send({ channel, customerId, message: '您的流量包已到账', purpose: 'service' });
const contact = async (id: number) => (await p.contacts()).find((c) => c.id === id)!;

beforeAll(async () => {
  receiver = await startReceiver(SECRET);
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    channels: ['sms'],
    now: '2026-11-16T10:00:00+08:00',
    settings: [
      { plugin: ID, region: 'JS', settings: { url: receiver.url, secret: SECRET, timeoutMs: 2000 } },
      { plugin: ID, region: 'JS-SZ', settings: { timeoutMs: 300 } },
    ],
    enable: [{ plugin: ID, region: 'JS' }, { plugin: ID, region: 'ZJ' }],
  });
  [nanjing, hangzhou] = await p.addCustomers([{ regionCode: 'JS-NJ-GL' }, { regionCode: 'ZJ-HZ' }]) as [number, number];
});
afterAll(async () => {
  await p?.close();
  await receiver?.close();
});

describe('channel-webhook', () => {
  it('POSTs the contact as signed JSON with an idempotency key, and keeps the receiver\'s id', async () => {
    const before = receiver.received.length;
    const sent = await send(nanjing);
    expect(sent.status).toBe('sent');
    const [request] = receiver.received.slice(before);
    expect(request!.signed).toBe(true);
    expect(request!.headers['idempotency-key']).toBe(`contact-${sent.contactId}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(request!.headers['x-weixi-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(request!.body).toEqual({
      contactId: sent.contactId, customerId: nanjing, regionCode: 'JS-NJ-GL', channel: 'app', purpose: 'service', language: 'zh',
      subject: null, message: '您的流量包已到账', taskId: null, requestedBy: 'testing-harness', sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await contact(sent.contactId)).toMatchObject({ status: 'sent', providerCode: '200', providerRef: `push-${receiver.received.length}` });
  });

  it('retries a 500 with backoff under the same idempotency key, and then it is sent', async () => {
    receiver.answer({ status: 500, body: 'upstream push service down' });
    const before = receiver.received.length;
    const first = await send(nanjing);
    expect(first.status).toBe('queued');
    expect((await contact(first.contactId)).detail).toBe("channel 'app' failed: receiver answered 500: upstream push service down; attempt 2 after 10 s");
    expect(await p.drainOutbox()).toBe(0); // not before the backoff
    p.clock.advance(11_000);
    expect(await p.drainOutbox()).toBe(1);
    expect(await contact(first.contactId)).toMatchObject({ status: 'sent', providerCode: '200' });
    const requests = receiver.received.slice(before);
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual([`contact-${first.contactId}`, `contact-${first.contactId}`]);
    expect(requests.every((r) => r.signed)).toBe(true);
  });

  it('takes a 400 as final: rejected with the code and the receiver\'s words, and the next channel gets it', async () => {
    receiver.answer({ status: 400, body: '{"error":"unknown device for customer"}' });
    const rejected = await send(nanjing, ['app', 'sms']);
    expect(rejected.status).toBe('rejected');
    expect(await contact(rejected.contactId)).toMatchObject({ providerCode: '400', detail: 'receiver refused it (400): {"error":"unknown device for customer"}' });
    expect((await p.contacts({ customerId: nanjing, channel: 'sms' })).at(-1)).toMatchObject({ fallbackOf: rejected.contactId, status: 'sent' });
  });

  it('retries a receiver that does not answer within the region\'s timeout', async () => {
    const [suzhou] = await p.addCustomers([{ regionCode: 'JS-SZ' }]);
    receiver.answer('hang');
    const started = Date.now();
    const slow = await send(suzhou!);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow.status).toBe('queued');
    expect((await contact(slow.contactId)).detail).toBe(`channel 'app' failed: no answer from ${new URL(receiver.url).origin} within 300 ms; attempt 2 after 10 s`);
  });

  it('fails a contact in a region without a receiver, so the next channel is tried', async () => {
    const none = await send(hangzhou);
    expect(none.status).toBe('failed');
    expect((await contact(none.contactId)).detail).toBe('no webhook url configured for region ZJ-HZ');
  });

  it('never returns the signing secret through the API', async () => {
    const data = await p.ok(`{ plugin(id: "${ID}") { settings(regionCode: "JS-NJ") } }`);
    expect(data.plugin.settings).toEqual({ url: receiver.url, secret: '********', timeoutMs: 2000 });
  });

  it('records a receipt from a caller who sees the customer, and refuses one from another region', async () => {
    const sent = await send(nanjing);
    const receipt = `mutation ($contactId: Int!, $status: Webhook_ReceiptStatus!) {
      webhook_receipt(contactId: $contactId, status: $status, code: "opened") { contactId status } }`;
    const suzhouOps = p.as(await p.key({ role: 'operator', regionCodes: ['JS-SZ'] }));
    const refused = await suzhouOps.gql(receipt, { contactId: sent.contactId, status: 'FAILED' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await contact(sent.contactId)).status).toBe('sent');

    const nanjingOps = p.as(await p.key({ role: 'operator', regionCodes: ['JS-NJ'] }));
    const done = await nanjingOps.ok(receipt, { contactId: sent.contactId, status: 'DELIVERED' });
    expect(done.webhook_receipt).toEqual({ contactId: sent.contactId, status: 'delivered' });
    expect(await contact(sent.contactId)).toMatchObject({ status: 'delivered', providerCode: 'opened' });
    // a late failure does not undo the delivery
    const late = await nanjingOps.ok(receipt, { contactId: sent.contactId, status: 'FAILED' });
    expect(late.webhook_receipt.status).toBe('delivered');
    // a receipt is for app contacts only
    const sms = await send(nanjing, 'sms');
    expect((await nanjingOps.gql(receipt, { contactId: sms.contactId, status: 'FAILED' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await contact(sms.contactId)).status).toBe('sent');
  });
});
