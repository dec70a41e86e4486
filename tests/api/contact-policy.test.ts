/**
 * The contact-policy gate end to end, over HTTP: three tactics aiming at one customer on one day make one
 * contact; an SMS due at 22:00 goes out when quiet hours end; an opted-out customer is never contacted on
 * any channel; the do-not-disturb list and a port-out application hold marketing back; every decision is
 * stored and queryable per customer; policies inherit down the region tree and bad ones are refused whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, globalId, type TestPlatform } from '@weixi/testing';
import { offerTactic } from '../plugins/fixtures/index.js';

let p: TestPlatform;
const TACTICS = [
  offerTactic('renewal-offer', { plan: 'P199', channels: ['sms'], message: '续约礼包' }),
  offerTactic('care-offer', { plan: 'P199', channels: ['call'], message: '关怀回访' }),
  offerTactic('winback-offer', { plan: 'P199', channels: ['email', 'sms'], message: '挽留优惠' }),
];
const DECISIONS = `query ($id: ID!) { customer(id: $id) { contactDecisions(first: 20) { edges { node { contactId channel decision rule reason until } } }
  contacts(first: 20) { totalCount edges { node { id channel status requestedBy detail deferredUntil fallbackOf } } } } }`;
const decisionsOf = async (customerId: number) => {
  const r = await p.ok(DECISIONS, { id: globalId('Customer', customerId) });
  return { decisions: r.customer.contactDecisions.edges.map((e: any) => e.node), contacts: r.customer.contacts.edges.map((e: any) => e.node) };
};
let key = 0;
const send = (customerId: number, channel: string | string[], purpose: 'service' | 'marketing' = 'marketing') =>
  p.send({ channel, customerId, purpose, message: '您好', idempotencyKey: `k${++key}` });

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: TACTICS,
    channels: ['sms', 'email', 'call', { id: 'push', answer: 'rejected' }],
    now: '2026-11-16T08:59:00+08:00',
    enable: TACTICS.map((t) => ({ plugin: t.manifest.id, region: 'JS' })),
  });
});
afterAll(() => p?.close());

describe('the contact-policy gate', () => {
  it('lets one of three tactics aiming at a customer on one day through, across channels, and says why the others stopped', async () => {
    const [target, other] = await p.addCustomers([{ regionCode: 'JS-NJ-GL', plan: 'P199' }, { regionCode: 'JS-SZ', plan: 'P199' }]);
    p.clock.set('2026-11-16T09:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => r.status)).toEqual(Array(runs.length).fill('succeeded'));
    expect(runs).toHaveLength(6); // three tactics in Nanjing and Suzhou
    for (const customerId of [target!, other!]) {
      const { decisions, contacts } = await decisionsOf(customerId);
      expect(contacts).toHaveLength(3);
      expect(contacts.filter((c: any) => c.status === 'SENT')).toHaveLength(1);
      const stopped = decisions.filter((d: any) => d.decision === 'SUPPRESSED');
      expect(stopped).toHaveLength(2);
      for (const d of stopped) {
        expect(d).toMatchObject({ rule: 'frequency_cap', reason: 'frequency cap: 1 marketing contact(s) today across all channels; the region allows 1' });
      }
      expect(decisions.filter((d: any) => d.decision === 'SENT')).toHaveLength(1);
    }
    // A service message is not marketing: the cap does not hold it.
    expect((await send(target!, 'sms', 'service')).status).toBe('sent');
    // The next local day the cap starts again.
    p.clock.set('2026-11-17T10:00:00+08:00');
    expect((await send(target!, 'call')).status).toBe('sent');
  });

  it('lets one of several marketing contacts sent at the same moment through, whichever request is first', async () => {
    const [customer] = await p.addCustomers([{ regionCode: 'JS-NJ' }]);
    p.clock.set('2026-11-17T11:00:00+08:00');
    // Concurrent requests: the gate locks the customer, so the second counts what the first let through.
    const results = await Promise.all(['sms', 'email', 'call', 'sms', 'email'].map((channel) => send(customer!, channel)));
    expect(results.map((r) => r.status).sort()).toEqual(['sent', 'suppressed', 'suppressed', 'suppressed', 'suppressed']);
    expect(await p.sql`select count(*)::int as n from contact_decisions where customer_id = ${customer} and decision = 'sent'`).toEqual([{ n: 1 }]);
  });

  it('defers an SMS due at 22:00 to 08:00 and sends it then, through the gate again', async () => {
    const [customer] = await p.addCustomers([{ regionCode: 'JS-NJ' }]);
    p.clock.set('2026-11-18T22:00:00+08:00');
    const deferred = await send(customer!, 'sms');
    expect(deferred.status).toBe('deferred');
    const [contact] = (await decisionsOf(customer!)).contacts;
    expect(contact).toMatchObject({ status: 'DEFERRED', deferredUntil: '2026-11-19T00:00:00.000Z' });
    expect(contact.detail).toBe('quiet hours 21:00-08:00 on sms in JS-NJ (Asia/Shanghai); deferred until 2026-11-19 08:00');

    p.clock.set('2026-11-19T07:59:00+08:00');
    expect(await p.drainOutbox()).toBe(0);
    p.clock.set('2026-11-19T08:00:00+08:00');
    expect(await p.drainOutbox()).toBe(1);
    const { decisions, contacts } = await decisionsOf(customer!);
    expect(contacts[0]).toMatchObject({ status: 'SENT', detail: 'captured by @weixi/testing' });
    expect(decisions.map((d: any) => [d.decision, d.rule, d.until])).toEqual([
      ['SENT', null, null],
      ['DEFERRED', 'quiet_hours', '2026-11-19T00:00:00.000Z'],
    ]);
    // Email has no quiet hours: it goes at once, even at night.
    p.clock.set('2026-11-19T23:30:00+08:00');
    expect((await send(customer!, 'email', 'service')).status).toBe('sent');
  });

  it('falls back to the next channel the sender preferred when one is undeliverable, through the gate again', async () => {
    const [customer] = await p.addCustomers([{ regionCode: 'JS-NJ' }]);
    p.clock.set('2026-11-19T12:00:00+08:00');
    expect((await send(customer!, ['push', 'sms'])).status).toBe('rejected');
    const [sms, push] = (await decisionsOf(customer!)).contacts;
    expect(push).toMatchObject({ channel: 'push', status: 'REJECTED', fallbackOf: null });
    expect(sms).toMatchObject({ channel: 'sms', status: 'SENT', fallbackOf: push.id });
    // The fallback is the same contact for the cap: the customer got one message today.
    expect((await send(customer!, 'email')).status).toBe('suppressed');
    // At night the push waits for the morning (the default quiet hours), and falls back then.
    p.clock.set('2026-11-20T22:30:00+08:00');
    expect((await send(customer!, ['push', 'sms'])).status).toBe('deferred');
    p.clock.set('2026-11-21T08:00:00+08:00');
    expect(await p.drainOutbox()).toBe(1);
    const [morning, night] = (await decisionsOf(customer!)).contacts;
    expect([night.channel, night.status, morning.channel, morning.status, morning.fallbackOf]).toEqual(['push', 'REJECTED', 'sms', 'SENT', night.id]);
  });

  it('renders a template in the customer\'s language, and refuses one with a variable it has no value for', async () => {
    const [english, chinese] = await p.addCustomers([{ regionCode: 'JS-NJ', name: 'Li Lei', attributes: { language: 'en' } }, { regionCode: 'JS-NJ', name: '韩梅梅' }]);
    p.clock.set('2026-11-19T15:00:00+08:00');
    const message = { text: { zh: '{name}您好，合约将于{endsOn}到期', en: 'Dear {name}, your contract ends on {endsOn}' }, subject: { zh: '续约', en: 'Renewal' }, variables: { endsOn: '2026-12-31' } };
    for (const customerId of [english!, chinese!]) await p.send({ channel: 'email', customerId, purpose: 'service', message, idempotencyKey: 'template' });
    const rows = await p.sql<{ customer_id: number; language: string; subject: string; message: string }>`
      select customer_id, language, subject, message from contacts where idempotency_key = 'template' order by customer_id`;
    expect(rows.map((r) => [r.customer_id, r.language, r.subject, r.message])).toEqual([
      [english, 'en', 'Renewal', 'Dear Li Lei, your contract ends on 2026-12-31'],
      [chinese, 'zh', '续约', '韩梅梅您好，合约将于2026-12-31到期'],
    ]);
    // The plugin's mistake: the caller sees a PLUGIN_ERROR, the plugin's log says which variable.
    await expect(p.send({ channel: 'email', customerId: chinese!, message: { text: { zh: '{name}，{gift}' } }, idempotencyKey: 'no-gift' })).rejects.toThrow(/PLUGIN_ERROR/);
    expect(p.logs.filter((l) => l.msg === 'plugin failure').at(-1)?.fields).toMatchObject({ plugin: 'testing-harness', error: 'message: template variable {gift} has no value (known: name)' });
    expect(await p.sql`select 1 from contacts where idempotency_key = 'no-gift'`).toEqual([]);
  });

  it('never contacts a customer who opted out of everything, on any channel, for any purpose', async () => {
    const [customer] = await p.addCustomers([{ regionCode: 'JS-NJ-GL' }]);
    p.clock.set('2026-11-20T10:00:00+08:00');
    const written = await p.ok(`mutation ($c: [ContactConsentInput!]!) { setContactConsent(consents: $c) }`, {
      c: [{ customerId: globalId('Customer', customer!), channel: '*', purpose: 'ALL', granted: false, source: 'agent 1001: customer asked' }],
    });
    expect(written.setContactConsent).toBe(2);
    for (const [channel, purpose] of [['sms', 'marketing'], ['email', 'service'], ['call', 'marketing'], [['email', 'sms', 'call'], 'marketing']] as const) {
      expect((await send(customer!, channel as string | string[], purpose)).status).toBe('suppressed');
    }
    const { decisions, contacts } = await decisionsOf(customer!);
    expect(contacts.map((c: any) => c.status)).toEqual(['SUPPRESSED', 'SUPPRESSED', 'SUPPRESSED', 'SUPPRESSED']);
    expect(decisions.every((d: any) => d.rule === 'consent' && /^opted out of (service|marketing) on (sms|email|call) \(agent 1001: customer asked, /.test(d.reason))).toBe(true);
    // A later record granting marketing on SMS alone lets SMS marketing through, nothing else.
    await p.ok(`mutation ($c: [ContactConsentInput!]!) { setContactConsent(consents: $c) }`, {
      c: [{ customerId: globalId('Customer', customer!), channel: 'sms', purpose: 'MARKETING', granted: true, source: 'sms reply Y' }],
    });
    expect((await send(customer!, 'sms')).status).toBe('sent');
    expect((await send(customer!, 'email', 'service')).status).toBe('suppressed');
  });

  it('holds marketing back from a number on the do-not-disturb list and during a port-out application, not service', async () => {
    const [listed, porting] = await p.addCustomers([{ regionCode: 'JS-SZ', msisdn: '13912345678' }, { regionCode: 'JS-SZ', msisdn: '13912345679' }]);
    p.clock.set('2026-11-21T10:00:00+08:00');
    expect((await p.ok(`mutation { addDoNotDisturb(entries: [{ msisdn: "13912345678", reason: "12321 complaint", source: "MIIT list" }]) }`)).addDoNotDisturb).toBe(1);
    expect((await send(listed!, 'sms')).status).toBe('suppressed');
    expect((await send(listed!, 'sms', 'service')).status).toBe('sent');
    expect((await decisionsOf(listed!)).decisions.at(-1)).toMatchObject({ rule: 'do_not_disturb', reason: 'number on the do-not-disturb list: 12321 complaint' });
    expect((await p.ok(`mutation { removeDoNotDisturb(msisdns: ["13912345678"]) }`)).removeDoNotDisturb).toBe(1);
    expect((await send(listed!, 'sms')).status).toBe('sent');

    const EVENTS = `mutation ($e: [CustomerEventInput!]!) { recordEvents(events: $e) { recorded } }`;
    await p.ok(EVENTS, { e: [{ msisdn: '13912345679', type: 'port_out.application', occurredAt: '2026-11-21T09:00:00+08:00', idempotencyKey: 'po-1' }] });
    expect((await send(porting!, 'call')).status).toBe('suppressed');
    expect((await decisionsOf(porting!)).decisions[0]).toMatchObject({ rule: 'port_out', reason: 'port-out applied for on 2026-11-21: no offer may obstruct it (MIIT 2019 number portability rules)' });
    expect((await send(porting!, 'sms', 'service')).status).toBe('sent');
    await p.ok(EVENTS, { e: [{ msisdn: '13912345679', type: 'port_out.cancelled', occurredAt: '2026-11-21T09:30:00+08:00', idempotencyKey: 'po-2' }] });
    expect((await send(porting!, 'call')).status).toBe('sent');
  });

  it('keeps a region\'s policy over its ancestors\', refuses a bad one whole, and applies holidays and opt-in', async () => {
    const set = (region: string, policy: unknown) => p.gql(`mutation ($r: String!, $p: JSONObject!) { setContactPolicy(regionCode: $r, policy: $p) }`, { r: region, p: policy });
    const bad = await set('JS', { frequencyCap: { perDay: -1, perYear: 3 }, quietHours: { sms: '21:00' }, holidays: ['2026-13-01'], color: 'red' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0]?.extensions?.issues as Array<{ path: string }> | undefined)?.map((i) => i.path)).toEqual(['policy.frequencyCap.perDay', 'policy.frequencyCap.perYear', 'policy.quietHours.sms', 'policy.holidays[0]', 'policy.color']);
    expect((await p.ok(`{ contactPolicy(regionCode: "JS-NJ") }`)).contactPolicy.frequencyCap).toEqual({ perDay: 1, perWeek: 3, perMonth: 6 });

    expect((await set('JS', { frequencyCap: { perDay: 2 }, holidays: ['2026-11-23'] })).data?.setContactPolicy.frequencyCap).toEqual({ perDay: 2, perWeek: 3, perMonth: 6 });
    await set('JS-SZ', { marketingConsent: 'opt-in', quietHours: { sms: '22:00-07:00' } });
    const nj = (await p.ok(`{ contactPolicy(regionCode: "JS-NJ-GL") }`)).contactPolicy;
    expect(nj).toMatchObject({ marketingConsent: 'opt-out', frequencyCap: { perDay: 2 }, holidays: ['2026-11-23'], quietHours: { default: '21:00-08:00' } });
    const sz = (await p.ok(`{ contactPolicy(regionCode: "JS-SZ") }`)).contactPolicy;
    expect(sz).toMatchObject({ marketingConsent: 'opt-in', frequencyCap: { perDay: 2 }, quietHours: { sms: '22:00-07:00', default: '21:00-08:00' } });

    const [nanjing, suzhou] = await p.addCustomers([{ regionCode: 'JS-NJ' }, { regionCode: 'JS-SZ' }]);
    p.clock.set('2026-11-22T21:30:00+08:00');
    expect((await send(suzhou!, 'sms', 'service')).status).toBe('sent'); // Suzhou's SMS quiet hours start at 22:00
    expect((await send(suzhou!, 'sms')).status).toBe('suppressed'); // opt-in: no record, no marketing
    p.clock.set('2026-11-23T10:00:00+08:00'); // a public holiday in Jiangsu
    expect((await send(nanjing!, 'sms')).status).toBe('deferred');
    expect((await send(nanjing!, 'sms', 'service')).status).toBe('sent');
    expect((await send(nanjing!, 'email')).status).toBe('sent'); // no quiet hours, so no holiday either
    const [holiday] = (await decisionsOf(nanjing!)).decisions.filter((d: any) => d.decision === 'DEFERRED');
    expect(holiday).toMatchObject({ rule: 'holiday', until: '2026-11-24T00:00:00.000Z', reason: 'public holiday 2026-11-23: no marketing on sms in JS-NJ (Asia/Shanghai); deferred until 2026-11-24 08:00' });
  });

  it('refuses contact-policy changes outside an operator\'s regions, and consent for a customer it cannot see', async () => {
    const operator = p.as(await p.key({ name: 'sz operator', role: 'operator', regionCodes: ['JS-SZ'] }));
    const refused = await operator.gql(`mutation { setContactPolicy(regionCode: "JS-NJ", policy: { holidays: [] }) }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await operator.gql(`{ contactPolicy(regionCode: "JS-SZ") }`)).data?.contactPolicy.marketingConsent).toBe('opt-in');
    const [nanjing] = await p.addCustomers([{ regionCode: 'JS-NJ' }]);
    const unseen = await operator.gql(`mutation ($c: [ContactConsentInput!]!) { setContactConsent(consents: $c) }`, {
      c: [{ customerId: globalId('Customer', nanjing!), channel: 'sms', purpose: 'MARKETING', granted: false, source: 'x' }],
    });
    expect(unseen.errors?.[0]?.message).toContain(`customer ${nanjing} does not exist`);
    expect(unseen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await p.sql`select 1 from contact_consents where customer_id = ${nanjing}`).toEqual([]);
  });
});
