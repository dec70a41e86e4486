import { regions } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { startPlatform, type AuthOptions, type HardeningOptions, type Platform, type PlatformOptions, type WeixiServer } from '@weixi/platform';
import type { Clock, InstalledPlugin, PluginHost } from '@weixi/core';
import { createApiKey, type CreateApiKeyInput } from '@weixi/core/access';
import { graphqlHttpClient, type GraphQLHttpClient, type GraphQLResponse } from '@weixi/testing';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export type { GraphQLResponse };

export interface TestApi {
  database: TestDatabase;
  plugins: PluginHost;
  jobs: Platform['jobs'];
  /** Where plugin code runs when the test asked for an extension host process. */
  extensionHost: Platform['extensionHost'];
  server: WeixiServer;
  clock: TestClock;
  /** POSTs a GraphQL request to the running server, as any HTTP client would. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any error and returns `data`. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The admin API key gql and ok send. */
  adminKey: string;
  /** A client sending another credential (an API key or JWT), or none at all with `null`. */
  as(token: string | null): GraphQLHttpClient;
  /** Creates an API key for this grant (role, regionCodes, agentId, scopes) and returns it. */
  key(grant: CreateApiKeyInput): Promise<string>;
  close(): Promise<void>;
}

export const TEST_REGIONS = [
  { code: 'JS', name: '江苏', level: 'province', path: '/JS/', parent: null },
  { code: 'JS-NJ', name: '南京', level: 'city', path: '/JS/JS-NJ/', parent: 'JS' },
  { code: 'JS-NJ-GL', name: '鼓楼区', level: 'district', path: '/JS/JS-NJ/JS-NJ-GL/', parent: 'JS-NJ' },
  { code: 'JS-SZ', name: '苏州', level: 'city', path: '/JS/JS-SZ/', parent: 'JS' },
  { code: 'ZJ', name: '浙江', level: 'province', path: '/ZJ/', parent: null },
  { code: 'ZJ-HZ', name: '杭州', level: 'city', path: '/ZJ/ZJ-HZ/', parent: 'ZJ' },
] as const;

/** Writes TEST_REGIONS, parents first. */
export async function insertTestRegions(database: TestDatabase): Promise<void> {
  const ids = new Map<string, number>();
  for (const r of TEST_REGIONS) {
    const [row] = await database.db
      .insert(regions)
      .values({ code: r.code, name: r.name, level: r.level, path: r.path, timeZone: 'Asia/Shanghai', parentId: r.parent ? ids.get(r.parent)! : null })
      .returning();
    ids.set(r.code, row!.id);
  }
}

/** A fresh database of the configured kind with a small region tree, served over real HTTP. */
export async function startTestApi(now = '2026-11-15T04:00:00Z', options: { plugins?: InstalledPlugin[]; failureThreshold?: number; server?: HardeningOptions; auth?: AuthOptions } & Pick<PlatformOptions, 'extensionHost' | 'extensionHostLimits' | 'extensionHostGroups' | 'logger' | 'pluginStore'> = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  await insertTestRegions(database);
  const clock = new TestClock(new Date(now));
  const platform = await startPlatform({ database, clock, plugins: options.plugins ?? [], runJobs: false, failureThreshold: options.failureThreshold, server: options.server, auth: options.auth, extensionHost: options.extensionHost, extensionHostLimits: options.extensionHostLimits, extensionHostGroups: options.extensionHostGroups, logger: options.logger, pluginStore: options.pluginStore });
  const { server, plugins, jobs } = platform;
  const key = async (grant: CreateApiKeyInput) => (await createApiKey(database.db, grant)).key;
  const adminKey = await key({ role: 'admin', name: 'test admin' });
  const as = (token: string | null) => graphqlHttpClient(server.url, token);
  const admin = as(adminKey);
  return {
    database,
    plugins,
    jobs,
    extensionHost: platform.extensionHost,
    server,
    clock,
    gql: admin.gql,
    ok: admin.ok,
    adminKey,
    as,
    key,
    async close() {
      await platform.close();
      await database.close();
    },
  };
}

/** A valid customer input; override what a test cares about. */
export function customerInput(msisdn: string, overrides: Record<string, unknown> = {}) {
  return { msisdn, name: `客户${msisdn.slice(-4)}`, regionCode: 'JS-NJ-GL', joinedOn: '2020-03-01', plan: 'P99', paymentType: 'POSTPAID', ...overrides };
}
