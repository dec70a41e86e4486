/**
 * Where plugin code runs: in the extension host process unless WEIXI_EXTENSION_HOST or the platform's own
 * option says `in-process`; the option wins over the variable.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadPlugins, type PlatformOptions } from '@weixi/platform';
import { startTestApi } from './harness.js';

afterEach(() => vi.unstubAllEnvs());

/** Where the catalog says the `steady` fixture's code runs. */
async function whereSteadyRuns(extensionHost?: PlatformOptions['extensionHost']): Promise<string> {
  const { plugins } = await loadPlugins({ packages: [fileURLToPath(new URL('../plugins/fixtures/steady', import.meta.url))], baseDir: process.cwd() });
  const api = await startTestApi(undefined, { plugins, extensionHost });
  try {
    return (await api.ok(`query { plugin(id: "steady") { runtime { where } } }`)).plugin.runtime.where;
  } finally {
    await api.close();
  }
}

describe('where plugin code runs', () => {
  it('in the extension host by default', async () => {
    vi.stubEnv('WEIXI_EXTENSION_HOST', undefined);
    expect(await whereSteadyRuns()).toBe('EXTENSION_HOST');
  });

  it('in process with WEIXI_EXTENSION_HOST=in-process, unless the platform is told otherwise', async () => {
    vi.stubEnv('WEIXI_EXTENSION_HOST', 'in-process');
    expect(await whereSteadyRuns()).toBe('IN_PROCESS');
    expect(await whereSteadyRuns('process')).toBe('EXTENSION_HOST');
  });
});
