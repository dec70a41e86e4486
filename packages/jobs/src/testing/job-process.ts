/**
 * A job runner in its own process, for the multi-process tests (PostgreSQL only). Configured by environment:
 *   WEIXI_JOBS_URL      PostgreSQL URL (required)
 *   WEIXI_JOBS_MODE     `tick`: tick the hourly race job at WEIXI_JOBS_SLOTS consecutive hours from WEIXI_JOBS_NOW,
 *                       starting at wall time WEIXI_JOBS_START_AT (ms), then exit;
 *                       `work`: run the effect job with the loop (start()) until killed
 *   WEIXI_JOBS_REGION   region id; WEIXI_JOBS_ZONE its time zone; WEIXI_JOBS_LEASE_MS; WEIXI_JOBS_STEP_MS
 * Run as `node --import tsx packages/jobs/src/testing/job-process.ts`.
 */
import { openDatabase } from '@weixi/db';
import { createJobRunner } from '../runner.js';
import { EFFECT_JOB, EFFECT_PLUGIN, effectHandler, RACE_JOB, RACE_PLUGIN } from './fixtures.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const database = await openDatabase({ url: env('WEIXI_JOBS_URL'), maxConnections: 2 });
  const region = { regionId: Number(env('WEIXI_JOBS_REGION')), code: 'JS', timeZone: env('WEIXI_JOBS_ZONE', 'Asia/Shanghai') };
  const mode = env('WEIXI_JOBS_MODE');
  if (mode === 'tick') {
    let now = new Date(env('WEIXI_JOBS_NOW'));
    // Prints one `enqueued <slot>` line per slot this process enqueued, so the test can add them up.
    const logger = {
      debug: (msg: string) => void (/ enqueued$/.test(msg) && process.stdout.write(`enqueued ${msg.split(' ')[3]}\n`)),
      info: () => {},
      warn: (msg: string) => console.warn(msg),
      error: (msg: string) => console.error(msg),
    };
    const runner = createJobRunner({ database, clock: { now: () => now }, workerId: `tick-${process.pid}`, logger, regionsFor: async () => [region] });
    runner.register(RACE_PLUGIN, { id: RACE_JOB, cron: '0 * * * *' }, async () => {});
    const startAt = Number(env('WEIXI_JOBS_START_AT'));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
    const slots = Number(env('WEIXI_JOBS_SLOTS', '1'));
    const base = now.getTime();
    for (let i = 0; i < slots; i++) {
      now = new Date(base + i * 3_600_000);
      await runner.tick();
    }
    await database.close();
    return;
  }
  if (mode === 'work') {
    const worker = `child-${process.pid}`;
    const runner = createJobRunner({
      database,
      clock: { now: () => new Date() },
      workerId: worker,
      leaseMs: Number(env('WEIXI_JOBS_LEASE_MS', '1500')),
      pollMs: 50,
      regionsFor: async () => [region],
    });
    runner.register(EFFECT_PLUGIN, { id: EFFECT_JOB }, effectHandler(database.db, { worker, stepMs: Number(env('WEIXI_JOBS_STEP_MS', '400')) }));
    runner.start();
    process.stdout.write('started\n');
    return;
  }
  throw new Error(`unknown WEIXI_JOBS_MODE ${mode}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
