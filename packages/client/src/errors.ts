/** One problem with one input field, as the API reports it in `extensions.issues`. */
export interface WeixiIssue {
  /** Where in the variables, e.g. `customers[3].regionCode`. */
  path: string;
  message: string;
}

/** A GraphQL error as the Weixi API sends it. */
export interface WeixiGraphQLError {
  message: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions?: {
    /** Stable code: BAD_USER_INPUT, NOT_FOUND, ILLEGAL_TRANSITION, GRAPHQL_VALIDATION_FAILED, ... */
    code?: string;
    issues?: WeixiIssue[];
    [key: string]: unknown;
  };
}

export interface WeixiClientErrorDetails {
  operationName?: string | undefined;
  /** The GraphQL errors of the response; empty when the request failed before GraphQL answered. */
  errors?: readonly WeixiGraphQLError[];
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Whatever `data` came back beside the errors (null when the whole operation failed). */
  data?: unknown;
  cause?: unknown;
}

/**
 * A Weixi request that did not succeed: the response carried GraphQL errors, the HTTP status was not
 * 2xx, or the server could not be reached. `code` and `issues` say what to fix.
 */
export class WeixiClientError extends Error {
  override readonly name = 'WeixiClientError';
  readonly operationName: string | undefined;
  readonly errors: readonly WeixiGraphQLError[];
  readonly status: number;
  readonly data: unknown;

  constructor(message: string, details: WeixiClientErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.operationName = details.operationName;
    this.errors = details.errors ?? [];
    this.status = details.status;
    this.data = details.data ?? null;
  }

  /** `extensions.code` of the first error that has one. */
  get code(): string | undefined {
    return this.errors.find((e) => e.extensions?.code)?.extensions?.code;
  }

  /** Every field-level issue across all errors. */
  get issues(): WeixiIssue[] {
    return this.errors.flatMap((e) => e.extensions?.issues ?? []);
  }
}
