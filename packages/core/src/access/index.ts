/** Access control groundwork: principals, API keys, JWTs, authentication and region scope predicates. */
export * from './errors.js';
export * from './principal.js';
export * from './api-keys.js';
export * from './jwt.js';
export * from './jwt-revocations.js';
export * from './authenticate.js';
export * from './principal-memory.js';
export * from './scope.js';
export * from './row-scope.js';
