import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';
import { FakeSmsc } from './fake-smsc.test-support.js';

const ID = 'channel-sms';
let p: TestPlatform;
let smsc: FakeSmsc;
let nanjing: number;
let suzhou: number;
let hangzhou: number;
let replier: number;
let chatty: number;
let optedOut: number;

/** Past the core's first retry delay (10 s). */
const RETRY_DELAY = 11_000;
const NANJING = '19900000001';
const REPLIER = '19900000004';
const CHATTY = '19900000005';

const service = (customerId: number, message: string) => p.send({ channel: 'sms', customerId, message, purpose: 'service' });
const contact = async (id: number) => (await p.contacts()).find((c) => c.id === id)!;
const submitsTo = (msisdn: string) => smsc.submits.filter((s) => s.pdu.destination_addr === msisdn);

beforeAll(async () => {
  smsc = await FakeSmsc.start();
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    channels: ['app'],
    now: '2026-11-16T10:00:00+08:00',
    settings: [
      { plugin: ID, settings: { host: '127.0.0.1', port: smsc.port, systemId: 'weixi', password: 'secret', ratePerSecond: 1000, timeoutMs: 2000 } },
      { plugin: ID, region: 'JS', settings: { senderId: '10655025' } },
      { plugin: ID, region: 'JS-SZ', settings: { senderId: '10655012' } },
    ],
    enable: [{ plugin: ID, region: 'JS' }],
  });
  [nanjing, suzhou, hangzhou, replier, chatty, optedOut] = await p.addCustomers([
    { msisdn: NANJING, regionCode: 'JS-NJ-GL' },
    { msisdn: '19900000002', regionCode: 'JS-SZ' },
    { msisdn: '19900000003', regionCode: 'ZJ-HZ' },
    { msisdn: REPLIER, regionCode: 'JS-NJ-GL' },
    { msisdn: CHATTY, regionCode: 'JS-NJ-GL' },
    { msisdn: '19900000006', regionCode: 'JS-NJ-GL', consent: { sms: false } },
  ]) as [number, number, number, number, number, number];
});
afterAll(async () => {
  await p?.close();
  await smsc?.close();
});

