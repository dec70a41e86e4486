import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, globalId, pluginDir, type TestPlatform } from '@weixi/testing';

const ID = 'channel-hall';
let p: TestPlatform;
let wang: number;
let li: number;
let zhao: number;

const OFFERS = `query ($customerId: Int, $msisdn: String, $regionCode: String) {
  hall_pendingOffers(customerId: $customerId, msisdn: $msisdn, regionCode: $regionCode) { contactId customerId regionCode message purpose requestedBy offeredAt taskId } }`;
const OUTCOME = `mutation ($contactId: Int!, $outcome: Hall_VisitOutcome!, $note: String) {
  hall_recordVisitOutcome(contactId: $contactId, outcome: $outcome, note: $note) { contactId channel status } }`;
const contact = async (id: number) => (await p.contacts()).find((c) => c.id === id)!;

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    channels: ['sms'],
    now: '2026-11-16T10:00:00+08:00',
    settings: [{ plugin: ID, region: 'JS-SZ', settings: { visitDueDays: 3 } }],
    enable: [{ plugin: ID, region: 'JS' }],
  });
  [wang, li, zhao] = await p.addCustomers([
    { regionCode: 'JS-NJ-GL', msisdn: '13812340001' },
    { regionCode: 'JS-NJ-GL' },
    { regionCode: 'JS-SZ', msisdn: '13912340003' },
  ]) as [number, number, number];
});
afterAll(() => p?.close());

