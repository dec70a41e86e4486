/**
 * The API process' side of a plugin's context: the real `PluginContext` the host built, reshaped into
 * plain objects of functions the RPC carries. What the plugin registers arrives as remote functions; each
 * goes through `hand` (the supervisor's tracking: timeouts, offender, PLUGIN_UNAVAILABLE) before the
 * host sees it, so the host's checks and registries work on it as on in-process code.
 */
import { tacticSampleInput, warningRuleSampleInput } from '@weixi/core';
import type { Disposable, PluginContext, PluginManifest, TacticImplementation, WarningRuleDefinition, WarningRuleInput } from '@weixi/sdk';
import { batchedResolve, RESOLVE_MANY } from './field-batch.js';
import type { RemoteContext } from './plugin-context.js';

/** How long a call into the plugin may take, by what it serves. */
export type CallKind = 'field' | 'job' | 'call';

/** Makes a value from the child callable here: its functions tracked as calls of `kind`. */
export type Hand = (value: unknown, kind: CallKind) => unknown;

type AnyFunction = (...args: any[]) => any;

const plain = (d: Disposable): Disposable => ({ dispose: () => d.dispose() });

/**
 * A build answering across the process boundary returns a promise, but the host checks a definition as it
 * is defined, synchronously, with a sample input. Builds are pure functions of their input, so the answer
 * for the sample is fetched first and given back at once for that input; every other input goes across.
 */
async function answeringSample<I, O>(build: (input: I) => Promise<O>, sample: I): Promise<(input: I) => O | Promise<O>> {
  const key = JSON.stringify(sample);
  const answer = await build(sample);
  return (input) => (JSON.stringify(input) === key ? answer : build(input));
}

/** A field's spec from the host: its resolver batched per tick through `resolveMany` (field-batch.ts). */
function fieldSpec<S extends { resolve: unknown }>(spec: S, hand: Hand): S {
  const { [RESOLVE_MANY]: many, ...rest } = spec as S & { [RESOLVE_MANY]?: unknown };
  const handed = hand(rest, 'field') as S;
  return typeof many === 'function' ? { ...handed, resolve: batchedResolve(hand(many, 'field') as never) } : handed;
}

export function remoteContext(ctx: PluginContext, manifest: PluginManifest, hand: Hand): RemoteContext {
  const registration =
    <F extends AnyFunction>(register: F, kind: CallKind) =>
    (...args: Parameters<F>) =>
      plain(register(...args.map((a) => hand(a, kind))));
  const { logger, settings, storage, channels } = ctx;
  return {
    plugin: ctx.plugin,
    logger: {
      debug: (msg, fields) => logger.debug(msg, fields),
      info: (msg, fields) => logger.info(msg, fields),
      warn: (msg, fields) => logger.warn(msg, fields),
      error: (msg, fields) => logger.error(msg, fields),
    },
    settings: { forRegion: (regionCode) => settings.forRegion(regionCode) },
    storage: {
      get: (regionCode, key) => storage.get(regionCode, key),
      set: (regionCode, key, value) => storage.set(regionCode, key, value),
      delete: (regionCode, key) => storage.delete(regionCode, key),
    },
    graphql: {
      addField: (type, name, spec) => plain(ctx.graphql.addField(type, name, fieldSpec(spec, hand))),
      addRootField: (type, name, spec) => plain(ctx.graphql.addRootField(type, name, fieldSpec(spec, hand))),
    },
    jobs: { handle: registration(ctx.jobs.handle, 'job') },
    events: { on: registration(ctx.events.on, 'call') },
    channels: { register: registration(channels.register, 'call'), report: (report) => channels.report(report), optOut: (request) => channels.optOut(request) },
    warnings: {
      defineModel: registration(ctx.warnings.defineModel, 'job'),
      defineRule: (async (ruleId: string, build: unknown) => {
        const handed = hand(build, 'job') as (input: WarningRuleInput<never>) => Promise<WarningRuleDefinition>;
        const sync = typeof handed === 'function' ? await answeringSample(handed, warningRuleSampleInput(manifest)) : handed;
        return plain(ctx.warnings.defineRule(ruleId, sync as never));
      }) as never,
    },
    tactics: {
      define: (async (tacticId: string, implementation: unknown) => {
        const handed = hand(implementation, 'job') as TacticImplementation<never> | null;
        const build = handed?.build as unknown as ((input: unknown) => Promise<never>) | undefined;
        const sync = typeof build === 'function' ? { ...handed, build: await answeringSample(build, tacticSampleInput(manifest)) } : handed;
        return plain(ctx.tactics.define(tacticId, sync as never));
      }) as never,
    },
    services: ctx.services,
  };
}
