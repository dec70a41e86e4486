import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The plugin folder a test file belongs to: the nearest folder upwards with a package.json.
 * `createTestPlatform({ plugins: [pluginDir(import.meta.url)] })` tests the plugin the test sits in.
 */
export function pluginDir(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`pluginDir: no package.json in ${start} or any folder above it`);
  }
}
