/**
 * `weixi contacts dnd|consent|policy|decisions`, spawned as a user runs it: imports are all or nothing and
 * name every bad line by line and column, a rerun changes nothing, a bad policy patch writes nothing and
 * names its path, and decisions list what the gate stored.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runWeixi, type CliDatabase } from '../spawn-cli.test-support.js';
import { parseInstant } from './contacts.js';

// Each run starts a process (several seconds on a busy machine), and these tests make a few each.
const SLOW = 180_000;
let cli: CliDatabase;
const weixi = (...args: string[]) => runWeixi(args, cli.env);
const file = (name: string, lines: string[]) => cli.file(name, lines);
const dndList = () => cli.inspect((database) => database.rows<{ msisdn: string; reason: string; source: string; added_at: string; expires_at: string | null }>(sql`select msisdn, reason, source, added_at::text, expires_at::text from do_not_disturb order by msisdn`));
const consents = () => cli.inspect((database) => database.rows<{ msisdn: string; channel: string; purpose: string; granted: boolean; source: string }>(sql`select c.msisdn, k.channel, k.purpose, k.granted, k.source from contact_consents k join customers c on c.id = k.customer_id order by c.msisdn, k.channel, k.purpose`));
const ownPolicies = () => cli.inspect((database) => database.rows<{ code: string; policy: unknown }>(sql`select r.code, p.policy from contact_policies p join regions r on r.id = p.region_id order by r.code`));

beforeAll(async () => {
  cli = await cliDatabase('contacts');
  const regions = await file('regions.csv', ['code,name,level,parentCode,timeZone', 'JS,江苏省,province,,Asia/Shanghai', 'JS-NJ,南京市,city,JS,']);
  const imported = await weixi('regions', 'import', regions);
  expect(imported.code, imported.stderr).toBe(0);
  await cli.inspect((database) =>
    database.rows(sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type)
      select m, '客户', (select id from regions where code = 'JS-NJ'), '2020-01-01', 'plan-59', 'postpaid' from unnest(array['13900000001', '13900000002']) as m`),
  );
}, SLOW);
afterAll(() => cli?.close());

describe('weixi contacts dnd', () => {
  it('writes nothing from a file with bad lines, naming each by line and column', async () => {
    const bad = await file('dnd-bad.csv', ['msisdn,reason,source,expiresAt', '13900000001,12321 complaint,MIIT list,', '139-0000,complaint,MIIT list,', '13900000003,,MIIT list,2027-02-30', '13900000004,complaint,MIIT list,soon']);
    const refused = await weixi('contacts', 'dnd', 'import', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('4 problems');
    expect(refused.stderr).toContain('line 3, msisdn: expected 5 to 20 digits with an optional leading +, got "139-0000"');
    expect(refused.stderr).toContain('line 4, reason: must not be empty');
    expect(refused.stderr).toContain('line 4, expiresAt: expected an ISO date or date-time');
    expect(refused.stderr).toContain('line 5, expiresAt:');
    expect(await dndList()).toEqual([]);

    const header = await weixi('contacts', 'dnd', 'import', await file('dnd-header.csv', ['msisdn,why', '13900000001,x']));
    expect(header.code).toBe(1);
    expect(header.stderr).toContain('line 1, the header: unknown column "why"; missing column reason, source');
  }, SLOW);

  it('imports a list bigger than one batch, and a rerun changes nothing', async () => {
    const numbers = Array.from({ length: 12_000 }, (_, i) => `1370${String(i).padStart(7, '0')}`);
    const good = await file('dnd.csv', [
      'msisdn,reason,source,expiresAt',
      '+13900000001,12321 complaint,MIIT list,',
      '13900000002,customer request,hall JS-NJ,2027-01-01T08:00+08:00',
      ...numbers.map((n) => `${n},complaint,MIIT list,2027-01-01`),
      // A number repeated: its last line counts.
      '13900000002,customer request,hall JS-NJ,2027-06-01',
    ]);
    const first = await weixi('contacts', 'dnd', 'import', good);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Listed 12,002 numbers from dnd.csv on the do-not-disturb list: 12,002 new, 0 already listed');
    expect(first.stderr).toContain('Writing the do-not-disturb list: 12,003/12,003 lines (100%)');
    const listed = await dndList();
    expect(listed).toHaveLength(12_002);
    const byNumber = new Map(listed.map((r) => [r.msisdn, r]));
    expect(byNumber.get('13900000001')).toMatchObject({ reason: '12321 complaint', source: 'MIIT list', expires_at: null });
    expect(new Date(byNumber.get('13900000002')!.expires_at!).toISOString()).toBe('2027-06-01T00:00:00.000Z');
    expect(new Date(byNumber.get('13700000000')!.expires_at!).toISOString()).toBe('2027-01-01T00:00:00.000Z');

    const again = await weixi('contacts', 'dnd', 'import', good);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 new, 12,002 already listed');
    expect(await dndList()).toEqual(listed);
  }, SLOW);

  it('takes numbers off the list, and audits every change', async () => {
    const removed = await weixi('contacts', 'dnd', 'remove', '+13900000001', '13900000009');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Removed 1 number from the do-not-disturb list (1 was not on it)');
    expect((await dndList()).some((r) => r.msisdn === '13900000001')).toBe(false);
    const badRemove = await weixi('contacts', 'dnd', 'remove', 'abc');
    expect(badRemove.code).toBe(2);
    expect(badRemove.stderr).toContain('"abc": expected 5 to 20 digits');

    const audit = await cli.inspect((database) => database.rows<{ operation: string; objects: string[]; detail: string | null }>(sql`select operation, objects, detail from audit_log where operation like 'contacts.%' order by id`));
    expect(audit.map((a) => a.operation)).toEqual(['contacts.dnd.import', 'contacts.dnd.import', 'contacts.dnd.remove']);
    expect(audit[0]!.objects).toHaveLength(100);
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ objectCount: 12_002 });
  }, SLOW);
});

describe('weixi contacts consent', () => {
  it('fails whole when a number is no customer', async () => {
    const unknown = await file('consent-unknown.csv', ['msisdn,channel,purpose,granted,source', '13900000001,sms,marketing,false,reply TD', '13999999999,*,all,true,signed form']);
    const refused = await weixi('contacts', 'consent', 'import', unknown);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nothing was imported');
    expect(refused.stderr).toContain('line 3, msisdn: no customer has MSISDN "13999999999"');
    expect(await consents()).toEqual([]);
  }, SLOW);

  it('names every bad line, and records consent by number', async () => {
    const bad = await file('consent-bad.csv', ['msisdn,channel,purpose,granted,source', '13900000001,SMS,ads,maybe,', '13900000002,*,all,true,form', '13900000002,*,marketing,false,reply']);
    const unparsed = await weixi('contacts', 'consent', 'import', bad);
    expect(unparsed.code).toBe(1);
    expect(unparsed.stderr).toContain('line 2, channel: expected a channel id');
    expect(unparsed.stderr).toContain('line 2, purpose: expected service, marketing or all, got "ads"');
    expect(unparsed.stderr).toContain('line 2, granted: expected true or false, got "maybe"');
    expect(unparsed.stderr).toContain('line 2, source: must not be empty');
    expect(unparsed.stderr).toContain('line 4: repeats the marketing consent of 13900000002 on * given on line 3');

    const good = await file('consent.csv', ['msisdn,channel,purpose,granted,source', '13900000001,sms,marketing,false,reply TD', '+13900000002,*,all,true,signed form']);
    const first = await weixi('contacts', 'consent', 'import', good);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Recorded 2 consent records of 2 customers from consent.csv');
    const expected = [
      { msisdn: '13900000001', channel: 'sms', purpose: 'marketing', granted: false, source: 'reply TD' },
      { msisdn: '13900000002', channel: '*', purpose: 'marketing', granted: true, source: 'signed form' },
      { msisdn: '13900000002', channel: '*', purpose: 'service', granted: true, source: 'signed form' },
    ];
    expect(await consents()).toEqual(expected);
    const again = await weixi('contacts', 'consent', 'import', good);
    expect(again.code, again.stderr).toBe(0);
    expect(await consents()).toEqual(expected);
  }, SLOW);
});

describe('weixi contacts policy', () => {
  it('prints the policy in force and applies a patch, which the subtree inherits', async () => {
    const shown = await weixi('contacts', 'policy', '--region', 'JS-NJ');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ marketingConsent: 'opt-out', frequencyCap: { perDay: 1, perWeek: 3, perMonth: 6 } });
    expect(shown.stderr).toContain('it sets nothing itself');

    const set = await weixi('contacts', 'policy', '--region', 'JS', '--set', '{"frequencyCap": {"perWeek": 2}, "holidays": ["2026-10-01"]}');
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ frequencyCap: { perDay: 1, perWeek: 2, perMonth: 6 }, holidays: ['2026-10-01'] });
    const inherited = await weixi('contacts', 'policy', '--region', 'JS-NJ');
    expect(JSON.parse(inherited.stdout)).toMatchObject({ frequencyCap: { perWeek: 2 }, holidays: ['2026-10-01'] });
    const before = await ownPolicies();
    expect(before).toEqual([{ code: 'JS', policy: { frequencyCap: { perWeek: 2 }, holidays: ['2026-10-01'] } }]);
  }, SLOW);

  it('writes nothing from a bad patch, naming each path', async () => {
    const before = await ownPolicies();

    const bad = await weixi('contacts', 'policy', '--region', 'JS', '--set', '{"frequencyCap": {"perDay": -1}, "quietHours": {"sms": "25:00-08:00"}, "marketingConsent": "opt-in"}');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nothing was written to the policy of JS');
    expect(bad.stderr).toContain('policy.frequencyCap.perDay: must be a whole number from 0 to 100');
    expect(bad.stderr).toContain('policy.quietHours.sms:');
    expect(await ownPolicies()).toEqual(before);

    const notJson = await weixi('contacts', 'policy', '--region', 'JS', '--set', '{perDay: 2}');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--set must be a JSON object');
    const noRegion = await weixi('contacts', 'policy', '--region', 'XX');
    expect(noRegion.code).toBe(1);
    expect(noRegion.stderr).toContain('no region "XX"');
  }, SLOW);
});

describe('weixi contacts decisions', () => {
  it('lists what the gate stored for a customer, newest first', async () => {
    await cli.inspect(async (database) => {
      await database.rows(sql`insert into contacts (customer_id, channel, plugin_id, message, idempotency_key)
        select id, 'sms', 'test-plugin', 'hello', 'k1' from customers where msisdn = '13900000001'`);
      await database.rows(sql`insert into contact_decisions (contact_id, customer_id, channel, purpose, decision, rule, reason, until, decided_at)
        select k.id, k.customer_id, 'sms', 'marketing', d.decision, d.rule, d.reason, d.until::timestamptz, d.at::timestamptz
        from contacts k, (values ('deferred', 'quiet_hours', 'quiet hours 21:00-08:00, "local"', '2026-03-02T00:00:00Z', '2026-03-01T14:00:00Z'),
                                 ('sent', null, null, null, '2026-03-02T00:00:05Z')) as d(decision, rule, reason, until, at)
        where k.idempotency_key = 'k1'`);
    });
    const table = await weixi('contacts', 'decisions', '--msisdn', '13900000001');
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[1]).toMatch(/^id\s+decided at\s+contact\s+channel\s+purpose\s+decision\s+rule\s+until\s+reason$/);
    expect(lines[2]).toMatch(/2026-03-02T00:00:05.000Z\s+\d+\s+sms\s+marketing\s+sent$/);
    expect(lines[3]).toMatch(/deferred\s+quiet_hours\s+2026-03-02T00:00:00.000Z\s+quiet hours 21:00-08:00, "local"$/);
    expect(table.stdout).toContain('2 decisions');

    const id = await cli.inspect(async (database) => (await database.rows<{ id: number }>(sql`select id from customers where msisdn = '13900000001'`))[0]!.id);
    const csv = await weixi('contacts', 'decisions', '--customer', String(id), '--limit', '1', '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toEqual(['id,decidedAt,contactId,customerId,channel,purpose,decision,rule,reason,until', expect.stringMatching(new RegExp(`^\\d+,2026-03-02T00:00:05.000Z,\\d+,${id},sms,marketing,sent,,,$`))]);
  }, SLOW);

  it('says when there are none, and refuses an unknown number or two ways to name the customer', async () => {

    const none = await weixi('contacts', 'decisions', '--msisdn', '13900000002');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toContain('No decisions for customer');
    const both = await weixi('contacts', 'decisions', '--msisdn', '13900000002', '--customer', '1');
    expect(both.code).toBe(2);
    const unknown = await weixi('contacts', 'decisions', '--msisdn', '13999999999');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no customer has MSISDN "13999999999"');
  }, SLOW);
});

describe('parseInstant', () => {
  it('reads ISO dates as midnight UTC and date-times as UTC unless they say otherwise', () => {
    expect(parseInstant('2027-01-01')?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(parseInstant('2027-01-01T08:00')?.toISOString()).toBe('2027-01-01T08:00:00.000Z');
    expect(parseInstant('2027-01-01 08:00:30+08:00')?.toISOString()).toBe('2027-01-01T00:00:30.000Z');
    expect(parseInstant('2027-01-01T08:00:00.5+0800')?.toISOString()).toBe('2027-01-01T00:00:00.500Z');
    for (const bad of ['2027-02-30', '2027-01-01T24:00', '01/01/2027', 'soon', '2027-01-01T08:00+15:00']) expect(parseInstant(bad), bad).toBeUndefined();
  });
});
