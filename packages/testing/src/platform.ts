/**
 * `createTestPlatform`: a real Weixi (plugin host, job runner, GraphQL over HTTP) on a fresh test database of
 * the configured kind (`WEIXI_TEST_DB`: PGlite by default, or PostgreSQL), with chosen plugins and data, a
 * fake clock, job runs driven by hand, and the contacts and tasks that plugins produced, ready to assert on.
 */
import { resolve } from 'node:path';
import { eq, inArray, sql as sqlTag } from 'drizzle-orm';
import type { InstalledPlugin, PluginHost } from '@weixi/core';
import { jobRuns, regions, type Database } from '@weixi/db';
import type { ContactPurpose, MessageTemplate } from '@weixi/sdk';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { seedDemoData } from '@weixi/demo';
import { loadPlugins, startPlatform, type Logger, type Platform, type PlatformOptions } from '@weixi/platform';
import { FakeClock } from './clock.js';
import { HARNESS_PLUGIN_ID, harnessPlugin, type CapturedChannel } from './harness-plugin.js';
import { globalId, localId } from './ids.js';
import { listContacts, listTasks, listWarnings, type CapturedContact, type CapturedTask, type CapturedWarning, type ContactsFilter, type TasksFilter, type WarningsFilter } from './records.js';
import { DEFAULT_TEST_REGIONS, insertRegions, type TestRegion } from './regions.js';
import { createApiKey, type CreateApiKeyInput } from '@weixi/core/access';
import { graphqlHttpClient, type GraphQLHttpClient, type GraphQLResponse } from './http-client.js';

/** Where a test platform starts: 10:00 on Monday 16 November 2026 in Shanghai. */
export const DEFAULT_TEST_NOW = '2026-11-16T10:00:00+08:00';

export interface TestPlatformOptions {
  /**
   * The plugins to install: plugin folders (absolute, or relative to the working directory; their
   * package.json manifests are validated and ordered by dependency as the server does) or `InstalledPlugin`s.
   */
  plugins?: Array<string | InstalledPlugin>;
  /** The region tree; default `DEFAULT_TEST_REGIONS` (JS with JS-NJ, JS-NJ-GL, JS-SZ; ZJ with ZJ-HZ). */
  regions?: readonly TestRegion[];
  /**
   * Data written before the platform starts: the demo population (`seedDemoData`, deterministic, generated
   * for `now`: six months of usage before its month; its cities and districts join the region tree), or your
   * own function. Use `addCustomers` / `recordUsage` for a handful of hand-made customers.
   */
  seed?: { customers: number; seed?: number } | ((database: Database) => Promise<void>);
  /** The fake clock's start; default `DEFAULT_TEST_NOW`. */
  now?: string | Date;
  /** Enables plugins at boot, each for a region (and its subtree) or, without one, globally. */
  enable?: Array<{ plugin: string; region?: string }>;
  /** Settings applied at boot, before `enable`: one level each (a region, or globally without one). */
  settings?: Array<{ plugin: string; region?: string; settings: Record<string, unknown> }>;
  /**
   * Fake channels (e.g. `['sms']`) whose messages are recorded as `sent`, or with another answer
   * (`{ id: 'app', answer: 'rejected' }`, to see a fallback); see `contacts()`.
   */
  channels?: Array<string | CapturedChannel>;
  /** Failures in a row after which a plugin is switched off in a region (the platform's default is 5). */
  failureThreshold?: number;
  /**
   * Where plugin code runs (the platform's default: WEIXI_EXTENSION_HOST, else the extension host process).
   * `in-process` for a test that reads what a plugin module keeps in memory.
   */
  extensionHost?: PlatformOptions['extensionHost'];
}


/** A job run as `runDueJobs` and `runJob` report it. */
export interface TestJobRun {
  id: number;
  pluginId: string;
  jobId: string;
  regionCode: string;
  trigger: 'schedule' | 'manual';
  scheduledFor: Date;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  attempt: number;
  progress: number;
  progressMessage: string | null;
  error: string | null;
}

/** A log line the platform wrote (every level is kept, whatever is printed). */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

