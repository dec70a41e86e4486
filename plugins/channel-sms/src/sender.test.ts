import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';

const ID = 'channel-sms';
let p: TestPlatform;
let nanjing: number;
let suzhou: number;
let optedOut: number;
let hangzhou: number;
let msisdn: string;

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    seed: { customers: 500 },
    now: '2026-11-16T10:00:00+08:00',
    settings: [
      { plugin: ID, region: 'JS', settings: { senderId: '10655025' } },
      { plugin: ID, region: 'JS-SZ', settings: { senderId: '10655012', dailyLimitPerCustomer: 2 } },
    ],
    enable: [{ plugin: ID, region: 'JS' }],
  });
  // Demo customers who did not withdraw SMS consent, one per city.
  const pick = async (city: string) =>
    (await p.sql<{ id: number; msisdn: string }>`
      select c.id, c.msisdn from customers c join regions r on r.id = c.region_id
      where starts_with(r.path, (select path from regions where code = ${city})) and coalesce((c.consent ->> 'sms')::boolean, true)
      order by c.id limit 1`)[0]!;
  ({ id: nanjing, msisdn } = await pick('JS-NJ'));
  suzhou = (await pick('JS-SZ')).id;
  hangzhou = (await pick('ZJ-HZ')).id;
  optedOut = (await p.addCustomers([{ regionCode: 'JS-NJ-GL', consent: { sms: false } }]))[0]!;
});
afterAll(() => p?.close());

describe('channel-sms', () => {
  it('sends from the region\'s sender id and records the message as the outbox', async () => {
    const sent = await p.send({ channel: 'sms', customerId: nanjing, message: '您的话费余额不足10元' });
    expect(sent.status).toBe('sent');
    expect(await p.contacts({ customerId: nanjing })).toEqual([
      expect.objectContaining({ id: sent.contactId, channel: 'sms', status: 'sent', message: '您的话费余额不足10元', detail: `from 10655025 to ${msisdn.slice(0, 3)}****${msisdn.slice(-4)}` }),
    ]);
    const sz = await p.send({ channel: 'sms', customerId: suzhou, message: '苏州欢迎您' });
    expect((await p.contacts({ customerId: suzhou }))[0]!.detail).toMatch(/^from 10655012 to \d{3}\*{4}\d{4}$/);
    expect(sz.status).toBe('sent');
  });

  it('fails a message beyond the customer\'s daily limit, saying why, and allows it again the next day', async () => {
    const second = await p.send({ channel: 'sms', customerId: nanjing, message: '第二条' });
    expect(second.status).toBe('failed');
    expect((await p.contacts({ customerId: nanjing, status: 'failed' }))[0]!.detail).toBe(
      `daily limit reached: customer ${nanjing} already received 1 SMS on 2026-11-16 (Asia/Shanghai); dailyLimitPerCustomer is 1`,
    );
    // Suzhou allows two a day
    expect((await p.send({ channel: 'sms', customerId: suzhou, message: '第二条' })).status).toBe('sent');
    expect((await p.send({ channel: 'sms', customerId: suzhou, message: '第三条' })).status).toBe('failed');

    // 23:59 is still the same day in Shanghai; 00:00 is the next
    p.clock.set('2026-11-16T23:59:00+08:00');
    expect((await p.send({ channel: 'sms', customerId: nanjing, message: '深夜' })).status).toBe('failed');
    p.clock.advance(HOUR);
    expect((await p.send({ channel: 'sms', customerId: nanjing, message: '次日' })).status).toBe('sent');
  });

  it('is not reached for a customer who withdrew consent, nor where it is not enabled', async () => {
    expect((await p.send({ channel: 'sms', customerId: optedOut, message: 'x' })).status).toBe('suppressed');
    expect((await p.send({ channel: 'sms', customerId: hangzhou, message: 'x' })).status).toBe('failed');
    expect((await p.contacts({ customerId: hangzhou }))[0]!.detail).toBe("channel 'sms' (plugin 'channel-sms') is not enabled in region " + (await p.contacts({ customerId: hangzhou }))[0]!.regionCode);
    await p.enable(ID, 'ZJ');
    expect((await p.send({ channel: 'sms', customerId: hangzhou, message: 'y' })).status).toBe('sent');
    expect((await p.contacts({ customerId: hangzhou }))[1]!.detail).toMatch(/^from 10655000 to /); // Zhejiang has the default sender id
  });

  it('shows a region\'s outbox, newest first', async () => {
    const message = '{ __typename contactId customerId regionCode requestedBy message status detail at }';
    const r = await p.ok(`{ nj: sms_outbox(regionCode: "JS-NJ") ${message} js: sms_outbox(regionCode: "JS", limit: 2) { contactId } }`);
    expect(r.nj.map((e: any) => [e.customerId, e.message, e.status])).toEqual([
      [optedOut, 'x', 'SUPPRESSED'],
      [nanjing, '次日', 'SENT'],
      [nanjing, '深夜', 'FAILED'],
      [nanjing, '第二条', 'FAILED'],
      [nanjing, '您的话费余额不足10元', 'SENT'],
    ]);
    expect(r.nj[1]).toEqual({
      __typename: 'Sms_Message',
      contactId: expect.any(Number),
      customerId: nanjing,
      regionCode: expect.stringMatching(/^JS-NJ-/),
      requestedBy: 'testing-harness',
      message: '次日',
      status: 'SENT',
      detail: expect.stringMatching(/^from 10655025 to /),
      at: '2026-11-16T16:59:00.000Z', // 00:59 on the 17th in Shanghai
    });
    expect(r.js).toHaveLength(2);
  });

  it('filters the outbox by a typed input, whose enum values GraphQL checks', async () => {
    const r = await p.ok(`{ sms_outbox(regionCode: "JS-NJ", filter: { statuses: [FAILED, SUPPRESSED], customerId: ${nanjing} }) { message status } }`);
    expect(r.sms_outbox).toEqual([
      { message: '深夜', status: 'FAILED' },
      { message: '第二条', status: 'FAILED' },
    ]);
    const bad = await p.gql(`{ sms_outbox(regionCode: "JS-NJ", filter: { statuses: [LOST] }) { message } }`);
    expect(bad.errors![0]!.message).toContain('Value "LOST" does not exist in "Sms_Status" enum');
  });

  it('counts a replayed idempotency key as one message', async () => {
    p.clock.advance(DAY);
    await p.send({ channel: 'sms', customerId: suzhou, message: 'a', idempotencyKey: 'same' });
    // a replayed key is the same contact, not a second message
    expect((await p.send({ channel: 'sms', customerId: suzhou, message: 'a', idempotencyKey: 'same' })).status).toBe('sent');
    expect((await p.send({ channel: 'sms', customerId: suzhou, message: 'b' })).status).toBe('sent');
    expect((await p.send({ channel: 'sms', customerId: suzhou, message: 'c' })).status).toBe('failed');
  });
});
