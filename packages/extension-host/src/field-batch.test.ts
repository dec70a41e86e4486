import { describe, expect, it } from 'vitest';
import type { Columns } from './columns.js';
import { batchedResolve, resolveManyOf, type Answers } from './field-batch.js';
import { Meter } from './meter.js';
import { pair } from './port-pair.test-support.js';
import { Endpoint } from './rpc.js';

type ResolveMany = (columns: Columns, count: number) => Promise<Answers>;

/** A resolver in a "child" endpoint, batched in a "parent" one, as the extension host joins them. */
async function across(resolve: (...args: any[]) => unknown, meter?: Meter) {
  const [a, b] = pair();
  const child = new Endpoint(a, { root: { resolveMany: resolveManyOf(resolve) }, around: meter && ((handle) => meter.batch(handle)) });
  const parent = new Endpoint(b);
  const { resolveMany } = await parent.root<{ resolveMany: ResolveMany }>();
  let batches = 0;
  const counted: ResolveMany = (columns, count) => {
    batches++;
    return resolveMany(columns, count);
  };
  return { child, parent, resolve: batchedResolve(counted), batches: () => batches };
}

describe('field calls cross in batches', () => {
  it('sends the calls of one tick as one call and one message, each answered on its own', async () => {
    const { parent, resolve, batches } = await across((customer: { id: number }, args: { suffix: string }) => `${customer.id}${args.suffix}`);
    const sentBefore = parent.stats.sent;
    const answers = await Promise.all(Array.from({ length: 100 }, (_, id) => resolve({ id }, { suffix: '!' }, null)));
    expect(answers).toEqual(Array.from({ length: 100 }, (_, id) => `${id}!`));
    expect(batches()).toBe(1);
    expect(parent.stats.sent - sentBefore).toBe(1);
    // Calls made in a later tick go in a batch of their own.
    expect(await resolve({ id: 7 }, { suffix: '?' }, null)).toBe('7?');
    expect(batches()).toBe(2);
  });

  it('keeps each call its own error, code and issues included, sync or async', async () => {
    const { resolve } = await across(async (customer: { id: number }) => {
      if (customer.id === 1) throw Object.assign(new Error('bad input for 1'), { code: 'BAD_USER_INPUT', issues: [{ path: ['id'], message: 'odd' }] });
      if (customer.id === 2) return Promise.reject(new TypeError('async failure'));
      return customer.id * 10;
    });
    const settled = await Promise.allSettled([0, 1, 2, 3].map((id) => resolve({ id }, {}, null)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseFulfilledResult<number>).value).toBe(0);
    expect((settled[3] as PromiseFulfilledResult<number>).value).toBe(30);
    const bad = (settled[1] as PromiseRejectedResult).reason as Error & { code: string; issues: unknown[] };
    expect([bad.message, bad.code, bad.issues]).toEqual(['bad input for 1', 'BAD_USER_INPUT', [{ path: ['id'], message: 'odd' }]]);
    expect(((settled[2] as PromiseRejectedResult).reason as Error).name).toBe('TypeError');
  });

  it('fails every call of a batch whose crossing failed', async () => {
    const { parent, resolve } = await across(() => 'never');
    parent.close(new Error('the extension host exited'));
    const settled = await Promise.allSettled([resolve({ id: 1 }, {}, null), resolve({ id: 2 }, {}, null)]);
    expect(settled.map((s) => (s as PromiseRejectedResult).reason?.message)).toEqual(['the extension host exited', 'the extension host exited']);
  });

  it('meters a batch of one plugin in one stretch, counting every call', async () => {
    const meter = new Meter();
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const { resolve } = await across((customer: { id: number }) => meter.run('busy', () => (spin(1), customer.id)), meter);
    await Promise.all(Array.from({ length: 20 }, (_, id) => resolve({ id }, {}, null)));
    const figures = meter.usage().plugins.busy!;
    expect(figures.calls).toBe(20);
    // 20 calls spinning 1 ms each: the stretch holds their CPU time.
    expect(figures.cpuMicros).toBeGreaterThanOrEqual(15_000);
    expect(meter.running).toEqual([]);
  });
});
