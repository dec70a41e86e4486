// Used when the plugin is tested on its own (`pnpm test` in this folder); in the Weixi repository the root config runs it.
import { weixiVitestConfig } from '@weixi/testing/vitest';

export default weixiVitestConfig();
