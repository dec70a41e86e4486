/**
 * A symmetric RPC endpoint with function marshalling, in the manner of Comlink: a function in a value
 * crosses as a handle and arrives as a proxy that calls back across; errors keep their name, message,
 * code and other own properties; an AbortSignal arrives as a signal that aborts when the original does.
 * Frames queued in one tick of the event loop (every microtask of it included) leave as one message, so
 * a plugin field resolved for a page of customers is one message each way.
 *
 * Lifetimes: the exporter counts the references it sent; a receiver whose proxy is garbage-collected, or
 * released with `release(proxy)`, returns that count and the exporter forgets the function at zero.
 */
import { ERR, FN, SIGNAL, type Batch, type Frame, type HostUsage, type WireError } from './protocol.js';

/** How batches move: a child process' IPC channel in production, a pair of queues in unit tests. */
export interface Port {
  send(batch: Batch): void;
  onMessage(handler: (batch: Batch) => void): void;
}

type AnyFunction = (...args: any[]) => unknown;

/** The endpoint is closed (its process died or stopped): every pending and later call fails with this. */
export class RpcClosedError extends Error {
  readonly code = 'RPC_CLOSED';
  constructor(message: string) {
    super(message);
    this.name = 'RpcClosedError';
  }
}

export interface EndpointOptions {
  /** Exposed to the peer's `root()`. */
  root?: object;
  /** Figures sent along with every batch (the child's per-plugin usage). */
  usage?(): HostUsage;
  /** Figures the peer sent. */
  onUsage?(usage: HostUsage): void;
  /** Runs the handling of one received message (the child meters a batch's calls with it). */
  around?(handle: () => void): void;
}

const ROOT = 0;
/** Errors a side sent, remembered this long (by count), so one that comes back is the original object. */
const SENT_ERRORS = 1_000;
/** On a decoded error: the peer's id for it. */
const ORIGIN = Symbol('rpc.origin');
/** Endpoints with frames waiting for their flush. */
const scheduled = new Set<Endpoint>();
const proxyIds = new WeakMap<AnyFunction, { endpoint: Endpoint; id: number }>();

export class Endpoint {
  /** Messages sent and received, and of them those carrying calls (not only answers), for tests and metrics. */
  readonly stats = { sent: 0, received: 0, sentWithCalls: 0, receivedWithCalls: 0 };
  private readonly exported = new Map<number, { fn: AnyFunction; count: number }>();
  private readonly idOf = new Map<AnyFunction, number>();
  private readonly proxies = new Map<number, { ref: WeakRef<AnyFunction>; count: number }>();
  private readonly finalizer = new FinalizationRegistry<number>((id) => this.dropProxy(id));
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  private readonly subscribers = new WeakMap<AbortSignal, AnyFunction>();
  private readonly signals = new WeakMap<AnyFunction, AbortSignal>();
  private readonly sentErrors = new Map<number, Error>();
  private nextError = 1;
  /**
   * Objects holding functions encoded for the batch being filled (the services every resolver of a page
   * gets): encoded once and sent by reference, which structured clone keeps within a message.
   */
  private encoded = new Map<object, unknown>();
  /** Objects of the batch being read that were decoded already, for the same reason. */
  private decoded = new Set<object>();
  /** Function references encoded so far, directly or inside an object encoded before (to tell an object holding functions from plain data). */
  private functionRefs = 0;
  private nextFunction = ROOT + 1;
  private nextCall = 1;
  private queue: Frame[] = [];
  private scheduled = false;
  private closedWith: Error | undefined;

  constructor(
    private readonly port: Port,
    private readonly options: EndpointOptions = {},
  ) {
    if (options.root) this.exported.set(ROOT, { fn: () => options.root, count: Infinity });
    port.onMessage((batch) => this.receive(batch));
  }

  /** The object the peer exposed as its `root`. */
  root<T>(): Promise<T> {
    return this.call(ROOT, []) as Promise<T>;
  }

