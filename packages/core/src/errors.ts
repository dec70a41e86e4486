/**
 * Errors that users can act on. Each carries a stable `code` and, for bad input, one issue per offending
 * item and field, with a path such as `customers[3].msisdn`. The GraphQL layer turns them into typed errors.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'LIMIT_EXCEEDED' | 'PLUGIN_UNAVAILABLE';

export interface InputIssue {
  /** Where the problem is, from the argument name: `customers[3].msisdn`, `definition.and[1].metric.months`. */
  path: string;
  /** What is wrong and what is accepted. */
  message: string;
}

export class WeixiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: InputIssue[] = [],
  ) {
    super(message);
    this.name = 'WeixiError';
  }
}

/** Bad input: nothing was written. The message lists the first few issues; `issues` has them all. */
export class InputError extends WeixiError {
  constructor(issues: InputIssue[]) {
    const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    super('BAD_USER_INPUT', shown.join('; ') + more, issues);
    this.name = 'InputError';
  }
}

export class NotFoundError extends WeixiError {
  constructor(what: string, id: string | number, path?: string) {
    super('NOT_FOUND', `${path ? `${path}: ` : ''}${what} ${JSON.stringify(id)} does not exist`, path ? [{ path, message: `${what} ${JSON.stringify(id)} does not exist` }] : []);
    this.name = 'NotFoundError';
  }
}

/** Collects issues while validating a batch, so one response reports every bad item at once. */
export class IssueList {
  readonly issues: InputIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  get empty(): boolean {
    return this.issues.length === 0;
  }
  /** Throws an InputError when any issue was added, the issues in item order. */
  throwIfAny(): void {
    if (this.issues.length === 0) return;
    const item = (path: string) => Number(/\[(\d+)\]/.exec(path)?.[1] ?? -1);
    throw new InputError([...this.issues].sort((a, b) => item(a.path) - item(b.path)));
  }
}

/**
 * The process running a plugin's code is down (it hung, crashed or ran out of memory, and is restarting),
 * or the plugin was stopped for it: retry later. Not the plugin's own failure, so not counted against it.
 */
export class PluginUnavailableError extends WeixiError {
  constructor(
    readonly pluginId: string,
    reason: string,
  ) {
    super('PLUGIN_UNAVAILABLE', `plugin '${pluginId}' is unavailable: ${reason}`);
    this.name = 'PluginUnavailableError';
  }
}
