/**
 * Authentication and authorization failures. They are WeixiErrors, so the GraphQL layer passes their
 * message and code to the client; `reason` says precisely what was wrong with the credential.
 */
import { WeixiError, type InputIssue } from '../errors.js';

/** UNAUTHENTICATED (HTTP 401): no usable credential. FORBIDDEN (HTTP 403): a valid one that may not do this. */
export type AccessErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN';

export type AccessFailureReason =
  /** No Authorization header, or an empty one. */
  | 'missing_credentials'
  /** Not `Bearer <token>`, or a token that is neither a Weixi API key nor a JWT. */
  | 'malformed_credentials'
  /** A well-formed API key whose prefix is unknown or whose secret does not match. */
  | 'unknown_key'
  | 'revoked_key'
  /** A JWT was sent but the server has no JWT secret configured. */
  | 'jwt_disabled'
  | 'jwt_expired'
  /** The token's `jti`, or its subject as of its `iat`, was revoked. */
  | 'jwt_revoked'
  | 'jwt_bad_signature'
  /** Signed with another algorithm than HS256, including the unsigned `none`. */
  | 'jwt_bad_algorithm'
  /** Missing or invalid claims: role, regions, agent, scopes, sub, exp, iss, aud, nbf. */
  | 'jwt_bad_claims'
  /** The credential names a region code that does not exist (any more). */
  | 'unknown_region'
  /** Authenticated, but not allowed to do this. */
  | 'forbidden';

export class AccessError extends WeixiError {
  declare readonly code: AccessErrorCode;

  constructor(
    code: AccessErrorCode,
    readonly reason: AccessFailureReason,
    message: string,
    issues: InputIssue[] = [],
  ) {
    super(code, message, issues);
    this.name = 'AccessError';
  }

  /** The HTTP status a server should answer with: 401 or 403. */
  get httpStatus(): 401 | 403 {
    return this.code === 'UNAUTHENTICATED' ? 401 : 403;
  }
}

export function unauthenticated(reason: Exclude<AccessFailureReason, 'forbidden'>, message: string): AccessError {
  return new AccessError('UNAUTHENTICATED', reason, message);
}

export function forbidden(message: string): AccessError {
  return new AccessError('FORBIDDEN', 'forbidden', message);
}
