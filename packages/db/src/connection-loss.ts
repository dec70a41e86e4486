/**
 * Whether an error means the database connection was lost (cut by the server, refused while it
 * restarts, timed out), rather than the statement being wrong. Such a request may or may not have been
 * applied and is worth retrying; the pool reconnects by itself.
 */

/** The `postgres` driver's own codes for a connection that closed, could not open, or was torn down. */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT']);
/** Socket errors from Node. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
/** SQLSTATEs: class 08 is connection exceptions; 57P01-57P03 are shutdown, crash and "starting up". */
const SQLSTATES = /^(08...|57P0[123])$/;

export function isConnectionLoss(error: unknown): boolean {
  // drizzle wraps the driver's error as the `cause` of its "Failed query" error; GraphQL as `originalError`.
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (DRIVER_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATES.test(code))) return true;
    const { cause, originalError } = current as { cause?: unknown; originalError?: unknown };
    current = cause ?? originalError;
  }
  return false;
}
