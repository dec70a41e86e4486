/**
 * Authentication at the door: every GraphQL request carries `Authorization: Bearer <API key or JWT>`,
 * resolved to a principal before anything executes. A missing or bad credential is answered with HTTP 401
 * (a valid one that may not do something gets 403 from the resolver that refuses it), with the reason.
 */
import { GraphQLError } from 'graphql';
import type { Clock } from '@weixi/core';
import { AccessError, authenticate, PrincipalMemory, type JwtOptions, type Principal } from '@weixi/core/access';
import type { Database } from '@weixi/db';

export interface AuthOptions {
  /** JWT settings (`jwtOptionsFromEnv()` by default); API keys are always accepted. */
  jwt?: JwtOptions;
  /**
   * How long a checked credential's principal is remembered (`PRINCIPAL_MEMORY_MS`, 1 s, by default;
   * 0: check every request). A key revoked in this process fails on the next request regardless.
   */
  principalMemoryMs?: number;
}

/** One memory of recent principals per server (its auth options). */
const memories = new WeakMap<AuthOptions, PrincipalMemory>();

function memoryOf(options: AuthOptions): PrincipalMemory | undefined {
  if (options.principalMemoryMs === 0) return undefined;
  let memory = memories.get(options);
  if (!memory) memories.set(options, (memory = new PrincipalMemory(options.principalMemoryMs)));
  return memory;
}

/** The principal of an `Authorization` value, or a GraphQL error carrying the HTTP status yoga answers with. */
export async function principalOf(authorization: string | null, database: Database, clock: Clock, options: AuthOptions): Promise<Principal> {
  try {
    return await authenticate(database.db, authorization, { jwt: options.jwt, memory: memoryOf(options) }, clock);
  } catch (error) {
    if (error instanceof AccessError) throw accessGraphQLError(error);
    throw error;
  }
}

export function accessGraphQLError(error: AccessError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: {
      code: error.code,
      reason: error.reason,
      http: { status: error.httpStatus, headers: error.httpStatus === 401 ? { 'WWW-Authenticate': 'Bearer realm="weixi"' } : {} },
    },
  });
}

/** GraphiQL's opening text: how to authenticate. A page never carries a key: any site could read it. */
export function graphiqlWelcome(): string {
  return [
    '# Welcome to Weixi. Every request needs a credential:',
    '#   Authorization: Bearer <API key or JWT>',
    '# Paste it in the Headers tab below, e.g. {"Authorization": "Bearer wx_..."}.',
    '# The first start printed an admin key on the console of the server (it is shown only once);',
    '# create more with: pnpm weixi keys create --role <admin|operator|agent|integrator> [--region CODE ...]',
    '',
    '{',
    '  customers(first: 5) {',
    '    totalCount',
    '    edges { node { msisdn name tier region { name } } }',
    '  }',
    '}',
    '',
  ].join('\n');
}
