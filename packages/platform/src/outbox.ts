/**
 * The contacts outbox loop: every `pollMs` this process delivers the queued contacts that are due (a
 * channel's retry, or a contact whose sender crashed), through the channels its plugins registered. Runs
 * with the job loop (server processes, not the CLI); the claims' SKIP LOCKED lets many processes share it.
 */
import type { PluginHost } from '@weixi/core';
import type { Logger } from './log.js';

export interface OutboxLoop {
  stop(): Promise<void>;
}

export function startOutboxLoop(host: PluginHost, logger: Logger, pollMs = 1000): OutboxLoop {
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const run = async () => {
    try {
      // A full batch means more may be due: go on at once rather than after the pause.
      while (!stopping && (await host.drainOutbox()) === 100);
    } catch (error) {
      logger.error(`contacts outbox pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!stopping) timer = setTimeout(() => void (pass = run()), pollMs);
  };
  pass = run();
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
