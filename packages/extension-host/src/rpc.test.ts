import { describe, expect, it } from 'vitest';
import { pair } from './port-pair.test-support.js';
import { Endpoint, RpcClosedError } from './rpc.js';

const connect = (root: object) => {
  const [a, b] = pair();
  const server = new Endpoint(a, { root });
  const client = new Endpoint(b);
  return { server, client };
};

describe('rpc', () => {
  it('passes functions both ways: a callback the server calls back across', async () => {
    const { client } = connect({ twice: async (f: (n: number) => Promise<number>, n: number) => 2 * (await f(n)) });
    const root = await client.root<{ twice(f: (n: number) => number, n: number): Promise<number> }>();
    expect(await root.twice((n) => n + 1, 4)).toBe(10);
  });

  it('keeps Dates, Maps and BigInts, and returns objects with methods as proxies', async () => {
    const { client } = connect({ make: () => ({ at: new Date('2026-01-02T00:00:00Z'), ids: new Map([['a', 1n]]), add: (x: number, y: number) => x + y }) });
    const root = await client.root<{ make(): Promise<{ at: Date; ids: Map<string, bigint>; add(x: number, y: number): Promise<number> }> }>();
    const made = await root.make();
    expect(made.at.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(made.ids.get('a')).toBe(1n);
    expect(await made.add(2, 3)).toBe(5);
  });

  it('rejects with the thrower name, message, code and issues, sync or async', async () => {
    class CodedError extends Error {
      readonly code = 'BAD_USER_INPUT';
      readonly issues = [{ path: 'days', message: 'too many' }];
      override name = 'PluginInputError';
    }
    const { client } = connect({ sync: () => { throw new CodedError('days: too many'); }, later: async () => { throw new TypeError('nope'); }, text: () => Promise.reject('plain') });
    const root = await client.root<Record<'sync' | 'later' | 'text', () => Promise<never>>>();
    const sync = await root.sync().catch((e: unknown) => e as CodedError);
    expect(sync).toBeInstanceOf(Error);
    expect({ name: sync.name, message: sync.message, code: sync.code, issues: sync.issues }).toEqual({ name: 'PluginInputError', message: 'days: too many', code: 'BAD_USER_INPUT', issues: [{ path: 'days', message: 'too many' }] });
    await expect(root.later()).rejects.toMatchObject({ name: 'TypeError', message: 'nope' });
    await expect(root.text()).rejects.toMatchObject({ message: 'plain' });
  });

  it('gives an error back as the original object when it returns across (a refusal the callee let through)', async () => {
    class Refusal extends Error {
      readonly code = 'FORBIDDEN';
    }
    const refusal = new Refusal('not enabled in JS-SZ');
    const { client } = connect({ relay: (ask: () => Promise<never>) => ask() });
    const root = await client.root<{ relay(ask: () => never): Promise<never> }>();
    const thrown = await root.relay(() => { throw refusal; }).catch((e: unknown) => e);
    expect(thrown).toBe(refusal);
    expect(thrown).toBeInstanceOf(Refusal);
  });

  it('aborts a signal on the far side when the original aborts', async () => {
    let seen: AbortSignal | undefined;
    const { client } = connect({ watch: (signal: AbortSignal) => void (seen = signal) });
    const root = await client.root<{ watch(signal: AbortSignal): Promise<void> }>();
    const controller = new AbortController();
    await root.watch(controller.signal);
    expect(seen!.aborted).toBe(false);
    controller.abort(new Error('lease lost'));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen!.aborted).toBe(true);
    expect((seen!.reason as Error).message).toBe('lease lost');
  });

  it('forgets a function once the receiver releases every reference it got', async () => {
    const kept: Array<() => Promise<number>> = [];
    const { client } = connect({ keep: (f: () => Promise<number>) => void kept.push(f), callKept: () => kept[0]!() });
    const root = await client.root<{ keep(f: () => number): Promise<void>; callKept(): Promise<number> }>();
    const f = () => 7;
    await root.keep(f);
    await root.keep(f);
    expect(kept[0]).toBe(kept[1]); // one proxy per function, however often it crossed
    const before = client.exportedCount;
    expect(await root.callKept()).toBe(7);
    Endpoint.release(kept[0]!);
    await new Promise((r) => setTimeout(r, 20));
    expect(client.exportedCount).toBe(before - 1);
    kept.length = 0;
  });

  it('sends every call queued in one tick as one message, and the answers as one', async () => {
    const { server, client } = connect({ double: (n: number) => n * 2 });
    const root = await client.root<{ double(n: number): Promise<number> }>();
    const sent = client.stats.sent;
    const answered = server.stats.sent;
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => Promise.resolve().then(() => root.double(i))));
    expect(results[99]).toBe(198);
    expect(client.stats.sent - sent).toBe(1);
    expect(server.stats.sent - answered).toBe(1);
  });

  it('sends an object of functions shared by a tick\'s calls once, counted once, so one release frees it', async () => {
    const received: Array<{ read(): Promise<number> }> = [];
    const { client } = connect({ take: (services: { read(): Promise<number> }) => void received.push(services) });
    const root = await client.root<{ take(services: { read(): number }): Promise<void> }>();
    const services = { read: () => 42 };
    const before = client.exportedCount;
    await Promise.all(Array.from({ length: 100 }, () => root.take(services)));
    expect(client.exportedCount).toBe(before + 1);
    expect(new Set(received).size).toBe(1); // one decoded object for the whole batch
    expect(await received[0]!.read()).toBe(42);
    Endpoint.release(received[0]!.read);
    await new Promise((r) => setTimeout(r, 20));
    expect(client.exportedCount).toBe(before);
  });

  it('sends each holder of a shared object of functions once too (a page\'s requests, a few regions, the same services)', async () => {
    type Request = { regionCode: string; services: { read(): Promise<number> } };
    const received: Request[] = [];
    const { client } = connect({ take: (request: Request) => void received.push(request) });
    const root = await client.root<{ take(request: { regionCode: string; services: { read(): number } }): Promise<void> }>();
    const services = { read: () => 42 };
    const requests = ['JS-NJ', 'ZJ-HZ'].map((regionCode) => ({ regionCode, services }));
    await Promise.all(Array.from({ length: 100 }, (_, i) => root.take(requests[i % 2]!)));
    expect(new Set(received).size).toBe(2);
    expect(received[0]!.services).toBe(received[1]!.services);
    expect(received.map((r) => r.regionCode).slice(0, 3)).toEqual(['JS-NJ', 'ZJ-HZ', 'JS-NJ']);
  });

  it('fails pending and later calls once closed', async () => {
    const { client } = connect({ never: () => new Promise(() => undefined) });
    const root = await client.root<{ never(): Promise<void> }>();
    const pending = root.never();
    client.close(new RpcClosedError('the extension host exited'));
    await expect(pending).rejects.toThrow('the extension host exited');
    await expect(root.never()).rejects.toBeInstanceOf(RpcClosedError);
  });

  it('fails only the call whose arguments do not clone', async () => {
    class Opaque {
      method() {}
      fn = () => 1;
    }
    const { client } = connect({ echo: (v: unknown) => v });
    const root = await client.root<{ echo(v: unknown): Promise<unknown> }>();
    const [bad, good] = await Promise.allSettled([root.echo(new Opaque()), root.echo(3)]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: 3 });
  });

  it('carries an own "__proto__" key as data, beside functions, without touching any prototype', async () => {
    const { client } = connect({ echo: async (value: Record<string, unknown>) => ({ value, keys: Object.keys(value), call: await (value.twice as (n: number) => Promise<number>)(4) }) });
    const root = await client.root<{ echo(value: unknown): Promise<{ value: Record<string, unknown>; keys: string[]; call: number }> }>();
    const value = JSON.parse('{"__proto__": {"polluted": true}, "nested": {"__proto__": {"deep": 1}}}') as Record<string, unknown>;
    value.twice = (n: number) => 2 * n;
    const answer = await root.echo(value);
    expect(answer.keys).toEqual(['__proto__', 'nested', 'twice']);
    expect(Object.getOwnPropertyDescriptor(answer.value, '__proto__')?.value).toEqual({ polluted: true });
    expect(Object.getPrototypeOf(answer.value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(answer.value.nested, '__proto__')?.value).toEqual({ deep: 1 });
    expect(answer.call).toBe(8);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
