/** Shortcuts for testing a warning-rule plugin, on the demo population or hand-made customers. */
import { sql, type SQL } from 'drizzle-orm';
import { pluginDir } from './plugin-dir.js';
import { createTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform.js';

/** The day warning-rule tests run on: rules run at 07:00 on 16 November 2026, judging October. */
export const RULE_RUN_AT = '2026-11-16T07:00:00+08:00';

/**
 * A platform with the warning-rule plugin of the calling test's folder (`import.meta.url`), the clock a
 * minute before the rules' 07:00 run of `RULE_RUN_AT`, the demo population of `customers` (none: only
 * hand-made customers), and the plugin's settings and enablement.
 */
export function warningRulePlatform(
  testUrl: string,
  options: { customers?: number; enable: NonNullable<TestPlatformOptions['enable']>; settings?: TestPlatformOptions['settings'] },
): Promise<TestPlatform> {
  return createTestPlatform({
    plugins: [pluginDir(testUrl)],
    ...(options.customers ? { seed: { customers: options.customers } } : {}),
    now: '2026-11-16T06:59:00+08:00',
    settings: options.settings,
    enable: options.enable,
  });
}

/** Ids of the customers with an open warning of `pluginId` in the region's subtree, ascending. */
export async function openWarningCustomers(p: TestPlatform, region: string, pluginId: string): Promise<number[]> {
  return (await p.warnings({ region, pluginId, status: 'open' })).map((w) => w.customerId).sort((a, b) => a - b);
}

/** For an oracle in `p.sql`: the customers `c` (with their region `r`) of the region's subtree. */
export function customersOf(region: string): SQL {
  return sql`customers c join regions r on r.id = c.region_id and starts_with(r.path, (select path from regions where code = ${region}))`;
}
