/**
 * Runs plugins in one extension host process per server: starts it under Node's permission model, hands
 * the plugin host proxy modules whose code runs there, times every call into it, and watches it with a
 * heartbeat. A call over its limit or a silent host is killed (SIGKILL); an exit, an uncaught error or
 * running out of memory ends it too. Then the plugin whose code was running is named and charged with
 * the crash through the host's circuit breaker, calls into the host's plugins fail with
 * PLUGIN_UNAVAILABLE, and after a backoff a new host starts and the plugins still enabled are activated again.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PluginUnavailableError, type InstalledPlugin, type PluginHost } from '@weixi/core';
import type { PluginLogger, WeixiPlugin } from '@weixi/sdk';
import { Bundler, sharedBundler } from './bundle.js';
import type { Fatal, HostRoot } from './child.js';
import { wrapFunctions } from './marshal.js';
import type { Batch, HostUsage, PluginUsage } from './protocol.js';
import { remoteContext, type CallKind, type Hand } from './remote-context.js';
import { Endpoint, RpcClosedError } from './rpc.js';

export interface ExtensionHostLimits {
  /** Wall-clock limit of one call into a plugin, by kind: a field resolver, a job run (also rule and model runs), anything else. */
  fieldMs: number;
  jobMs: number;
  callMs: number;
  /**
   * CPU time one job run may use: the host's CPU while the run is in flight, as the host reports it with
   * every message (its awaited continuations included, which a per-call meter cannot see; work of other
   * plugins at the same time counts too, so the limit is a ceiling, not a budget).
   */
  jobCpuMs: number;
  /** Importing and activating one plugin. */
  activateMs: number;
  /** The host is pinged this often and killed when a ping goes unanswered this long (its event loop is stuck). */
  heartbeatMs: number;
  deadMs: number;
  /** The V8 heap limit of the host, in MB: a plugin allocating past it ends the host, not the API. */
  heapMb: number;
  /** Restart delays: doubling from the first for each crash within a minute, up to the last. */
  backoffMs: readonly [first: number, max: number];
}

export const DEFAULT_LIMITS: ExtensionHostLimits = {
  fieldMs: 5_000,
  jobMs: 15 * 60_000,
  callMs: 60_000,
  jobCpuMs: 5 * 60_000,
  activateMs: 20_000,
  heartbeatMs: 1_000,
  deadMs: 5_000,
  heapMb: 384,
  backoffMs: [200, 30_000],
};

/** Environment variables the host may see; nothing else (no DATABASE_URL, PG*, secrets) reaches plugin code. */
export const HOST_ENV = ['NODE_ENV', 'TZ', 'LANG', 'LC_ALL', 'WEIXI_LOG_LEVEL'] as const;

export interface ExtensionHostOptions {
  /** The plugins it may run: their folders are what the host may read, besides its bundles. */
  plugins: readonly InstalledPlugin[];
  logger?: PluginLogger;
  limits?: Partial<ExtensionHostLimits>;
  /** Where bundles are written (a fresh temporary folder by default). */
  cacheDir?: string;
}

/** A plugin's figures in the extension host, for admins and logs. */
export interface PluginFigures extends PluginUsage {
  pluginId: string;
  /** Host crashes it was named as the cause of. */
  crashes: number;
  lastCrash: string | null;
}

interface Call {
  pluginId: string;
  kind: CallKind;
  /** The host's CPU time when the call started, for a job run's CPU limit (null: at the host's next report). */
  cpuAtStart?: number | null;
}

interface Running {
  child: ChildProcess;
  endpoint: Endpoint;
  root: Promise<HostRoot>;
  /** Set when this side decided to end it, or the host said why it is dying. */
  cause?: { reason: string; offenders: string[] };
  heartbeat: NodeJS.Timeout;
}

