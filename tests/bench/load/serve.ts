/**
 * A server of the load bench in its own process, so its CPU and memory are its own: `weixi` (the platform
 * as `pnpm start` runs it: workspace plugins, job runner, limits, row security; no rate limit) or
 * `baseline` (the bare server of baseline.ts). Told what to serve by environment variables; sends its URL
 * over IPC, its memory when asked (`memory`; collected first under `--expose-gc`) and its peak RSS when
 * told to stop.
 */
// First: graphql-js reads NODE_ENV as it loads.
import '@weixi/platform/production';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@weixi/db';
import { createLogger, loadPlugins, startPlatform } from '@weixi/platform';
import { BENCH_NOW } from '../setup.js';
import { startBareBaseline } from './baseline.js';

const side = process.env.WEIXI_LOAD_SIDE;
const url = process.env.WEIXI_LOAD_DATABASE_URL!;
const pool = Number(process.env.WEIXI_LOAD_POOL ?? 10);
const clock = { now: () => new Date(BENCH_NOW) };

async function start(): Promise<{ url: string; close(): Promise<void> }> {
  if (side === 'baseline') return startBareBaseline(url, JSON.parse(process.env.WEIXI_LOAD_SCOPES ?? '{}'), BENCH_NOW, pool);
  const database = await openDatabase({ url, maxConnections: pool });
  const logger = createLogger('warn');
  const { plugins, refused } = await loadPlugins({ workspaceDir: fileURLToPath(new URL('../../..', import.meta.url)), baseDir: process.cwd(), logger });
  const platform = await startPlatform({ database, clock, plugins, refused, logger });
  return {
    url: platform.server.url,
    close: async () => {
      await platform.close();
      await database.close();
    },
  };
}

const server = await start();
process.send!({ url: server.url });
process.on('message', (message) => {
  if (message === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send!({ heapUsedMb: Math.round(heapUsed / 1048576), rssMb: Math.round(rss / 1048576) });
    return;
  }
  if (message !== 'stop') return;
  void server.close().finally(() => {
    process.send!({ maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }, undefined, undefined, () => process.exit(0));
  });
});
