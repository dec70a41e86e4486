/**
 * Authentication before anything else: a request's credential is checked as soon as its GraphQL parameters
 * are read, before the document is parsed or validated, so an anonymous caller learns nothing of the schema
 * (no "Did you mean ...?", no syntax errors, no persisted operation ids). Failed authentications are counted
 * per client address: past the allowance the address gets 429 with Retry-After, valid credential or not,
 * until its bucket refills, which makes guessing keys slow.
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Clock } from '@weixi/core';
import { AccessError, type Principal } from '@weixi/core/access';
import type { Database } from '@weixi/db';
import { principalOf, type AuthOptions } from './auth.js';
import { RateLimiter, rateLimited, type RateLimitOptions } from './limits/rate-limit.js';

/** Failed authentications allowed per client address when a server is not told otherwise. */
export const DEFAULT_AUTH_FAILURES: RateLimitOptions = { perMinute: 30, burst: 30 };

export interface AuthenticateFirstOptions {
  database: Database;
  clock: Clock;
  auth: AuthOptions;
  /** Failed authentications per client address; false turns the limit off. */
  failures: RateLimitOptions | false;
}

/** The plugin, `principal(request)` for the context factory (the principal it authenticated) and `authenticate` itself. */
export function authenticateFirst(options: AuthenticateFirstOptions) {
  const principals = new WeakMap<Request, Promise<Principal>>();
  const failures = options.failures ? new RateLimiter({ clock: options.clock, ...options.failures }) : undefined;

  const authenticate = async (authorization: string | null, address: string): Promise<Principal> => {
    const wait = failures?.waitFor(address) ?? 0;
    if (wait > 0) throw rateLimited(wait, 'too many failed authentications from this address');
    try {
      return await principalOf(authorization, options.database, options.clock, options.auth);
    } catch (error) {
      if ((error as { originalError?: unknown }).originalError instanceof AccessError) failures?.take(address);
      throw error;
    }
  };

  const plugin: Plugin = {
    async onParams({ request, context }) {
      // One authentication per HTTP request, however many operations a batch holds.
      let principal = principals.get(request);
      if (!principal) {
        principal = authenticate(request.headers.get('authorization'), clientAddress(context));
        principals.set(request, principal);
      }
      await principal;
    },
  };
  return {
    plugin,
    /** A credential sent another way (a WebSocket's `connection_init`), counted against the same address allowance. */
    authenticate,
    principal(request: Request): Promise<Principal> {
      const principal = principals.get(request);
      if (!principal) throw new Error('no principal: the authenticate-first plugin did not run for this request');
      return principal;
    },
  };
}

/** The peer's address (a proxy's, behind one: failures are then counted for the proxy as a whole). */
function clientAddress(context: unknown): string {
  return (context as { req?: IncomingMessage }).req?.socket.remoteAddress ?? 'unknown';
}
