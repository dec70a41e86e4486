/**
 * @weixi/testing: test a Weixi plugin the way it runs. `createTestPlatform` boots the real platform on a
 * fresh database with your plugins, data and a fake clock; see README.md for the guide.
 */
export {
  createTestPlatform,
  DEFAULT_TEST_NOW,
  type LogEntry,
  type TestCustomer,
  type TestJobRun,
  type TestPlatform,
  type TestPlatformOptions,
  type TestUsage,
} from './platform.js';
export { graphqlHttpClient, type GraphQLHttpClient, type GraphQLResponse } from './http-client.js';
export type { CreateApiKeyInput } from '@weixi/core/access';
export { FakeClock, MINUTE, HOUR, DAY } from './clock.js';
export { DEFAULT_TEST_REGIONS, type TestRegion } from './regions.js';
export { globalId, localId } from './ids.js';
export { pluginDir } from './plugin-dir.js';
export { customersOf, openWarningCustomers, RULE_RUN_AT, warningRulePlatform } from './warning-rules.js';
export { tacticTestbed, useTacticTestbed, type TacticTestbed, type TacticTestbedOptions } from './tactics.js';
export { HARNESS_PLUGIN_ID, type CapturedChannel } from './harness-plugin.js';
export type { CapturedContact, CapturedTask, CapturedWarning, ContactsFilter, TasksFilter, WarningsFilter } from './records.js';
export type { InstalledPlugin } from '@weixi/core';
export type { Database } from '@weixi/db';
