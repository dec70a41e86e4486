import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';
import { freePort, startSmtpTestServer, type ReceivedEmail, type SmtpTestServer } from './smtp-test-server.js';

const ID = 'channel-email';
const FROM = '中国移动江苏 <care@js.example.cn>';
const LOGIN = { user: 'weixi-js', password: 'smtp-secret-42' };
let p: TestPlatform;
let smtp: SmtpTestServer;
let downPort: number;

const relay = (port: number, extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port, ...LOGIN, from: FROM, connectionTimeoutMs: 2000, ...extra });
const customerWith = async (attributes: Record<string, unknown>, more: { regionCode?: string; name?: string } = {}) =>
  (await p.addCustomers([{ regionCode: 'JS-NJ-GL', ...more, attributes }]))[0]!;
const contact = async (id: number) => (await p.contacts()).find((c) => c.id === id)!;
/** A header as it was sent (mailparser interprets List-* headers). */
const header = (email: ReceivedEmail | undefined, name: string) => email!.mail.headerLines.find((h) => h.key === name.toLowerCase())?.line.slice(name.length + 1).trim();
const receivedBy = (address: string) => smtp.received.filter((r) => r.recipients.includes(address));

beforeAll(async () => {
  smtp = await startSmtpTestServer({ login: LOGIN, refuse: {
      'gone@example.net': { code: 550, message: '5.1.1 <gone@example.net>: mailbox unavailable' },
      'busy@example.net': { code: 451, message: '4.7.1 Greylisted, try again later' },
    },
  });
  downPort = await freePort();
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    channels: ['sms'],
    settings: [
      { plugin: ID, region: 'JS', settings: relay(smtp.port) },
      { plugin: ID, region: 'JS-SZ', settings: relay(smtp.port, { password: 'wrong' }) },
      // Zhejiang's relay is down until a test starts it
      { plugin: ID, region: 'ZJ', settings: relay(downPort, { from: '中国移动浙江 <care@zj.example.cn>' }) },
    ],
    enable: [{ plugin: ID, region: 'JS' }, { plugin: ID, region: 'ZJ' }],
  });
});
afterAll(async () => {
  await p?.close();
  await smtp?.close();
});

