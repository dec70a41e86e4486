/**
 * The SMSC account's submit rate (流速): at most `perSecond` submit_sm a second, each written at least
 * 1/perSecond after the one before (no bursts: a gateway counts a sliding second and answers ESME_RTHROTTLED
 * beyond it). Callers take turns in the order they asked.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

export class Throttle {
  private last = -Infinity;
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `write` (which puts one PDU on the wire) at the caller's turn; its result. */
  paced<T>(perSecond: number, write: () => T): Promise<T> {
    const turn = this.queue.then(async () => {
      const due = this.last + 1000 / perSecond;
      // a timer may fire a fraction of a millisecond early: wait again until the instant has really passed
      for (let now = performance.now(); now < due; now = performance.now()) await sleep(Math.ceil(due - now));
      try {
        return write();
      } finally {
        // counted from when the write was done, so a pause before it cannot bunch this PDU with the next
        this.last = performance.now();
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}
