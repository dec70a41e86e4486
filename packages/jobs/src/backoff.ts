/** Retry delays after a failed attempt: exponential, capped, no jitter (runs are claimed one by one anyway). */
export interface BackoffOptions {
  /** Delay after the first failed attempt. Default 10 s. */
  baseMs?: number;
  /** Upper bound of any delay. Default 10 min. */
  maxMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 10_000, maxMs: 600_000 } as const;

/** The delay before the next attempt after attempt number `attempt` (1-based) failed: base·2^(attempt−1), capped. */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(maxMs, baseMs * 2 ** exponent);
}
