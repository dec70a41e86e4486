import type { Batch } from './protocol.js';
import type { Port } from './rpc.js';

/** Two ports joined like a child process' IPC channel, for tests: each message is structured-cloned and arrives later. */
export function pair(): [Port, Port] {
  const handlers: Array<(batch: Batch) => void> = [];
  const port = (to: number): Port => ({
    send: (batch) => {
      const copy = structuredClone(batch);
      setTimeout(() => handlers[to]?.(copy), 0);
    },
    onMessage: (handler) => void (handlers[1 - to] = handler),
  });
  return [port(1), port(0)];
}
