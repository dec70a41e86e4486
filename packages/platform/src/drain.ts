/**
 * Requests in flight, so a server that stops lets them finish before it cuts their connections and its
 * caller closes the database under them (a request cut halfway fails at its next statement). A request
 * counts until its handling settles, not its response: a client that left early closes the response at
 * once while its resolvers still run. Event streams (SSE) are not counted: they last until their client
 * leaves, and end with the server.
 */
import type { IncomingMessage } from 'node:http';

export interface InFlight {
  /** Counts this request until `handling` settles. */
  track(req: IncomingMessage, handling: Promise<unknown>): void;
  /** Resolves once no counted request is in flight, or after `graceMs`, whichever is first. */
  settled(graceMs: number): Promise<void>;
}

export function inFlightRequests(): InFlight {
  let active = 0;
  const waiting = new Set<() => void>();
  return {
    track(req, handling) {
      if (req.headers.accept?.includes('text/event-stream')) return;
      active++;
      const settle = () => {
        if (--active > 0) return;
        for (const resolve of waiting) resolve();
        waiting.clear();
      };
      handling.then(settle, settle);
    },
    settled(graceMs) {
      if (active === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, graceMs);
        function done() {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        }
        waiting.add(done);
      });
    },
  };
}