describe('channel-email', () => {
  it('mails the customer from the region\'s sender, logged in, in UTF-8, with a Message-ID derived from the contact', async () => {
    const meimei = await customerWith({ email: 'meimei@example.cn' });
    const sent = await p.send({ channel: 'email', customerId: meimei, message: '您本月的流量已用完80%，可回复办理加油包。', purpose: 'service' });
    expect(sent.status).toBe('sent');
    const [email] = receivedBy('meimei@example.cn');
    expect(email!.user).toBe(LOGIN.user);
    expect(email!.mail.from!.value).toEqual([{ name: '中国移动江苏', address: 'care@js.example.cn' }]);
    expect(email!.mail.to).toMatchObject({ value: [{ address: 'meimei@example.cn' }] });
    expect(email!.mail.subject).toBe('温馨提示'); // subjectDefault: a plain-text message has no subject
    expect(email!.mail.text!.trim()).toBe('您本月的流量已用完80%，可回复办理加油包。');
    expect(email!.mail.headers.get('content-type')).toMatchObject({ params: { charset: 'utf-8' } });
    expect(email!.mail.messageId).toBe(`<weixi-contact-${sent.contactId}@js.example.cn>`);
    expect(header(email, 'X-Weixi-Contact')).toBe(String(sent.contactId));
    expect(header(email, 'List-Unsubscribe')).toBeUndefined(); // service, not marketing
    expect(await contact(sent.contactId)).toMatchObject({ status: 'sent', providerRef: email!.mail.messageId, providerCode: '250' });
  });

  it('renders a template in the customer\'s language, and gives marketing a List-Unsubscribe for the contact', async () => {
    const zh = await customerWith({ email: 'lilei@example.cn' }, { name: '李雷' });
    const en = await customerWith({ email: 'jim@example.com', language: 'en' }, { name: 'Jim' });
    const message = { text: { zh: '{name}您好，您的合约将于{endsOn}到期。', en: 'Dear {name}, your contract ends on {endsOn}.' }, subject: { zh: '合约续约', en: 'Contract renewal' }, variables: { endsOn: '2026-12-31' } };
    const toZh = await p.send({ channel: 'email', customerId: zh, message });
    await p.configure(ID, 'JS-NJ', { unsubscribeUrl: 'https://care.js.example.cn/td?c={contactId}' });
    const toEn = await p.send({ channel: 'email', customerId: en, message });

    const [lilei] = receivedBy('lilei@example.cn');
    expect([lilei!.mail.subject, lilei!.mail.text!.trim()]).toEqual(['合约续约', '李雷您好，您的合约将于2026-12-31到期。']);
    expect(header(lilei, 'List-Unsubscribe')).toBe(`<mailto:care@js.example.cn?subject=unsubscribe%20${toZh.contactId}>`);
    expect(header(lilei, 'List-Unsubscribe-Post')).toBeUndefined(); // one-click is for https only
    const [jim] = receivedBy('jim@example.com');
    expect([jim!.mail.subject, jim!.mail.text!.trim()]).toEqual(['Contract renewal', 'Dear Jim, your contract ends on 2026-12-31.']);
    expect(header(jim, 'List-Unsubscribe')).toBe(`<https://care.js.example.cn/td?c=${toEn.contactId}>`);
    expect(header(jim, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('records a permanent refusal of the recipient as rejected with the SMTP code, and falls back to the next channel', async () => {
    const gone = await customerWith({ email: 'gone@example.net' });
    const before = smtp.received.length;
    const sent = await p.send({ channel: ['email', 'sms'], customerId: gone, message: '您的积分即将过期', purpose: 'service' });
    expect(sent.status).toBe('rejected');
    expect(smtp.received).toHaveLength(before);
    const [email, sms] = await p.contacts({ customerId: gone });
    expect(email).toMatchObject({ channel: 'email', status: 'rejected', providerCode: '550' });
    expect(email!.detail).toContain('5.1.1 <gone@example.net>: mailbox unavailable');
    expect(sms).toMatchObject({ channel: 'sms', status: 'sent', fallbackOf: email!.id });
  });

  it('fails a customer without an email address (and one whose address is not one), so the next channel can take over', async () => {
    const none = await customerWith({});
    const broken = await customerWith({ email: 'not an address' });
    expect((await p.send({ channel: 'email', customerId: none, message: '账单已出', purpose: 'service' })).status).toBe('failed');
    expect(await contact((await p.contacts({ customerId: none }))[0]!.id)).toMatchObject({ detail: `customer ${none} has no email address` });
    const fallback = await p.send({ channel: ['email', 'sms'], customerId: broken, message: '账单已出', purpose: 'service' });
    expect((await p.contacts({ customerId: broken })).map((c) => [c.channel, c.status])).toEqual([['email', 'failed'], ['sms', 'sent']]);
    expect(fallback.status).toBe('failed');
  });

  it('keeps the email queued while the SMTP server is down and sends it once after the backoff, when it is up', async () => {
    const hz = await customerWith({ email: 'hz@example.cn' }, { regionCode: 'ZJ-HZ' });
    const sent = await p.send({ channel: 'email', customerId: hz, message: '杭州：您的宽带将于明日升级', purpose: 'service' });
    expect(sent.status).toBe('queued');
    expect((await contact(sent.contactId)).detail).toMatch(/^channel 'email' failed: .*ECONNREFUSED.*; attempt 2 after 10 s$/);

    const late = await startSmtpTestServer({ port: downPort, login: LOGIN });
    try {
      expect(await p.drainOutbox()).toBe(0); // not before the backoff
      p.clock.advance(11_000);
      expect(await p.drainOutbox()).toBe(1);
      expect(await p.drainOutbox()).toBe(0);
      expect(late.received).toHaveLength(1);
      expect(late.received[0]!.mail.messageId).toBe(`<weixi-contact-${sent.contactId}@zj.example.cn>`);
      expect(await contact(sent.contactId)).toMatchObject({ status: 'sent', providerRef: `<weixi-contact-${sent.contactId}@zj.example.cn>` });
    } finally {
      await late.close();
    }
  });

  it('retries a temporary refusal (4xx) instead of rejecting it', async () => {
    const busy = await customerWith({ email: 'busy@example.net' });
    const sent = await p.send({ channel: ['email', 'sms'], customerId: busy, message: '您的积分即将过期', purpose: 'service' });
    expect(sent.status).toBe('queued');
    expect((await p.contacts({ customerId: busy })).map((c) => [c.channel, c.status])).toEqual([['email', 'queued']]);
    expect((await contact(sent.contactId)).detail).toMatch(/451 4\.7\.1 Greylisted, try again later; attempt 2 after 10 s$/);
    p.clock.advance(11_000);
    expect(await p.drainOutbox()).toBe(1);
    expect(await contact(sent.contactId)).toMatchObject({ status: 'queued', detail: expect.stringMatching(/451 .*; attempt 3 after 20 s$/) });
  });

  it('retries rather than rejects when the login is refused: the configuration is wrong, not the message', async () => {
    const sz = await customerWith({ email: 'sz@example.cn' }, { regionCode: 'JS-SZ' });
    const sent = await p.send({ channel: 'email', customerId: sz, message: '苏州欢迎您', purpose: 'service' });
    expect(sent.status).toBe('queued');
    expect((await contact(sent.contactId)).detail).toMatch(/535 5\.7\.8 Authentication credentials invalid/);
    expect(receivedBy('sz@example.cn')).toHaveLength(0);
  });

  it('reads the password back masked, and closes its SMTP connections when disabled', async () => {
    const read = await p.ok<{ plugin: { settings: Record<string, unknown> } }>(`{ plugin(id: "${ID}") { settings(regionCode: "JS") } }`);
    expect(read.plugin.settings).toMatchObject({ host: '127.0.0.1', user: LOGIN.user, password: '********', from: FROM });

    expect(smtp.openConnections()).toBeGreaterThan(0); // the pool keeps its connection for the next email
    await p.disable(ID, 'JS');
    await p.disable(ID, 'ZJ');
    await expect.poll(() => smtp.openConnections(), { timeout: 2000 }).toBe(0);
  });
});