describe('channel-sms over SMPP', () => {
  it('binds lazily, and sends an ASCII text as one GSM part from the region\'s sender id', async () => {
    expect(smsc.binds).toHaveLength(0);
    const sent = await service(nanjing, 'Your bill is ready: 58.00 yuan');
    expect(sent.status).toBe('sent');
    expect(smsc.binds.map((b) => [b.system_id, b.password])).toEqual([['weixi', 'secret']]);
    const [part] = submitsTo(NANJING);
    expect(part!.pdu).toMatchObject({ source_addr: '10655025', registered_delivery: 1, data_coding: 0, esm_class: 0 });
    expect([part!.text, part!.concatenation]).toEqual(['Your bill is ready: 58.00 yuan', undefined]);
    expect(await contact(sent.contactId)).toMatchObject({
      status: 'sent',
      providerRef: part!.messageId,
      providerCode: '0x00000000',
      detail: `from 10655025 to 199****0001`,
    });

    expect((await service(suzhou, 'Suzhou welcomes you')).status).toBe('sent');
    expect(submitsTo('19900000002')[0]!.pdu.source_addr).toBe('10655012');
    expect(smsc.binds).toHaveLength(1); // one session for the account, whichever region
  });

  it('splits a long Chinese text into UCS-2 parts of 67 characters with one concatenation header', async () => {
    const text = '尊敬的客户，您本月的流量已使用百分之九十，'.repeat(7); // 147 characters
    const before = smsc.submits.length;
    const sent = await service(nanjing, text);
    const parts = smsc.submits.slice(before);
    expect(parts.map((s) => [s.pdu.data_coding, s.pdu.esm_class, s.text.length])).toEqual([
      [8, 0x40, 67],
      [8, 0x40, 67],
      [8, 0x40, 13],
    ]);
    const reference = parts[0]!.concatenation!.reference;
    expect(parts.map((s) => s.concatenation)).toEqual([1, 2, 3].map((sequence) => ({ reference, total: 3, sequence })));
    expect(parts.map((s) => s.text).join('')).toBe(text);
    expect(await contact(sent.contactId)).toMatchObject({ status: 'sent', providerRef: parts[0]!.messageId, detail: 'from 10655025 to 199****0001 in 3 parts' });

    // 70 characters fit one message; an ASCII text of 161 goes as 153 + 8 GSM characters under a new reference
    await service(nanjing, '您'.repeat(70));
    await service(nanjing, 'x'.repeat(161));
    const [single, ...gsm] = smsc.submits.slice(before + 3);
    expect([single!.pdu.data_coding, single!.text.length, single!.concatenation]).toEqual([8, 70, undefined]);
    expect(gsm.map((s) => [s.pdu.data_coding, s.text.length, s.concatenation?.sequence])).toEqual([
      [0, 153, 1],
      [0, 8, 2],
    ]);
    expect(gsm[0]!.concatenation!.reference).not.toBe(reference);
  });

  it('reports receipts: DELIVRD delivers, REJECTD rejects, UNDELIV fails; a long text is delivered once every part is', async () => {
    const one = await service(nanjing, 'receipt me');
    const ref = (await contact(one.contactId)).providerRef!;
    expect((await smsc.receipt(ref, 'ACCEPTD')).command_status).toBe(0); // not final
    expect((await contact(one.contactId)).status).toBe('sent');
    expect((await smsc.receipt(ref, 'DELIVRD')).command_status).toBe(0);
    expect(await contact(one.contactId)).toMatchObject({ status: 'delivered', providerRef: ref, providerCode: 'DELIVRD', detail: 'from 10655025 to 199****0001' });

    const before = smsc.submits.length;
    const long = await service(nanjing, '话费'.repeat(40));
    const [first, second] = smsc.submits.slice(before).map((s) => s.messageId);
    await smsc.receipt(second!, 'DELIVRD');
    expect((await contact(long.contactId)).status).toBe('sent'); // the first part is still on its way
    await smsc.receipt(first!, 'DELIVRD');
    expect(await contact(long.contactId)).toMatchObject({ status: 'delivered', providerRef: first });

    const rejected = await service(nanjing, 'reject me');
    await smsc.receipt((await contact(rejected.contactId)).providerRef!, 'REJECTD');
    expect(await contact(rejected.contactId)).toMatchObject({ status: 'rejected', providerCode: 'REJECTD', detail: 'receipt stat:REJECTD err:000' });

    const failed = await service(nanjing, 'fail me');
    await smsc.receipt((await contact(failed.contactId)).providerRef!, 'UNDELIV', 'tlv'); // receipted_message_id and message_state only
    expect(await contact(failed.contactId)).toMatchObject({ status: 'failed', providerCode: 'UNDELIV' });

    expect((await smsc.receipt('NOSUCHID', 'DELIVRD')).command_status).toBe(0); // someone else's message: acknowledged
  });

  it('rejects what the SMSC refuses, and retries what it throttles without sending a part twice', async () => {
    smsc.refusals.push(0x0b);
    const refused = await service(nanjing, 'to a bad number');
    expect(refused.status).toBe('rejected');
    expect(await contact(refused.contactId)).toMatchObject({ providerCode: '0x0000000B', detail: 'from 10655025 to 199****0001: the SMSC refused the message: ESME_RINVDSTADR (0x0000000B)' });

    // the second part is throttled: the retry sends the second and third parts only, under the same reference
    smsc.refusals.push(0, 0x58);
    const before = smsc.submits.length;
    const throttled = await service(nanjing, '宽带'.repeat(70));
    expect(throttled.status).toBe('queued');
    expect((await contact(throttled.contactId)).detail).toContain('SMSC answered ESME_RTHROTTLED (0x00000058) to part 2 of 3');
    p.clock.advance(RETRY_DELAY);
    expect(await p.drainOutbox()).toBe(1);
    const parts = smsc.submits.slice(before);
    expect(parts.map((s) => [s.concatenation!.sequence, s.messageId !== ''])).toEqual([
      [1, true],
      [2, false],
      [2, true],
      [3, true],
    ]);
    expect(new Set(parts.map((s) => s.concatenation!.reference)).size).toBe(1);
    expect(await contact(throttled.contactId)).toMatchObject({ status: 'sent', providerRef: parts[0]!.messageId });
  });

  it('does not submit a contact twice when the core hands it over again', async () => {
    const sent = await service(nanjing, 'only once');
    const { providerRef } = await contact(sent.contactId);
    const count = smsc.submits.length;
    // as after a crash between the SMSC's answer and the core storing it: the contact is due again
    await p.sql`update contacts set status = 'queued', provider_ref = null, next_attempt_at = '2026-01-01T00:00:00Z', lease_until = null where id = ${sent.contactId}`;
    expect(await p.drainOutbox()).toBe(1);
    expect(smsc.submits).toHaveLength(count);
    expect(await contact(sent.contactId)).toMatchObject({ status: 'sent', providerRef });
  });

  it('takes a TD reply as a marketing opt-out on every channel, and ignores other replies', async () => {
    expect((await smsc.reply(`86${REPLIER}`, '10655025', ' TD ')).command_status).toBe(0);
    expect((await smsc.reply(CHATTY, '10655025', '谢谢')).command_status).toBe(0);
    expect((await p.send({ channel: 'app', customerId: replier, message: '优惠' })).status).toBe('suppressed');
    expect((await p.send({ channel: 'sms', customerId: replier, message: '优惠' })).status).toBe('suppressed');
    expect((await p.contacts({ customerId: replier }))[0]!.detail).toMatch(/^opted out of marketing on app \(sms reply TD \(via channel-sms\)/);
    expect((await service(replier, '您的账单已出')).status).toBe('sent'); // service messages keep their consent
    expect((await p.send({ channel: 'sms', customerId: chatty, message: '优惠' })).status).toBe('sent');

    await smsc.reply(CHATTY, '10655025', '退订'); // UCS-2
    const later = await p.send({ channel: 'app', customerId: chatty, message: '再优惠' });
    expect(later.status).toBe('suppressed');
    expect((await contact(later.contactId)).detail).toMatch(/^opted out of marketing on app \(sms reply 退订 /);
  });

  it('is not reached for a customer without consent, nor where it is not enabled, nor without an SMSC', async () => {
    expect((await p.send({ channel: 'sms', customerId: optedOut, message: 'x' })).status).toBe('suppressed');
    const disabled = await service(hangzhou, 'x');
    expect(disabled.status).toBe('failed');
    expect((await contact(disabled.contactId)).detail).toBe("channel 'sms' (plugin 'channel-sms') is not enabled in region ZJ-HZ");
    await p.enable(ID, 'ZJ');
    const sent = await service(hangzhou, 'y');
    expect(sent.status).toBe('sent');
    expect((await contact(sent.contactId)).detail).toMatch(/^from 10655000 to /); // Zhejiang has the default sender id

    await p.configure(ID, 'ZJ', { host: '' });
    const unset = await service(hangzhou, 'z');
    expect([unset.status, (await contact(unset.contactId)).detail]).toEqual(['failed', 'no SMSC is set for region ZJ-HZ (settings host, systemId, password)']);
    await p.configure(ID, 'ZJ', { host: '127.0.0.1' });
  });

  it('keeps to the account\'s rate: 5 messages at 20 a second arrive at least 200 ms apart in all', async () => {
    await p.configure(ID, 'ZJ', { ratePerSecond: 20 });
    const before = submitsTo('19900000003').length;
    const sent = await Promise.all([1, 2, 3, 4, 5].map((n) => service(hangzhou, `rate ${n}`)));
    expect(sent.map((s) => s.status)).toEqual(Array(5).fill('sent'));
    const at = submitsTo('19900000003').slice(before).map((s) => s.at);
    // Where the SMSC reads them: the region's rate reached the sender (unpaced, the five arrive within a
    // few ms). One interval of slack, as a loaded machine delays a read (a CI run saw 188 ms); the pacing's
    // precision is smsc.test.ts's.
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual((3 / 20) * 1000);
    await p.configure(ID, 'ZJ', { ratePerSecond: 1000 });
  });

  it('binds again after the SMSC closed the connection', async () => {
    const binds = smsc.binds.length;
    await smsc.dropConnections();
    const sent = await service(nanjing, 'after the restart');
    if (sent.status === 'queued') {
      // the drop was noticed only by this send: the core retries after 10 s
      p.clock.advance(RETRY_DELAY);
      await p.drainOutbox();
    }
    expect((await contact(sent.contactId)).status).toBe('sent');
    expect(smsc.binds).toHaveLength(binds + 1);
    expect(smsc.openSessions).toBe(1);
  });

  it('shows the outbox, newest first, filtered by status, and masks the password', async () => {
    const r = await p.ok(`{
      all: sms_outbox(regionCode: "JS-NJ", limit: 3) { __typename customerId message status detail }
      refused: sms_outbox(regionCode: "JS-NJ", filter: { statuses: [REJECTED, SUPPRESSED], customerId: ${nanjing} }) { message status }
      plugin(id: "${ID}") { settings(regionCode: "JS") }
    }`);
    expect(r.all[0]).toEqual({ __typename: 'Sms_Message', customerId: nanjing, message: 'after the restart', status: 'SENT', detail: 'from 10655025 to 199****0001' });
    expect(r.all).toHaveLength(3);
    expect(r.refused).toEqual([
      { message: 'to a bad number', status: 'REJECTED' },
      { message: 'reject me', status: 'REJECTED' },
    ]);
    expect(r.plugin.settings).toMatchObject({ password: '********', systemId: 'weixi', senderId: '10655025' });
  });

  it('unbinds when the plugin stops', async () => {
    await p.disable(ID, 'JS');
    await p.disable(ID, 'ZJ');
    await expect.poll(() => smsc.openSessions).toBe(0);
    expect(smsc.unbinds.length).toBeGreaterThanOrEqual(1);
  });
});