describe('hall (营业厅)', () => {
  let renewal: number;
  let bill: number;

  it('keeps an offer waiting as sent and lists the customer\'s pending offers, newest first', async () => {
    renewal = (await p.send({ channel: 'hall', customerId: wang, message: '续约送100元话费', purpose: 'marketing' })).contactId;
    p.clock.advance(60_000);
    bill = (await p.send({ channel: 'hall', customerId: wang, message: '您有一笔账单待核对', purpose: 'service' })).contactId;
    await p.send({ channel: 'hall', customerId: li, message: '宽带提速', purpose: 'marketing' });
    // The harness cannot name a task; a tactic working one would: the hall sees which task the offer serves.
    await p.sql`update contacts set task_id = 4242 where id = ${bill}`;
    expect(await contact(renewal)).toMatchObject({ status: 'sent', detail: "waiting for the customer's next visit" });

    const byId = await p.ok(OFFERS, { customerId: wang });
    expect(byId.hall_pendingOffers).toEqual([
      { contactId: bill, customerId: wang, regionCode: 'JS-NJ-GL', message: '您有一笔账单待核对', purpose: 'service', requestedBy: 'testing-harness', offeredAt: '2026-11-16T02:01:00.000Z', taskId: 4242 },
      { contactId: renewal, customerId: wang, regionCode: 'JS-NJ-GL', message: '续约送100元话费', purpose: 'marketing', requestedBy: 'testing-harness', offeredAt: '2026-11-16T02:00:00.000Z', taskId: null },
    ]);
    expect((await p.ok(OFFERS, { msisdn: '13812340001' })).hall_pendingOffers).toEqual(byId.hall_pendingOffers);
    // a region bounds the lookup
    expect((await p.ok(OFFERS, { msisdn: '13812340001', regionCode: 'JS-NJ' })).hall_pendingOffers).toEqual(byId.hall_pendingOffers);
    expect((await p.ok(OFFERS, { msisdn: '13812340001', regionCode: 'JS-SZ' })).hall_pendingOffers).toEqual([]);
    expect((await p.ok(OFFERS, { msisdn: '13800000000' })).hall_pendingOffers).toEqual([]);
  });

  it('shows a hall of another region nothing of the customer, and refuses it the region', async () => {
    const suzhou = p.as(await p.key({ role: 'operator', regionCodes: ['JS-SZ'] }));
    expect((await suzhou.ok(OFFERS, { customerId: wang })).hall_pendingOffers).toEqual([]);
    expect((await suzhou.ok(OFFERS, { msisdn: '13812340001' })).hall_pendingOffers).toEqual([]);
    expect((await suzhou.gql(OFFERS, { msisdn: '13912340003', regionCode: 'JS-NJ' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refused = await suzhou.gql(OUTCOME, { contactId: renewal, outcome: 'ACCEPTED' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await contact(renewal)).status).toBe('sent');
  });

  it('records an accepted offer as delivered, and it is no longer pending', async () => {
    const nanjing = p.as(await p.key({ role: 'operator', regionCodes: ['JS-NJ'] }));
    const done = await nanjing.ok(OUTCOME, { contactId: renewal, outcome: 'ACCEPTED', note: '当场办理' });
    expect(done.hall_recordVisitOutcome).toEqual({ contactId: renewal, channel: 'hall', status: 'delivered' });
    expect(await contact(renewal)).toMatchObject({ status: 'delivered', detail: 'accepted: 当场办理' });
    expect((await nanjing.ok(OFFERS, { customerId: wang })).hall_pendingOffers.map((o: { contactId: number }) => o.contactId)).toEqual([bill]);
    // a later answer does not undo it
    const late = await nanjing.ok(OUTCOME, { contactId: renewal, outcome: 'NOT_PRESENTED' });
    expect(late.hall_recordVisitOutcome.status).toBe('delivered');
  });

  it('fails an offer not presented, so the next channel gets it', async () => {
    const offer = await p.send({ channel: ['hall', 'sms'], customerId: li, message: '积分兑换流量', purpose: 'service' });
    const r = await p.ok(OUTCOME, { contactId: offer.contactId, outcome: 'NOT_PRESENTED' });
    expect(r.hall_recordVisitOutcome.status).toBe('failed');
    expect(await contact(offer.contactId)).toMatchObject({ status: 'failed', detail: 'disposition: not_presented' });
    expect(await p.drainOutbox()).toBe(1); // the fallback is delivered by the outbox loop
    const [sms] = await p.contacts({ customerId: li, channel: 'sms' });
    expect(sms).toEqual(expect.objectContaining({ fallbackOf: offer.contactId, status: 'sent', message: '积分兑换流量' }));
    // an outcome is for this plugin's contacts only
    expect((await p.gql(OUTCOME, { contactId: sms!.id, outcome: 'ACCEPTED' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('account-manager (客户经理上门)', () => {
  let visit: number;
  let taskId: number;

  it('creates one visit task per contact, due at the end of the region\'s day visitDueDays ahead', async () => {
    const sent = await p.send({ channel: 'account-manager', customerId: zhao, message: '客户经理上门为您办理融合套餐', purpose: 'marketing' });
    visit = sent.contactId;
    expect(sent.status).toBe('sent');
    const tasks = await p.tasks({ customerId: zhao });
    expect(tasks).toEqual([
      expect.objectContaining({
        channel: 'account-manager', state: 'open', script: '客户经理上门为您办理融合套餐', idempotencyKey: `contact-${visit}`,
        dueAt: new Date('2026-11-20T00:00:00+08:00'), reason: expect.stringContaining(`(contact ${visit})`),
      }),
    ]);
    taskId = tasks[0]!.id;
    expect(await contact(visit)).toMatchObject({ providerRef: `task-${taskId}` });
    expect((await p.ok(OFFERS, { customerId: zhao })).hall_pendingOffers).toEqual([]); // not a hall offer
  });

  it('delivers the contact when the visit task is closed with the customer retained', async () => {
    const id = globalId('RetentionTask', taskId);
    await p.ok(`mutation ($id: ID!) { assignTask(id: $id, assignee: "mgr-su-07") { task { id } } }`, { id });
    await p.ok(`mutation ($id: ID!) { startTask(id: $id) { task { id } } }`, { id });
    expect((await contact(visit)).status).toBe('sent');
    await p.ok(`mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: RETAINED) { task { state } } }`, { id });
    expect(await contact(visit)).toMatchObject({ status: 'delivered', detail: 'disposition: retained' });
  });
});
