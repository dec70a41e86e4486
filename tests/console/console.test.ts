/**
 * The console (examples/console) end to end in Debian's Chromium: built once with Vite, served by a real API
 * process at /console/ (WEIXI_CONSOLE_DIR) on a fresh demo database, and driven like a person: log in, find a
 * customer, build and save a segment, enable a plugin for one city, work a task to an outcome. A screenshot of
 * each page goes to tests/console/artifacts/ (gitignored; CI keeps it as the run's artifact).
 *
 * PGlite half only: the UI does not depend on the database kind, and the API's behaviour on PostgreSQL is
 * covered by the API tests. Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run does it); without
 * it the file is skipped with a message, unless CI=true, where a missing browser fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testDatabaseKind } from '@weixi/db/testing';
import { repoRoot, startServerProcess, type ServerProcess } from '../processes/api-process.js';

const CHROMIUM = process.env.WEIXI_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
if (!haveBrowser) console.warn(`SKIPPED the console tests: no browser at ${CHROMIUM} (apt-get install -y chromium)`);
const run = testDatabaseKind() === 'pglite' && haveBrowser;

const artifacts = join(repoRoot, 'tests/console/artifacts');
const consoleDir = join(repoRoot, 'examples/console');

let buildDir: string;
let api: ServerProcess;
let browser: Browser;
let page: Page;
let origin: string;
/** Requests the page made to any origin but the API's (aborted): the console must need no internet. */
const outside: string[] = [];
/** Uncaught errors in the page and messages about refused content (CSP). */
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function signIn(key: string): Promise<void> {
  await page.goto(`${origin}/console/#/customers`);
  await page.getByTestId('login-key').fill(key);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-customers').waitFor();
}

