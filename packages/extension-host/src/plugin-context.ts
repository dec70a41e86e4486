/**
 * The context a plugin gets in the extension host: the same `PluginContext` as in process, built over the
 * API process' remote one. Registrations answer with a Disposable at once, as in process; the host's
 * verdict on them arrives later and fails the activation when it refused one. Everything the plugin hands
 * over is metered as its code.
 */
import type { Disposable, PluginContext } from '@weixi/sdk';
import type { Meter } from './meter.js';
import { RESOLVE_MANY, resolveManyOf } from './field-batch.js';
import { wrapFunctions } from './marshal.js';

/** The context as it crosses from the API process: every member async (a remote call). */
export type RemoteContext = Omit<PluginContext, 'subscriptions'>;

type AnyFunction = (...args: any[]) => any;

export interface ChildContext {
  ctx: PluginContext;
  /** Resolves once the host answered every registration made so far; rejects with the first refusal. */
  settled(): Promise<void>;
  /** Disposes what the plugin pushed to `ctx.subscriptions` itself (the API process undoes its registrations). */
  disposeOwn(): Promise<void>;
}

export function childContext(remote: RemoteContext, meter: Meter): ChildContext {
  const id = remote.plugin.id;
  const pending: Array<Promise<unknown>> = [];
  let refused: unknown;
  const registrations = new WeakSet<Disposable>();
  const metered = (fn: AnyFunction) => (...args: unknown[]) => meter.run(id, () => fn(...args));
  const register =
    <F extends AnyFunction>(remoteRegister: F, shape: (args: unknown[]) => unknown[] = (args) => args) =>
    (...args: Parameters<F>): Disposable => {
      const result = Promise.resolve(remoteRegister(...shape(args.map((a) => wrapFunctions(a, metered))))) as Promise<Disposable>;
      pending.push(result.catch((error: unknown) => void (refused ??= error)));
      const disposable = { dispose: async () => (await result.catch(() => null))?.dispose() };
      registrations.add(disposable);
      return disposable;
    };
  // A field's spec (the last argument) also carries the batched form of its resolver (field-batch.ts).
  const field = (args: unknown[]) => {
    const spec = args.at(-1) as { resolve?: unknown } | null;
    if (typeof spec?.resolve !== 'function') return args;
    return [...args.slice(0, -1), { ...spec, [RESOLVE_MANY]: resolveManyOf(spec.resolve as AnyFunction) }];
  };
  const quiet = (p: unknown) => void Promise.resolve(p).catch(() => undefined);
  const log = remote.logger;
  const subscriptions: Disposable[] = [];
  const ctx: PluginContext = {
    plugin: remote.plugin,
    subscriptions,
    logger: {
      debug: (msg, fields) => quiet(log.debug(msg, fields)),
      info: (msg, fields) => quiet(log.info(msg, fields)),
      warn: (msg, fields) => quiet(log.warn(msg, fields)),
      error: (msg, fields) => quiet(log.error(msg, fields)),
    },
    settings: remote.settings,
    storage: remote.storage,
    graphql: { addField: register(remote.graphql.addField, field), addRootField: register(remote.graphql.addRootField, field) },
    jobs: { handle: register(remote.jobs.handle) },
    warnings: { defineRule: register(remote.warnings.defineRule), defineModel: register(remote.warnings.defineModel) },
    tactics: { define: register(remote.tactics.define) },
    events: { on: register(remote.events.on) },
    channels: { register: register(remote.channels.register), report: remote.channels.report, optOut: remote.channels.optOut },
    services: remote.services,
  };
  return {
    ctx,
    async settled() {
      const waiting = pending.splice(0);
      await Promise.all(waiting);
      if (refused !== undefined) throw refused;
    },
    async disposeOwn() {
      for (const s of subscriptions.splice(0).reverse()) {
        if (registrations.has(s)) continue;
        try {
          await s.dispose();
        } catch {
          // one failing dispose must not keep the others
        }
      }
    },
  };
}
