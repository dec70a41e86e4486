/**
 * Failures the user can act on. The entry point prints their message alone (no stack trace) and exits
 * with their code: 2 for a wrong command line, 1 for a request the database state does not allow.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A wrong command line: unknown command or option, a missing or malformed value. */
export class UsageError extends CliError {
  constructor(
    message: string,
    /** The command whose usage to point at. */
    readonly command?: string,
  ) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
