import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';
import { startSmtpTestServer, type SmtpTestServer } from './smtp-test-server.js';

const ID = 'channel-email';
const REPORT_JOB = { plugin: 'core:kpis-report', job: 'kpi-report' };
const LOGIN = { user: 'weixi-kpi', password: 'smtp-secret-7' };
const NJ_STAFF = ['kpi@nj.example.cn', 'director@nj.example.cn'];
const LEFT = 'left@nj.example.cn'; // a mailbox closed since: refused by the server, the others still get the report
let p: TestPlatform;
let smtp: SmtpTestServer;

const relay = (from: string, extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port: smtp.port, ...LOGIN, from, connectionTimeoutMs: 2000, ...extra });
/** A rerun of the core job for one region, as the runner would retry it (not the plugin runJob mutation). */
const rerun = async (code: string) => {
  const [region] = await p.sql<{ id: number }>`select id from regions where code = ${code}`;
  const id = await p.jobs.runNow(REPORT_JOB.plugin, REPORT_JOB.job, region!.id);
  await p.jobs.work();
  return (await p.jobRuns()).find((r) => r.id === id)!;
};
const reportOf = async (code: string) =>
  (await p.sql<{ id: number; day: string }>`select k.id, k.day::text as day from kpi_reports k join regions r on r.id = k.region_id where r.code = ${code}`)[0];

beforeAll(async () => {
  smtp = await startSmtpTestServer({ login: LOGIN, refuse: { [LEFT]: { code: 550, message: '5.1.1 mailbox unavailable' } } });
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    settings: [
      { plugin: ID, region: 'JS', settings: relay('中国移动江苏 <care@js.example.cn>') },
      // Only Nanjing's report goes to staff; the province's and Suzhou's have no recipients.
      { plugin: ID, region: 'JS-NJ', settings: { reportRecipients: [...NJ_STAFF, LEFT] } },
      // Zhejiang is configured with a recipient too, but the plugin is not enabled there (until the last test).
      { plugin: ID, region: 'ZJ', settings: relay('中国移动浙江 <care@zj.example.cn>', { reportRecipients: ['kpi@zj.example.cn'] }) },
    ],
    enable: [{ plugin: ID, region: 'JS' }],
  });
  // KPIs set up in both provinces (the report job runs only where they are).
  await p.ok(`mutation { js: setKpiSettings(regionCode: "JS", settings: {}) zj: setKpiSettings(regionCode: "ZJ", settings: {}) }`);
  p.clock.set('2026-11-15T23:30:10Z'); // 07:30:10 on the 16th in Shanghai: the report's slot
});
afterAll(async () => {
  await p?.close();
  await smtp?.close();
});

describe('channel-email: the daily KPI report to staff', () => {
  it('mails the report of a region with recipients once, the HTML as the body and the CSV attached, from its sender', async () => {
    const runs = (await p.runDueJobs()).filter((r) => r.pluginId === REPORT_JOB.plugin);
    expect(runs.map((r) => [r.regionCode, r.status]).sort()).toEqual(['JS', 'JS-NJ', 'JS-SZ', 'ZJ', 'ZJ-HZ'].map((code) => [code, 'succeeded']));

    const report = (await reportOf('JS-NJ'))!;
    expect(report.day).toBe('2026-11-16');
    expect(smtp.received).toHaveLength(1); // not JS, JS-SZ (no recipients), nor ZJ, ZJ-HZ (not enabled)
    const [email] = smtp.received;
    expect(email!.user).toBe(LOGIN.user);
    expect(email!.recipients.sort()).toEqual([...NJ_STAFF].sort());
    expect(email!.mail.from!.value).toEqual([{ name: '中国移动江苏', address: 'care@js.example.cn' }]);
    expect(email!.mail.subject).toBe('维系日报 JS-NJ 2026-11-16');
    expect(email!.mail.messageId).toBe(`<weixi-kpi-report-${report.id}@js.example.cn>`);
    expect(email!.mail.html).toContain('维系日报 (daily retention report) JS-NJ, 2026-11-16');
    expect(email!.mail.html).toContain('<svg');
    const [csv, ...others] = email!.mail.attachments;
    expect(others).toEqual([]);
    expect(csv).toMatchObject({ filename: 'weixi-kpi-JS-NJ-2026-11-16.csv', contentType: 'text/csv' });
    expect(csv!.content.toString('utf8')).toMatch(/^section,key,rank,customers,.*\n2026-11 to date,total,/);
    const stored = await p.sql<{ csv: string }>`select csv from kpi_reports where id = ${report.id}`;
    expect(csv!.content.toString('utf8')).toBe(stored[0]!.csv);
    const [marked] = await p.sql<{ value: { messageId: string; refused: string[] } }>`
      select s.value from plugin_storage s join regions r on r.id = s.region_id where s.plugin_id = ${ID} and r.code = 'JS-NJ' and s.key = ${`kpi-report:${report.id}`}`;
    expect(marked!.value).toMatchObject({ messageId: email!.mail.messageId, refused: [LEFT] });
  });

  it('sends nothing new when the day\'s report is made again', async () => {
    const before = (await reportOf('JS-NJ'))!;
    p.clock.advance(30 * 60_000);
    expect((await rerun('JS-NJ')).status).toBe('succeeded');
    expect((await reportOf('JS-NJ'))!.id).toBe(before.id); // replaced in place
    expect(smtp.received).toHaveLength(1);
  });

  it('mails a region only where the plugin is enabled: Zhejiang\'s report once it is', async () => {
    expect(smtp.received.filter((r) => r.recipients.includes('kpi@zj.example.cn'))).toHaveLength(0);
    await p.enable(ID, 'ZJ');
    expect((await rerun('ZJ')).status).toBe('succeeded');
    const zj = smtp.received.filter((r) => r.recipients.includes('kpi@zj.example.cn'));
    expect(zj.map((r) => r.mail.subject)).toEqual(['维系日报 ZJ 2026-11-16']);
    expect(zj[0]!.mail.messageId).toBe(`<weixi-kpi-report-${(await reportOf('ZJ'))!.id}@zj.example.cn>`);
    expect(smtp.received).toHaveLength(2); // and Hangzhou's report was not rerun
  });

  it('takes a list of addresses as recipients, and refuses one that is not an address', async () => {
    expect(await p.configure(ID, 'JS-SZ', { reportRecipients: ['kpi@sz.example.cn'] })).toMatchObject({ reportRecipients: ['kpi@sz.example.cn'], from: '中国移动江苏 <care@js.example.cn>' });
    expect(await p.configure(ID, 'JS', {})).toMatchObject({ reportRecipients: [] }); // the default
    const bad = await p.gql(`mutation ($s: JSONObject!) { updatePluginSettings(id: "${ID}", regionCode: "JS-NJ", settings: $s) { plugin { id } } }`, { s: { reportRecipients: ['Boss <boss@nj.example.cn>'] } });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toContain('reportRecipients');
  });
});