const silent: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export class ExtensionHost {
  private readonly limits: ExtensionHostLimits;
  private readonly logger: PluginLogger;
  private bundler: Bundler | undefined;
  private running: Running | undefined;
  private starting: Promise<Running> | undefined;
  private host: PluginHost | undefined;
  /** Plugins activated in the running host, to activate again in the next one. */
  private readonly activated = new Map<string, InstalledPlugin>();
  private readonly calls = new Set<Call>();
  private readonly crashes = new Map<string, { count: number; last: string }>();
  private readonly recentCrashes: number[] = [];
  private usage: HostUsage | undefined;
  /** What hosts that ended had measured, so a plugin's figures add up across restarts. */
  private readonly past = new Map<string, PluginUsage>();
  private down: string | null = null;
  private stopped = false;
  /** Resolves once the host recovered from its last crash (tests and `stop` wait for it). */
  recovered: Promise<void> = Promise.resolve();

  constructor(private readonly options: ExtensionHostOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.logger = options.logger ?? silent;
  }

  /** The plugin host whose plugins run here: crashes are counted through it and plugins activated again. */
  attach(host: PluginHost): void {
    this.host = host;
  }

  /** `PluginHostOptions.loadModule`: a module whose activation runs the plugin in the extension host. */
  readonly loadModule = async (plugin: InstalledPlugin): Promise<WeixiPlugin<never>> => {
    const id = plugin.manifest.id;
    return {
      activate: async (ctx) => {
        const running = await this.start();
        const url = await this.bundler!.plugin(id, plugin.entry);
        const root = await running.root;
        const remote = remoteContext(ctx as never, plugin.manifest, this.hand(id));
        await this.track({ pluginId: id, kind: 'call' }, this.limits.activateMs, () => root.activate(id, url, plugin.entry, remote));
        this.activated.set(id, plugin);
      },
      deactivate: async () => {
        const running = this.running;
        if (!this.activated.delete(id) || !running || running.endpoint.closed) return;
        await this.track({ pluginId: id, kind: 'call' }, this.limits.callMs, async () => (await running.root).deactivate(id));
      },
      // An upgrade's settings migration runs here too, never in the API process. The host awaits it.
      migrateSettings: ((fromVersion: string, settings: Record<string, unknown>) =>
        this.track({ pluginId: id, kind: 'call' }, this.limits.callMs, async () => {
          const root = await (await this.start()).root;
          return root.migrateSettings(id, await this.bundler!.plugin(id, plugin.entry), fromVersion, settings);
        })) as never,
    };
  };

  /** Per-plugin CPU time, heap growth, calls and crashes, as the host last reported them. */
  figures(): PluginFigures[] {
    const ids = new Set([...Object.keys(this.usage?.plugins ?? {}), ...this.past.keys(), ...this.crashes.keys()]);
    return [...ids].sort().map((pluginId) => {
      const usage = addUsage(this.past.get(pluginId), this.usage?.plugins[pluginId]);
      const crash = this.crashes.get(pluginId);
      return { pluginId, ...usage, crashes: crash?.count ?? 0, lastCrash: crash?.last ?? null };
    });
  }

  /** The host process' heap and resident memory, as it last reported them. */
  get memory(): { heapUsed: number; rss: number } | undefined {
    return this.usage && { heapUsed: this.usage.heapUsed, rss: this.usage.rss };
  }

  /** Messages sent to and received from the running host (a batch each way per tick), and those carrying calls. */
  get messages(): Endpoint['stats'] {
    return { ...(this.running?.endpoint.stats ?? { sent: 0, received: 0, sentWithCalls: 0, receivedWithCalls: 0 }) };
  }

  /** The running host's process id (none while it is down). */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.recovered.catch(() => undefined);
    const running = this.running;
    if (running) this.end(running, { reason: 'was stopped', offenders: [] });
  }

  private start(): Promise<Running> {
    if (this.running && !this.running.endpoint.closed) return Promise.resolve(this.running);
    if (this.stopped) return Promise.reject(new RpcClosedError('the extension host was stopped'));
    this.starting ??= this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawn(): Promise<Running> {
    this.bundler ??= this.options.cacheDir ? new Bundler(this.options.cacheDir) : await sharedBundler();
    const entry = await this.bundler.childEntry();
    const readable = [this.bundler.dir, ...new Set(this.options.plugins.map((p) => packageFolder(p.entry)))];
    const env = Object.fromEntries(HOST_ENV.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]!]));
    const child = fork(entry, [], {
      execPath: process.execPath,
      // No --allow-child-process and no --allow-worker: both are refused to plugin code.
      execArgv: ['--experimental-permission', ...readable.map((path) => `--allow-fs-read=${path}`), `--max-old-space-size=${this.limits.heapMb}`, '--no-warnings'],
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // The handlers below need the record they belong to; it is complete before any of them can run.
    const running = { child } as Running;
    running.endpoint = new Endpoint(
      {
        send: (batch) => void (child.connected && child.send(batch, () => undefined)),
        onMessage: (handler) =>
          void child.on('message', (message: Batch | Fatal) => {
            if ('fatal' in message) running.cause ??= { reason: `threw ${message.fatal.message}`, offenders: message.fatal.plugin ? [message.fatal.plugin] : [] };
            else handler(message);
          }),
      },
      { onUsage: (usage) => this.measured(running, usage) },
    );
    running.heartbeat = setInterval(() => this.beat(running), this.limits.heartbeatMs).unref();
    running.root = running.endpoint.root<HostRoot>();
    running.root.catch(() => undefined);
    child.on('exit', (code, signal) => this.exited(running, code, signal));
    this.running = running;
    this.down = null;
    this.logger.info('extension host started', { pid: child.pid, heapMb: this.limits.heapMb });
    return running;
  }

  /** Functions the plugin handed over, as functions here: each call timed, charged to the plugin and failing typed when the host is down. */
  private hand(pluginId: string): Hand {
    return (value, kind) =>
      wrapFunctions(value, (fn) => (...args: unknown[]) => this.track({ pluginId, kind }, this.limitOf(kind), () => fn(...args)));
  }

  private limitOf(kind: CallKind): number {
    return kind === 'field' ? this.limits.fieldMs : kind === 'job' ? this.limits.jobMs : this.limits.callMs;
  }

  private async track<T>(call: Call, limitMs: number, run: () => Promise<T> | T): Promise<T> {
    const running = this.running;
    if (!running || running.endpoint.closed) throw new PluginUnavailableError(call.pluginId, this.down ?? 'its extension host is not running');
    if (call.kind === 'job') call.cpuAtStart = this.usage?.cpuMicros ?? null;
    this.calls.add(call);
    const timer = setTimeout(() => this.end(running, { reason: `was killed: a ${call.kind} call of plugin '${call.pluginId}' ran over ${limitMs} ms`, offenders: [call.pluginId] }), limitMs).unref();
    try {
      return await run();
    } catch (error) {
      if (error instanceof RpcClosedError) throw new PluginUnavailableError(call.pluginId, `its extension host ${running.cause?.reason ?? 'exited'}`);
      throw error;
    } finally {
      clearTimeout(timer);
      this.calls.delete(call);
    }
  }

  /** The host's figures arrived (with every message it sends): a job run over its CPU limit ends the host. */
  private measured(running: Running, usage: HostUsage): void {
    this.usage = usage;
    for (const call of this.calls) {
      if (call.cpuAtStart === undefined) continue;
      call.cpuAtStart ??= usage.cpuMicros;
      const usedMs = (usage.cpuMicros - call.cpuAtStart) / 1000;
      if (usedMs > this.limits.jobCpuMs) this.end(running, { reason: `was killed: a job run of plugin '${call.pluginId}' used ${Math.round(usedMs)} ms of CPU, over its ${this.limits.jobCpuMs} ms`, offenders: [call.pluginId] });
    }
  }

  private beat(running: Running): void {
    if (running.endpoint.closed) return;
    const timer = setTimeout(() => {
      const offenders = [...new Set([...this.calls].map((c) => c.pluginId))];
      this.end(running, { reason: `was killed: it answered no heartbeat for ${this.limits.deadMs} ms`, offenders });
    }, this.limits.deadMs).unref();
    void running.root.then((root) => root.ping()).then(() => clearTimeout(timer), () => clearTimeout(timer));
  }

  /** Kills the host now: its pending calls fail at once, the exit handler does the rest. */
  private end(running: Running, cause: { reason: string; offenders: string[] }): void {
    running.cause ??= cause;
    running.endpoint.close(new RpcClosedError(`the extension host ${running.cause.reason}`));
    running.child.kill('SIGKILL');
  }

  private exited(running: Running, code: number | null, signal: NodeJS.Signals | null): void {
    clearInterval(running.heartbeat);
    const inFlight = [...new Set([...this.calls].map((c) => c.pluginId))];
    // V8 aborts (SIGABRT, or 134 through a shell) when the heap limit is reached.
    const oom = signal === 'SIGABRT' || code === 134;
    running.cause ??= {
      reason: oom ? `ran out of memory (heap limit ${this.limits.heapMb} MB)` : `exited with ${signal ?? `code ${code}`}`,
      offenders: inFlight,
    };
    const cause = running.cause;
    running.endpoint.close(new RpcClosedError(`the extension host ${cause.reason}`));
    if (this.running !== running) return;
    this.running = undefined;
    for (const [pluginId, usage] of Object.entries(this.usage?.plugins ?? {})) this.past.set(pluginId, addUsage(this.past.get(pluginId), usage));
    this.usage = undefined;
    if (this.stopped) return;
    this.down = `its extension host ${cause.reason}; it is restarting`;
    const offenders = cause.offenders.length > 0 ? cause.offenders : inFlight;
    this.logger.error('extension host crashed', { plugin: offenders.join(',') || 'unknown', reason: cause.reason, figures: this.figures().filter((f) => offenders.includes(f.pluginId)) });
    this.recovered = this.recover(offenders, cause.reason);
  }

  private async recover(offenders: string[], reason: string): Promise<void> {
    const now = Date.now();
    this.recentCrashes.push(now);
    while (this.recentCrashes[0]! < now - 60_000) this.recentCrashes.shift();
    const [first, max] = this.limits.backoffMs;
    const delay = Math.min(max, first * 2 ** (this.recentCrashes.length - 1));
    const plugins = [...this.activated.keys()];
    this.activated.clear();
    for (const pluginId of offenders) {
      const crash = this.crashes.get(pluginId) ?? { count: 0, last: '' };
      this.crashes.set(pluginId, { count: crash.count + 1, last: reason });
      await this.charge(pluginId, reason);
    }
    await sleep(delay);
    if (this.stopped || !this.host) return;
    // The host activates again those still enabled; an offender the breaker disabled stays off.
    for (const pluginId of plugins) await this.host.reactivate(pluginId);
    this.logger.info('extension host recovered', { plugins: plugins.length, afterMs: delay });
  }

  /** Counts the crash against the plugin where it is enabled (the regions it was enabled in as wholes). */
  private async charge(pluginId: string, reason: string): Promise<void> {
    if (!this.host) return;
    const error = new Error(`its extension host ${reason}`);
    const regions = this.host.enablement(pluginId).regions;
    const roots = regions.filter((r) => !regions.some((other) => other !== r && r.path.startsWith(other.path)));
    try {
      if (roots.length === 0) await this.host.recordFailure(pluginId, null, error, 'extension host');
      for (const region of roots) await this.host.recordFailure(pluginId, region.id, error, 'extension host');
    } catch (failure) {
      this.logger.error('could not count an extension host crash', { plugin: pluginId, error: String(failure) });
    }
  }
}

function addUsage(a: PluginUsage | undefined, b: PluginUsage | undefined): PluginUsage {
  return { cpuMicros: (a?.cpuMicros ?? 0) + (b?.cpuMicros ?? 0), heapBytes: (a?.heapBytes ?? 0) + (b?.heapBytes ?? 0), calls: (a?.calls ?? 0) + (b?.calls ?? 0) };
}

/** The folder of the package a plugin's entry belongs to (what it may read: its own files and dependencies). */
function packageFolder(entry: string): string {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(entry);
  }
}
