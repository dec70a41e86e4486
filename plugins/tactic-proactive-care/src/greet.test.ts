import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';

const ID = 'tactic-proactive-care';
let p: TestPlatform;
let liLei: number;
let optedOut: number;
let churned: number;
let tomorrow: number;
let hangzhou: number;
let newYear: number;

/** The oracle: active customers of a region whose birthday (month and day) is one of `days`. */
async function birthdaysIn(region: string, days: string[]): Promise<number[]> {
  const rows = await p.sql<{ id: number }>`
    select c.id from customers c join regions r on r.id = c.region_id
    where starts_with(r.path, (select path from regions where code = ${region}))
      and c.status = 'active' and to_char(c.birthday, 'MM-DD') in ${days}
    order by c.id`;
  return rows.map((r) => r.id);
}

const greeted = async (region: string) => (await p.contacts({ region, pluginId: ID })).map((c) => c.customerId).sort((a, b) => a - b);

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    channels: ['sms'],
    seed: { customers: 3000 },
    now: '2026-11-16T08:59:30+08:00',
    settings: [{ plugin: ID, region: 'JS-NJ', settings: { message: '南京分公司祝{name}生日快乐！' } }],
    enable: [{ plugin: ID, region: 'JS' }],
  });
  [liLei, optedOut, churned, tomorrow] = await p.addCustomers([
    { name: '李雷', birthday: '1990-11-16', joinedOn: '2019-11-20' },
    { birthday: '1985-11-16', consent: { sms: false } },
    { birthday: '1970-11-16', status: 'CHURNED', churnedOn: '2026-09-30' },
    { birthday: '2001-11-17' },
  ]) as [number, number, number, number];
  [hangzhou, newYear] = await p.addCustomers([
    { regionCode: 'ZJ-HZ', birthday: '1992-11-16' },
    { regionCode: 'JS-SZ', birthday: '1999-01-01' },
  ]) as [number, number];
  expect(await p.runDueJobs()).toEqual([]);
});
afterAll(() => p?.close());

describe('tactic-proactive-care birthday greetings', () => {
  it('greets each customer whose birthday is today at 09:00, in every enabled city, through the channel', async () => {
    p.clock.set('2026-11-16T09:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.regionCode, r.status])).toEqual([
      ['JS-NJ', 'succeeded'],
      ['JS-SZ', 'succeeded'],
      ['JS-WX', 'succeeded'],
    ]);
    const expected = await birthdaysIn('JS', ['11-16']);
    expect(expected).toContain(liLei);
    expect(expected.length).toBeGreaterThan(5);
    expect(await greeted('JS')).toEqual(expected);
    expect(await greeted('ZJ')).toEqual([]); // not enabled in Zhejiang
    expect(expected).not.toContain(churned);

    const [lei] = await p.contacts({ customerId: liLei });
    expect(lei).toMatchObject({ channel: 'sms', status: 'sent', message: '南京分公司祝李雷生日快乐！', idempotencyKey: `${ID}:birthday:2026:${liLei}` });
    const [suzhou] = await p.contacts({ region: 'JS-SZ', pluginId: ID });
    expect(suzhou!.message).toMatch(/^生日快乐，.+！感谢您\d+年来的陪伴，祝您新的一岁万事顺意。$/);
    expect(await p.contacts({ customerId: optedOut })).toEqual([expect.objectContaining({ status: 'suppressed', detail: "no consent for sms (withdrawn in the customer's record)" })]);
    const sentNj = (await p.contacts({ region: 'JS-NJ', pluginId: ID, status: 'sent' })).length;
    const suppressedNj = (await p.contacts({ region: 'JS-NJ', pluginId: ID, status: 'suppressed' })).length;
    expect(runs[0]!.progressMessage).toBe(`${sentNj + suppressedNj} birthday greetings on 2026-11-16 via sms: ${sentNj} sent${suppressedNj ? `, ${suppressedNj} suppressed` : ''}`);
  });

  it('greets nobody twice: a rerun the same day sends nothing new and reports 0 greetings', async () => {
    const before = (await p.contacts()).length;
    const nanjing = (await p.contacts({ region: 'JS-NJ', pluginId: ID })).length;
    const rerun = await p.runJob(ID, 'birthday-greetings', 'JS-NJ');
    expect(rerun.status).toBe('succeeded');
    expect(await p.contacts()).toHaveLength(before);
    expect(rerun.progressMessage).toBe(`0 birthday greetings on 2026-11-16 via sms (${nanjing} greeted before)`);
  });

  it('greets the next day\'s birthdays the next day, and Suzhou days ahead once it asks for it', async () => {
    await p.configure(ID, 'JS-SZ', { daysAhead: 3 });
    p.clock.advance(DAY);
    await p.runDueJobs();
    expect((await p.contacts({ customerId: tomorrow })).map((c) => c.idempotencyKey)).toEqual([`${ID}:birthday:2026:${tomorrow}`]);
    expect(await greeted('JS-NJ')).toEqual(await birthdaysIn('JS-NJ', ['11-16', '11-17']));
    expect(await greeted('JS-SZ')).toEqual(await birthdaysIn('JS-SZ', ['11-16', '11-17', '11-18', '11-19', '11-20']));

    // the next day Suzhou's window moves on by one day; those greeted ahead are not greeted again
    const suzhouBefore = (await p.contacts({ region: 'JS-SZ' })).length;
    p.clock.advance(DAY);
    await p.runDueJobs();
    const added = await birthdaysIn('JS-SZ', ['11-21']);
    expect((await p.contacts({ region: 'JS-SZ' })).length).toBe(suzhouBefore + added.length);
    expect(await p.contacts({ customerId: hangzhou })).toEqual([]);
  });

  it('keys a greeting sent ahead across New Year to the birthday\'s year', async () => {
    p.clock.set('2026-12-29T09:00:00+08:00');
    await p.runDueJobs();
    p.clock.set('2027-01-01T09:00:00+08:00');
    await p.runDueJobs();
    expect((await p.contacts({ customerId: newYear })).map((c) => c.idempotencyKey)).toEqual([`${ID}:birthday:2027:${newYear}`]);
  });

  it('counts the coming birthdays of a region per day', async () => {
    p.clock.set('2026-11-16T12:00:00+08:00');
    const r = await p.ok(`{ tacticProactiveCare_upcomingBirthdays(regionCode: "JS-NJ", days: 3) { date customers } }`);
    expect(r.tacticProactiveCare_upcomingBirthdays).toEqual([
      { date: '2026-11-16', customers: (await birthdaysIn('JS-NJ', ['11-16'])).length },
      { date: '2026-11-17', customers: (await birthdaysIn('JS-NJ', ['11-17'])).length },
      { date: '2026-11-18', customers: (await birthdaysIn('JS-NJ', ['11-18'])).length },
    ]);
    const bad = await p.gql(`{ tacticProactiveCare_upcomingBirthdays(regionCode: "JS-NJ", days: 90) { date } }`);
    expect(bad.errors![0]!.extensions!.code).toBe('PLUGIN_ERROR');
  });
});
