/**
 * The wire format between the API process and an extension host: frames travel in batches (one IPC
 * message per tick each way), values are structured-clone data in which functions, errors and abort
 * signals are replaced by the tagged objects below.
 */

/** A call of a function the other side exported, by handle. */
export interface CallFrame {
  t: 'call';
  id: number;
  fn: number;
  args: unknown[];
}

/** The answer to a call: a value, or an error. */
export interface SettleFrame {
  t: 'ok' | 'err';
  id: number;
  value: unknown;
}

/** The receiver dropped its proxy of a function: it had received `count` references to it. */
export interface ReleaseFrame {
  t: 'release';
  fn: number;
  count: number;
}

export type Frame = CallFrame | SettleFrame | ReleaseFrame;

/** One message: every frame queued in a tick, and the sender's usage figures when it has any. */
export interface Batch {
  rpc: Frame[];
  usage?: HostUsage;
}

/** An error as it crosses: name, message, code and its other own properties (issues, ...). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  props: Record<string, unknown>;
  /** Set on an error the sender got from the receiver: the receiver's own id for it, so it gets the original back. */
  back?: number;
  /** The sender's id for this error, for when it comes back. */
  id?: number;
}

/** Tags of encoded values; a NUL-prefixed key cannot come from a plugin's JSON. */
export const FN = '\0fn';
export const ERR = '\0err';
export const SIGNAL = '\0signal';

/** What the child measured, per plugin: CPU time of its calls and heap growth during them. */
export interface PluginUsage {
  cpuMicros: number;
  heapBytes: number;
  calls: number;
}

export interface HostUsage {
  /** CPU time of the whole host process (user and system): what a job run's CPU limit is measured with. */
  cpuMicros: number;
  heapUsed: number;
  rss: number;
  plugins: Record<string, PluginUsage>;
}