async function ok(query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await api.gql(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data;
}

describe.runIf(run)('the console in Chromium', () => {
  beforeAll(async () => {
    // One build per run, into a folder of its own (a developer's examples/console/dist is left alone).
    buildDir = mkdtempSync(join(tmpdir(), 'weixi-console-'));
    const build = spawnSync(join(consoleDir, 'node_modules/.bin/vite'), ['build', '--outDir', buildDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: consoleDir, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`vite build failed: ${build.stderr}${build.stdout}`);
    api = await startServerProcess(join(repoRoot, 'node_modules/.bin/tsx'), ['api/src/main.ts'], {
      WEIXI_CONSOLE_DIR: buildDir,
      WEIXI_PLUGINS: join(repoRoot, 'examples/regional-plugin'),
      WEIXI_RATE_LIMIT_PER_MINUTE: '0',
    });
    origin = new URL(api.url).origin;
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) pageErrors.push(message.text());
    });
    // Nothing but the API's own origin: the console must work without internet.
    await page.route((url) => url.origin !== origin, (route) => {
      outside.push(route.request().url());
      return route.abort();
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('is served by the API at /console/ as static files, without a key, never outside its folder', async () => {
    const index = await fetch(`${origin}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await index.text();
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    expect((await fetch(`${origin}/console/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${origin}/console/nothing.js`)).status).toBe(404);
  });

  it('logs in with an API key kept in sessionStorage, never in the URL', async () => {
    await page.goto(`${origin}/console/`);
    await page.getByTestId('login-key').fill('wx_bad_key');
    await page.getByTestId('login-submit').click();
    await page.getByRole('alert').waitFor();
    await shot('01-login');
    await page.getByTestId('login-key').fill(api.adminKey);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-customers').waitFor();
    expect(page.url()).not.toContain(api.adminKey);
    expect(await page.evaluate(() => sessionStorage.getItem('weixi.apiKey'))).toBe(api.adminKey);
    expect(await page.evaluate(() => localStorage.getItem('weixi.apiKey'))).toBeNull();
  });

  it('finds a customer and opens the profile with its usage chart', async () => {
    // One with an open warning, so the profile shows its evidence too.
    const { warnings } = await ok('{ warnings(first: 1, filter: { regionCode: "JS-NJ", statuses: [OPEN] }) { edges { node { rule customer { id msisdn name } } } } }');
    const { rule, customer } = warnings.edges[0].node;
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-search').fill(customer.msisdn);
    await page.getByTestId('customer-search-submit').click();
    await expect.poll(() => page.getByTestId('customer-count').textContent(), { timeout: 20_000 }).toMatch(/^1 /);
    await shot('02-customers');
    await page.getByTestId('customer-row').first().click();
    await page.getByTestId('customer-profile').getByText(customer.msisdn).waitFor();
    await page.getByTestId('usage-chart').locator('svg.recharts-surface').first().waitFor();
    await page.getByTestId('customer-warnings').getByText(rule).first().waitFor();
    await shot('03-customer-profile');
  });

  it('builds a segment with a live count and saves it', async () => {
    await page.getByTestId('nav-segments').click();
    await page.getByTestId('segment-name').fill('Console: long tenure in Nanjing');
    await page.getByTestId('segment-region').selectOption('JS-NJ');
    await page.getByTestId('field').selectOption('TENURE_MONTHS');
    await page.getByTestId('field-op').selectOption('GTE');
    await page.getByTestId('field-value').fill('24');
    await page.getByTestId('condition-add').click();
    await page.getByTestId('condition-kind').nth(1).selectOption('region');
    await page.getByTestId('condition').nth(1).locator('select').nth(1).selectOption('JS-NJ');
    const definition = { and: [{ field: { field: 'TENURE_MONTHS', op: 'GTE', value: '24' } }, { region: { codes: ['JS-NJ'] } }] };
    const { segmentPreview } = await ok('query ($d: SegmentCondition!) { segmentPreview(definition: $d) }', { d: definition });
    expect(segmentPreview).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('segment-preview').textContent(), { timeout: 20_000 }).toBe(String(segmentPreview));
    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-saved').waitFor();
    await page.getByTestId('segment-row').filter({ hasText: 'Console: long tenure in Nanjing' }).waitFor();
    await shot('04-segments');
    const { segments } = await ok('{ segments(first: 50) { edges { node { name count definition region { code } } } } }');
    const saved = segments.edges.map((e: any) => e.node).find((s: any) => s.name === 'Console: long tenure in Nanjing');
    expect(saved).toMatchObject({ count: segmentPreview, region: { code: 'JS-NJ' }, definition });
  });

  it('lists warnings by rule and level', async () => {
    await page.getByTestId('nav-warnings').click();
    await page.getByTestId('warning-row').first().waitFor();
    await shot('05-warnings');
  });

  it('enables a plugin for one city, sets its settings from the form and runs its job', async () => {
    await page.getByTestId('nav-plugins').click();
    await page.locator('[data-plugin-id="tactic-campus-summer"]').waitFor();
    await shot('06-plugins');
    await page.locator('[data-plugin-id="tactic-campus-summer"]').click();
    await page.getByTestId('plugin-region').selectOption('JS-NJ');
    await page.getByTestId('plugin-enable').click();
    // The city and the districts under it, nothing else.
    await expect.poll(() => page.getByTestId('plugin-enabled-regions').textContent(), { timeout: 20_000 }).toMatch(/^JS-NJ(, JS-NJ-[A-Z]+)*$/);
    await page.getByTestId('setting-priceYuan').locator('input').fill('15');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('plugin-message').waitFor();
    await page.getByTestId('job-run-summer-offer').click();
    await page.getByTestId('job-run').first().waitFor();
    await shot('07-plugin');
    const { plugin } = await ok('{ plugin(id: "tactic-campus-summer") { enabledRegions settings(regionCode: "JS-NJ") } }');
    expect(plugin.enabledRegions).toContain('JS-NJ');
    expect(plugin.enabledRegions.every((code: string) => code === 'JS-NJ' || code.startsWith('JS-NJ-'))).toBe(true);
    expect(plugin.settings.priceYuan).toBe(15);
  });

  it('shows KPI dashboards with charts', async () => {
    // The demo's first start writes treated and control offers 5 to 3 months before the last complete one.
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1)).toISOString().slice(0, 7);
    const { kpis } = await ok('query ($month: Month!) { kpis(regionCode: "JS", month: $month, by: TACTIC) { rows { key } } }', { month });
    expect(kpis.rows.length).toBeGreaterThan(0);
    await page.getByTestId('nav-kpis').click();
    await page.getByTestId('kpi-region').selectOption('JS');
    await page.getByTestId('kpi-month').fill(month);
    await page.getByTestId('kpi-table').getByText(kpis.rows[0].key).waitFor();
    await page.getByTestId('kpi-chart').locator('svg.recharts-surface').first().waitFor();
    await page.getByTestId('kpi-trend').locator('svg.recharts-surface').first().waitFor();
    await shot('08-kpis');
  });

  it("works a task to an outcome on the agent's board", async () => {
    const { customers } = await ok('{ customers(first: 1, filter: { regionCodes: ["JS-NJ"] }) { edges { node { id } } } }');
    const { createTask } = await ok(
      `mutation ($customerId: ID!) { createTask(input: { customerId: $customerId, reason: "console test: contract ends soon", channel: "call",
        dueAt: "2030-01-01T09:00:00+08:00", assignee: "li.lei", idempotencyKey: "console-e2e" }) { task { id state } } }`,
      { customerId: customers.edges[0].node.id },
    );
    expect(createTask.task.state).toBe('ASSIGNED');
    const { createApiKey } = await ok('mutation { createApiKey(input: { role: AGENT, agentId: "li.lei", name: "console e2e" }) { key } }');
    await page.getByTestId('logout').click();
    await signIn(createApiKey.key);
    await page.getByTestId('language').click(); // English labels from here on
    await page.getByTestId('nav-tasks').click();
    const card = page.locator(`[data-task-id="${createTask.task.id}"]`);
    await page.getByTestId('column-ASSIGNED').locator(`[data-task-id="${createTask.task.id}"]`).waitFor();
    await shot('09-tasks');
    await card.getByTestId('task-start').click();
    await page.getByTestId('column-IN_PROGRESS').locator(`[data-task-id="${createTask.task.id}"]`).waitFor();
    await card.getByTestId('task-note').fill('no answer at first, then reached');
    await card.getByTestId('task-disposition').selectOption('NO_ANSWER');
    await card.getByTestId('task-attempt').click();
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain('Attempts 1');
    await card.getByTestId('task-outcome').selectOption('RETAINED');
    await card.getByTestId('task-close').click();
    await page.getByTestId('column-DONE').locator(`[data-task-id="${createTask.task.id}"]`).waitFor();
    await shot('10-task-done');
    const { task } = await ok('query ($id: ID!) { task(id: $id) { state outcome attemptCount } }', { id: createTask.task.id });
    expect(task).toMatchObject({ state: 'DONE', outcome: 'RETAINED' });
  });

  it('asked nothing of any other origin (no CDN, no web font), and raised no error nor CSP refusal', () => {
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
