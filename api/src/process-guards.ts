/**
 * What the server process does with an error nothing caught, logged as a JSON line either way:
 * - an unhandled promise rejection is logged and the process keeps serving: the work behind it has
 *   already unwound, and request state lives in per-request objects and database transactions, which a
 *   lost rejection does not leave half-applied;
 * - an uncaught exception (a throw from a timer or socket callback, as the `postgres` driver's nextWrite
 *   did) ends the process: stop serving, close within a few seconds, exit 1, and let the supervisor
 *   restart it, since the code that threw stopped halfway through something no one can vouch for.
 */
import type { Logger } from '@weixi/platform';

const STOP_DEADLINE_MS = 5_000;

/** Installs the policy; `stop` closes the server and database (it may be called before they are open). */
export function guardProcess(logger: Logger, stop: () => Promise<void>): void {
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection; still serving', { error: reason });
  });
  let stopping = false;
  process.on('uncaughtException', (error, origin) => {
    logger.error('uncaught exception; stopping', { error, origin });
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    stop().then(
      () => process.exit(1),
      () => process.exit(1),
    );
  });
}