/** Customer input for `addCustomers`: everything has a default except what the test cares about. */
export interface TestCustomer {
  msisdn?: string;
  name?: string;
  regionCode?: string;
  joinedOn?: string;
  plan?: string;
  paymentType?: 'PREPAID' | 'POSTPAID';
  birthday?: string | null;
  status?: 'ACTIVE' | 'SUSPENDED' | 'CHURNED';
  churnedOn?: string | null;
  contractEndsOn?: string | null;
  /** Consent per channel: `{ sms: false }` withdraws SMS consent. */
  consent?: Record<string, boolean>;
  [field: string]: unknown;
}

/** One month of facts for `recordUsage`; counters left out are 0. */
export interface TestUsage {
  customerId: number;
  /** `YYYY-MM`. */
  month: string;
  revenueCents?: number;
  voiceMinutes?: number;
  dataMb?: number;
  sms?: number;
  rechargeCents?: number;
  activeDays?: number;
  complaints?: number;
  competitorContacts?: number;
}

export interface TestPlatform {
  /** The GraphQL endpoint on 127.0.0.1. */
  readonly url: string;
  /** `pglite` or `postgres`, from `WEIXI_TEST_DB`. */
  readonly kind: 'pglite' | 'postgres';
  readonly clock: FakeClock;
  readonly database: TestDatabase;
  readonly host: PluginHost;
  readonly jobs: Platform['jobs'];
  readonly logs: LogEntry[];
  /** POSTs a GraphQL request to the server, as any client would; returns `{ data, errors }`. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like `gql`, but throws on any error and returns `data`. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The platform admin API key that `gql` and `ok` send. */
  readonly adminKey: string;
  /** A client sending another credential (an API key or a JWT), or none with `null`. */
  as(token: string | null): GraphQLHttpClient;
  /** Creates an API key (role, regionCodes, agentId, scopes), e.g. to test what an operator sees. */
  key(grant: CreateApiKeyInput): Promise<string>;
  /**
   * Runs what is due at the clock's current time: the scheduler step (cron slots in each enabled city's
   * time zone) and then the worker until nothing is due. Moves no clock. Returns the runs that ran, oldest first.
   */
  runDueJobs(): Promise<TestJobRun[]>;
  /** Queues a manual run of a job for a region (as the `runJob` mutation does) and runs it; returns it finished. */
  runJob(plugin: string, job: string, region: string): Promise<TestJobRun>;
  /** Every job run so far, oldest first. */
  jobRuns(filter?: { plugin?: string; job?: string }): Promise<TestJobRun[]>;
  /** Enables a plugin for a region (or globally) through the API; throws if it fails to activate. */
  enable(plugin: string, region?: string): Promise<void>;
  /** Disables a plugin for a region (or globally) through the API. */
  disable(plugin: string, region?: string): Promise<void>;
  /** Sets settings at one level (a region, or `null` for global) through the API; returns the resolved settings. */
  configure(plugin: string, region: string | null, settings: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The contacts plugins asked for (the `contacts` outbox table), oldest first. */
  contacts(filter?: ContactsFilter): Promise<CapturedContact[]>;
  /** Retention tasks, oldest first. */
  tasks(filter?: TasksFilter): Promise<CapturedTask[]>;
  /** Churn warnings raised by warning rules, oldest first. */
  warnings(filter?: WarningsFilter): Promise<CapturedWarning[]>;
  /**
   * Asks the core to contact a customer, as a tactic plugin would (plugin id `testing-harness`): consent is
   * checked, the channel's plugin delivers it, the key makes it once. Returns the contact's id and status,
   * and whether this call created it (false when the key was already used for this customer).
   */
  send(input: {
    /** A channel, or several in preference order (the next is tried when one is undeliverable). */
    channel: string | string[];
    customerId: number;
    message: string | MessageTemplate;
    /** Default `marketing`. */
    purpose?: ContactPurpose;
    idempotencyKey?: string;
  }): Promise<{ contactId: number; status: string; created: boolean }>;
  /** Delivers every due contact now (retries, ended deferrals, fallbacks), as the platform's outbox loop does; returns how many. */
  drainOutbox(): Promise<number>;
  /** Upserts customers through the API; returns their numeric ids in input order. */
  addCustomers(customers: TestCustomer[]): Promise<number[]>;
  /** Records monthly usage through the API. */
  recordUsage(usage: TestUsage[]): Promise<void>;
  /** Raw SQL for assertions (`await platform.sql<{ n: number }>\`select count(*)::int as n from customers\``). Cast numbers and times in SQL. */
  sql<T extends Record<string, unknown> = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function recordingLogger(logs: LogEntry[]): Logger {
  const threshold = Math.max(0, LEVELS.indexOf((process.env.WEIXI_LOG_LEVEL ?? 'error') as LogEntry['level']));
  const log = (level: LogEntry['level']) => (msg: string, fields: Record<string, unknown> = {}) => {
    logs.push({ level, msg, fields });
    if (LEVELS.indexOf(level) >= threshold) process.stderr.write(`${JSON.stringify({ level, msg, ...fields })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

async function resolvePlugins(specs: ReadonlyArray<string | InstalledPlugin>): Promise<InstalledPlugin[]> {
  const folders = specs.filter((s): s is string => typeof s === 'string').map((s) => resolve(s));
  const given = specs.filter((s): s is InstalledPlugin => typeof s !== 'string');
  if (folders.length === 0) return given;
  const { plugins, refused } = await loadPlugins({ packages: folders, baseDir: process.cwd(), logger: { warn: () => {} } });
  if (refused.length > 0) {
    throw new Error(`createTestPlatform: ${refused.map((r) => `plugin ${r.id} cannot be installed: ${r.reason}`).join('; ')}`);
  }
  return [...plugins, ...given];
}

/** Boots a test platform; `close()` it when done (afterAll). */
export async function createTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const plugins = [harnessPlugin(options.channels ?? []), ...(await resolvePlugins(options.plugins ?? []))];
  const clock = new FakeClock(options.now ?? DEFAULT_TEST_NOW);
  const database = await createTestDatabase();
  let platform: Platform | undefined;
  try {
    await insertRegions(database, options.regions ?? DEFAULT_TEST_REGIONS);
    if (typeof options.seed === 'function') await options.seed(database);
    else if (options.seed) await seedDemoData(database, { customers: options.seed.customers, seed: options.seed.seed, now: clock.now() });

    const logs: LogEntry[] = [];
    platform = await startPlatform({ database, clock, plugins, runJobs: false, logger: recordingLogger(logs), failureThreshold: options.failureThreshold, extensionHost: options.extensionHost });
    const started = platform;
    const host = started.plugins;
    const activated = async (plugin: string, action: Promise<{ status: string; error?: string }>) => {
      const state = await action;
      if (state.status === 'failed') throw new Error(`plugin '${plugin}' failed to activate: ${state.error}`);
    };
    await activated(HARNESS_PLUGIN_ID, host.enable(HARNESS_PLUGIN_ID, null));
    for (const s of options.settings ?? []) await host.updateSettings(s.plugin, s.region ?? null, s.settings);
    for (const e of options.enable ?? []) await activated(e.plugin, host.enable(e.plugin, e.region ?? null));

    const key = async (grant: CreateApiKeyInput) => (await createApiKey(database.db, grant)).key;
    const adminKey = await key({ role: 'admin', name: 'test platform admin' });
    const { gql, ok } = graphqlHttpClient(started.server.url, adminKey);
    const runsWhere = async (ids?: number[]) => {
      const rows = await database.db
        .select({ run: jobRuns, regionCode: regions.code })
        .from(jobRuns)
        .innerJoin(regions, eq(regions.id, jobRuns.regionId))
        .where(ids === undefined ? undefined : inArray(jobRuns.id, ids.length > 0 ? ids : [0]))
        .orderBy(jobRuns.id);
      return rows.map(({ run, regionCode }): TestJobRun => ({
        id: run.id,
        pluginId: run.pluginId,
        jobId: run.jobId,
        regionCode,
        trigger: run.trigger,
        scheduledFor: run.scheduledFor,
        status: run.status,
        attempt: run.attempt,
        progress: run.progress,
        progressMessage: run.progressMessage,
        error: run.error,
      }));
    };
    const attempts = async () => new Map((await database.db.select({ id: jobRuns.id, attempt: jobRuns.attempt }).from(jobRuns)).map((r) => [r.id, r.attempt]));

    return {
      url: started.server.url,
      kind: testDatabaseKind(),
      clock,
      database,
      host,
      jobs: started.jobs,
      logs,
      gql,
      ok,
      adminKey,
      as: (token) => graphqlHttpClient(started.server.url, token),
      key,
      async runDueJobs() {
        const before = await attempts();
        await started.jobs.tick();
        await started.jobs.work();
        const after = await attempts();
        return runsWhere([...after].filter(([id, attempt]) => attempt > (before.get(id) ?? 0)).map(([id]) => id));
      },
      async runJob(plugin, job, region) {
        const queued = await ok<{ runJob: { run: { id: string } } }>(
          `mutation ($plugin: String!, $job: String!, $region: String!) { runJob(pluginId: $plugin, jobId: $job, regionCode: $region) { run { id } } }`,
          { plugin, job, region },
        );
        const id = localId(queued.runJob.run.id);
        await started.jobs.work();
        return (await runsWhere([id]))[0]!;
      },
      async jobRuns(filter = {}) {
        return (await runsWhere()).filter((r) => (filter.plugin === undefined || r.pluginId === filter.plugin) && (filter.job === undefined || r.jobId === filter.job));
      },
      async enable(plugin, region) {
        const r = await ok<{ enablePlugin: { plugin: { status: string; error: string | null } } }>(
          `mutation ($id: String!, $region: String) { enablePlugin(id: $id, regionCode: $region) { plugin { status error } } }`,
          { id: plugin, region: region ?? null },
        );
        if (r.enablePlugin.plugin.status === 'FAILED') throw new Error(`plugin '${plugin}' failed to activate: ${r.enablePlugin.plugin.error}`);
      },
      async disable(plugin, region) {
        await ok(`mutation ($id: String!, $region: String) { disablePlugin(id: $id, regionCode: $region) { plugin { id } } }`, { id: plugin, region: region ?? null });
      },
      async configure(plugin, region, settings) {
        await ok(`mutation ($id: String!, $region: String, $settings: JSONObject!) { updatePluginSettings(id: $id, regionCode: $region, settings: $settings) { plugin { id } } }`, {
          id: plugin,
          region,
          settings,
        });
        return host.settingsFor(plugin, region);
      },
      contacts: (filter) => listContacts(database.db, filter),
      tasks: (filter) => listTasks(database.db, filter),
      warnings: (filter) => listWarnings(database.db, filter),
      async send(input) {
        const key = input.idempotencyKey ?? `testing:${String(input.channel)}:${input.customerId}:${clock.now().toISOString()}:${Math.random().toString(36).slice(2)}`;
        const r = await ok<{ testingHarness_send: { contactId: number; status: string; created: boolean } }>(
          `mutation ($channel: JSON!, $customerId: Int!, $message: JSON!, $purpose: String, $key: String!) {
            testingHarness_send(channel: $channel, customerId: $customerId, message: $message, purpose: $purpose, idempotencyKey: $key) }`,
          { channel: input.channel, customerId: input.customerId, message: input.message, purpose: input.purpose ?? null, key },
        );
        return r.testingHarness_send;
      },
      async drainOutbox() {
        let total = 0;
        for (let n = await host.drainOutbox(); n > 0; n = await host.drainOutbox()) total += n;
        return total;
      },
      async addCustomers(customers) {
        const ids: number[] = [];
        for (let first = 0; first < customers.length; first += 1000) {
          const batch = customers.slice(first, first + 1000).map(customerInput);
          const r = await ok<{ upsertCustomers: { customers: Array<{ id: string }> } }>(
            `mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`,
            { c: batch },
          );
          ids.push(...r.upsertCustomers.customers.map((c) => localId(c.id)));
        }
        return ids;
      },
      async recordUsage(usage) {
        for (let first = 0; first < usage.length; first += 5000) {
          const batch = usage.slice(first, first + 5000).map(({ customerId, ...rest }) => ({ ...rest, customerId: globalId('Customer', customerId) }));
          await ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, { u: batch });
        }
      },
      sql: <T extends Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]) => database.rows<T>(sqlTag(strings, ...values)),
      async close() {
        await started.close();
        await database.close();
      },
    };
  } catch (error) {
    await platform?.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}

let customerCounter = 0;

/** Fills the fields a test left out. Generated numbers are 199xxxxxxxx, a prefix the demo data never uses. */
function customerInput(c: TestCustomer): Record<string, unknown> {
  const { consent, ...rest } = c;
  const msisdn = c.msisdn ?? `199${String(++customerCounter).padStart(8, '0')}`;
  return {
    name: `测试客户${msisdn.slice(-4)}`,
    regionCode: 'JS-NJ-GL',
    joinedOn: '2020-03-01',
    plan: 'P99',
    paymentType: 'POSTPAID',
    ...rest,
    msisdn,
    ...(consent ? { consent: Object.entries(consent).map(([channel, granted]) => ({ channel, granted })) } : {}),
  };
}
