import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, insertRegions, type TestDatabase } from '@weixi/db/testing';
import { LiveBus, LiveOverflowError } from './bus.js';
import { listenLive, type LiveListener } from './listen.js';
import { parseLiveNotice } from './notices.js';

describe('live notices', () => {
  let database: TestDatabase;
  let live: LiveListener;
  beforeAll(async () => {
    database = await createTestDatabase();
    live = await listenLive(database);
  });
  afterAll(async () => {
    await live?.stop();
    await database?.close();
  });

  it('parses ids and ignores kinds it does not know', () => {
    expect(parseLiveNotice('task:3,17')).toEqual({ kind: 'task', ids: [3, 17] });
    expect(parseLiveNotice('segment:3')).toBeUndefined();
    expect(parseLiveNotice('task:')).toBeUndefined();
  });

  it('announces every job run a statement writes, in notices of at most 500 ids', async () => {
    const region = (await insertRegions(database.db, [['LV', 'province', null]])).get('LV')!;
    const ids: number[] = [];
    const stream = live.bus.stream('job_run');
    const received = (async () => {
      for await (const id of stream) {
        ids.push(id);
        if (ids.length === 1200) break;
      }
    })();
    await database.db.execute(`insert into job_runs (plugin_id, job_id, region_id, trigger, scheduled_for, run_after)
      select 'p', 'j' || g, ${region.id}, 'manual', now(), now() from generate_series(1, 1200) g`);
    await received;
    expect(new Set(ids).size).toBe(1200);
    expect(live.bus.subscribers('job_run')).toBe(0);
  });

  it('ends a subscriber that falls too far behind', async () => {
    const bus = new LiveBus();
    const stream = bus.stream('task', { maxQueued: 3 });
    bus.publish({ kind: 'task', ids: [1, 2, 3, 4, 5] });
    await expect(stream.next()).rejects.toBeInstanceOf(LiveOverflowError);
    expect(bus.subscribers('task')).toBe(0);
  });

  it('ends a stream when its signal aborts', async () => {
    const bus = new LiveBus();
    const abort = new AbortController();
    const stream = bus.stream('warning', { signal: abort.signal });
    const next = stream.next();
    abort.abort();
    await expect(next).resolves.toEqual({ value: undefined, done: true });
    expect(bus.subscribers('warning')).toBe(0);
  });
});
