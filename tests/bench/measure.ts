/** Timing, medians, per-phase memory and correctness checks shared by the bench phases. */
import { performance } from 'node:perf_hooks';

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** Wall-clock milliseconds of one awaited call. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** A comparison that must hold for the figures to mean anything; a failed one fails the run. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function check(name: string, ok: boolean, detail: string): Check {
  if (!ok) console.error(`  CHECK FAILED: ${name}: ${detail}`);
  return { name, ok, detail };
}

export interface PhaseFigures {
  phase: string;
  seconds: number;
  /** Peak resident set size sampled during the phase, MB. */
  rssPeakMb: number;
  /** Peak V8 heap used sampled during the phase, MB. */
  heapUsedPeakMb: number;
  /** process.resourceUsage().maxRSS at the end of the phase: the process peak so far, MB. */
  maxRssSoFarMb: number;
}

const mb = (bytes: number) => round(bytes / 1024 / 1024);

/** Peak RSS and V8 heap used (MB) while `fn` runs, sampled every 20 ms and at both ends. */
export async function sampledPeaks<T>(fn: () => Promise<T>): Promise<{ value: T; rssPeakMb: number; heapUsedPeakMb: number }> {
  let rssPeak = 0;
  let heapPeak = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    rssPeak = Math.max(rssPeak, rss);
    heapPeak = Math.max(heapPeak, heapUsed);
  };
  sample();
  const timer = setInterval(sample, 20);
  try {
    const value = await fn();
    sample();
    return { value, rssPeakMb: mb(rssPeak), heapUsedPeakMb: mb(heapPeak) };
  } finally {
    clearInterval(timer);
  }
}

/** Runs phases one after the other, sampling memory every 20 ms while each runs. */
export class PhaseMeter {
  readonly phases: PhaseFigures[] = [];
  private readonly started = performance.now();

  async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
    console.log(`\n== ${name} ==`);
    const start = performance.now();
    const { value, rssPeakMb, heapUsedPeakMb } = await sampledPeaks(fn);
    this.phases.push({
      phase: name,
      seconds: round((performance.now() - start) / 1000),
      rssPeakMb,
      heapUsedPeakMb,
      maxRssSoFarMb: round(process.resourceUsage().maxRSS / 1024),
    });
    return value;
  }

  total(): PhaseFigures {
    return {
      phase: 'whole run',
      seconds: round((performance.now() - this.started) / 1000),
      rssPeakMb: Math.max(...this.phases.map((p) => p.rssPeakMb)),
      heapUsedPeakMb: Math.max(...this.phases.map((p) => p.heapUsedPeakMb)),
      maxRssSoFarMb: round(process.resourceUsage().maxRSS / 1024),
    };
  }
}