  /** Functions of this side the peer may still call. */
  get exportedCount(): number {
    return this.exported.size;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Fails every pending and later call with `error`, and forgets every exported function. */
  close(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.exported.clear();
    this.idOf.clear();
    this.queue = [];
  }

  /** Lets the peer forget a function this side holds a proxy of, before garbage collection would. */
  static release(proxy: AnyFunction): void {
    const known = proxyIds.get(proxy);
    if (!known) return;
    proxyIds.delete(proxy);
    known.endpoint.dropProxy(known.id);
  }

  private call(fn: number, args: unknown[]): Promise<unknown> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.push({ t: 'call', id, fn, args: args.map((a) => this.encode(a)) });
    });
  }

  /**
   * Sends what every endpoint queued so far now rather than at its own turn of the check phase: for a
   * caller that itself gathered a tick's calls in a `setImmediate` (field-batch.ts), which saves a turn.
   */
  static flushAll(): void {
    for (const endpoint of scheduled) endpoint.flush();
  }

  private push(frame: Frame): void {
    this.queue.push(frame);
    if (this.scheduled) return;
    this.scheduled = true;
    scheduled.add(this);
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    scheduled.delete(this);
    const frames = this.queue;
    this.queue = [];
    this.encoded.clear();
    if (frames.length === 0 || this.closedWith) return;
    try {
      this.send(frames);
    } catch {
      // Something in the batch does not clone (a class instance with functions): only its own frame fails.
      // (An object shared by several frames then arrives once per message, each counting its functions once.)
      for (const frame of frames) {
        try {
          this.send([frame]);
        } catch (error) {
          if (frame.t === 'call') this.settle(frame.id, 'err', this.encodeError(error));
          else if (frame.t !== 'release') this.send([{ t: 'err', id: frame.id, value: this.encodeError(error) }]);
        }
      }
    }
  }

  private send(frames: Frame[]): void {
    const usage = this.options.usage?.();
    this.port.send(usage ? { rpc: frames, usage } : { rpc: frames });
    this.stats.sent++;
    if (frames.some((f) => f.t === 'call')) this.stats.sentWithCalls++;
  }

  private receive(batch: Batch): void {
    this.stats.received++;
    if (batch.rpc.some((f) => f.t === 'call')) this.stats.receivedWithCalls++;
    if (batch.usage) this.options.onUsage?.(batch.usage);
    const handle = () => {
      try {
        for (const frame of batch.rpc) {
          if (frame.t === 'call') this.invoke(frame.id, frame.fn, frame.args);
          else if (frame.t === 'release') this.released(frame.fn, frame.count);
          else this.settle(frame.id, frame.t, frame.value);
        }
      } finally {
        this.decoded.clear();
      }
    };
    if (this.options.around) this.options.around(handle);
    else handle();
  }

  private invoke(id: number, fn: number, args: unknown[]): void {
    const target = this.exported.get(fn);
    const answer = (t: 'ok' | 'err', value: unknown) => {
      if (!this.closedWith) this.push({ t, id, value });
    };
    if (!target) return answer('err', this.encodeError(new RpcClosedError(`function ${fn} was released by its owner`)));
    let result: unknown;
    try {
      result = target.fn(...args.map((a) => this.decode(a)));
    } catch (error) {
      return answer('err', this.encodeError(error));
    }
    Promise.resolve(result).then(
      (value) => answer('ok', this.encode(value)),
      (error) => answer('err', this.encodeError(error)),
    );
  }

  private settle(id: number, t: 'ok' | 'err', value: unknown): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (t === 'ok') pending.resolve(this.decode(value));
    else pending.reject(this.decodeError(value as WireError));
  }

  private released(fn: number, count: number): void {
    const entry = this.exported.get(fn);
    if (!entry) return;
    entry.count -= count;
    if (entry.count > 0) return;
    this.exported.delete(fn);
    this.idOf.delete(entry.fn);
  }

  private exportFunction(fn: AnyFunction): number {
    this.functionRefs++;
    let id = this.idOf.get(fn);
    if (id === undefined) {
      id = this.nextFunction++;
      this.idOf.set(fn, id);
      this.exported.set(id, { fn, count: 0 });
    }
    this.exported.get(id)!.count++;
    return id;
  }

  private proxy(id: number): AnyFunction {
    const known = this.proxies.get(id);
    const live = known?.ref.deref();
    if (known && live) {
      known.count++;
      return live;
    }
    const fn = (...args: unknown[]) => this.call(id, args);
    this.proxies.set(id, { ref: new WeakRef(fn), count: 1 });
    proxyIds.set(fn, { endpoint: this, id });
    this.finalizer.register(fn, id, fn);
    return fn;
  }

  private dropProxy(id: number): void {
    const known = this.proxies.get(id);
    if (!known) return;
    this.proxies.delete(id);
    const fn = known.ref.deref();
    if (fn) this.finalizer.unregister(fn);
    if (!this.closedWith) this.push({ t: 'release', fn: id, count: known.count });
  }

  private encode(value: unknown): unknown {
    if (typeof value === 'function') return { [FN]: this.exportFunction(value as AnyFunction) };
    if (value === null || typeof value !== 'object') return value;
    // A list of plain values crosses as it is: one list shared by a page's calls is sent once.
    if (Array.isArray(value)) return value.every((v) => v === null || typeof v !== 'object' && typeof v !== 'function') ? value : value.map((v) => this.encode(v));
    if (value instanceof Error) return { [ERR]: this.encodeError(value) };
    if (value instanceof AbortSignal) return { [SIGNAL]: { aborted: value.aborted, reason: this.encode(value.reason), subscribe: this.encode(this.subscriber(value)) } };
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value; // Date, Map, Set, typed arrays: structured clone
    // The receiver decodes a shared object once per message, so its functions count one reference each.
    const known = this.encoded.get(value);
    if (known) {
      // Its holder holds functions too: a page's 100 requests over a few regions, each with the same
      // services, cross as those few objects, not as 100 copies.
      this.functionRefs++;
      return known;
    }
    const refsBefore = this.functionRefs;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const encoded = this.encode((value as Record<string, unknown>)[key]);
      if (key === '__proto__') Object.defineProperty(out, key, { value: encoded, writable: true, enumerable: true, configurable: true });
      else out[key] = encoded;
    }
    // Only objects with functions are kept: plain data may change between two calls of one tick.
    if (this.functionRefs !== refsBefore) this.encoded.set(value, out);
    return out;
  }

  /**
   * Decodes in place: a received message is this side's own copy, so only the tagged values in it are
   * replaced (by proxies, errors, signals) and plain data is left as it arrived, not copied again.
   */
  private decode(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (v !== null && typeof v === 'object') {
          const d = this.decode(v);
          if (d !== v) value[i] = d;
        }
      }
      return value;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const tagged = value as Record<string, unknown>;
    if (FN in tagged) return this.proxy(tagged[FN] as number);
    if (ERR in tagged) return this.decodeError(tagged[ERR] as WireError);
    if (SIGNAL in tagged) return this.decodeSignal(tagged[SIGNAL] as { aborted: boolean; reason: unknown; subscribe: unknown });
    // An object the message holds several times (the services every resolver of a page gets) is decoded once.
    if (this.decoded.has(tagged)) return tagged;
    this.decoded.add(tagged);
    for (const key of Object.keys(tagged)) {
      const v = tagged[key];
      if (v === null || typeof v !== 'object') continue;
      const d = this.decode(v);
      // defineProperty: an own "__proto__" key (from JSON) must stay a key, not become the prototype.
      if (d !== v) Object.defineProperty(tagged, key, { value: d, writable: true, enumerable: true, configurable: true });
    }
    return tagged;
  }

  /** One function per signal: the peer calls it with a listener that this side calls on abort. */
  private subscriber(signal: AbortSignal): AnyFunction {
    let fn = this.subscribers.get(signal);
    if (!fn) {
      fn = (listener: (reason: unknown) => void) => {
        if (signal.aborted) return void listener(signal.reason);
        signal.addEventListener('abort', () => void Promise.resolve(listener(signal.reason)).catch(() => undefined), { once: true });
      };
      this.subscribers.set(signal, fn);
    }
    return fn;
  }

  private decodeSignal(wire: { aborted: boolean; reason: unknown; subscribe: unknown }): AbortSignal {
    const subscribe = this.decode(wire.subscribe) as AnyFunction;
    const known = this.signals.get(subscribe);
    if (known) return known;
    const controller = new AbortController();
    if (wire.aborted) controller.abort(this.decode(wire.reason));
    else void Promise.resolve(subscribe((reason: unknown) => controller.abort(reason))).catch(() => undefined);
    this.signals.set(subscribe, controller.signal);
    return controller.signal;
  }

  /**
   * An error as it crosses. Each side remembers the errors it sent, so an error that comes back (a
   * service's refusal the plugin let through) is the original object again, its class and all: the
   * host tells its own errors (access, not enabled) from the plugin's by class.
   */
  private encodeError(error: unknown): WireError {
    if (!(error instanceof Error)) return { name: 'Error', message: typeof error === 'string' ? error : String(error), props: {} };
    const props: Record<string, unknown> = {};
    for (const key of Object.keys(error)) {
      if (key === 'stack' || key === 'message' || key === 'name') continue;
      const value = (error as unknown as Record<string, unknown>)[key];
      if (typeof value !== 'function') props[key] = this.encode(value);
    }
    const back = (error as Error & { [ORIGIN]?: number })[ORIGIN];
    if (back !== undefined) return { name: error.name, message: error.message, stack: error.stack, props, back };
    const id = this.nextError++;
    this.sentErrors.set(id, error);
    if (this.sentErrors.size > SENT_ERRORS) this.sentErrors.delete(this.sentErrors.keys().next().value!);
    return { name: error.name, message: error.message, stack: error.stack, props, id };
  }

  /** The original of an error this side sent, or an Error with the sender's name, message, stack and own properties (`code`, `issues`, ...). */
  private decodeError(wire: WireError): Error {
    const original = wire.back === undefined ? undefined : this.sentErrors.get(wire.back);
    if (original) return original;
    const error = new Error(wire.message);
    Object.defineProperty(error, 'name', { value: wire.name, enumerable: false, writable: true, configurable: true });
    if (wire.id !== undefined) Object.defineProperty(error, ORIGIN, { value: wire.id, enumerable: false });
    if (wire.stack) error.stack = wire.stack;
    return Object.assign(error, wire.props);
  }
}
