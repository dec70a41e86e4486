/**
 * GraphQL over WebSocket (the graphql-ws protocol, `graphql-transport-ws`) on the GraphQL path, for
 * subscriptions (queries and mutations work too). The connection authenticates once, with the same
 * credential as HTTP sent in the `connection_init` payload as `{ authorization: "Bearer <key or JWT>" }`;
 * a missing or bad one closes the socket with 4401 and the reason (`unknown_key`, ...), too many failed
 * authentications from the address with 4429. Each operation then passes through yoga's envelop as an
 * HTTP one does: the token limit while parsing, the shape limits in validation, the rate limit as its
 * context is built, the cost limit, error masking, and scoped delivery of each event (`subscriptions.ts`).
 * A Host the HTTP server would refuse is refused at the upgrade.
 */
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { CloseCode, type Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Principal } from '@weixi/core/access';
import type { Logger } from './log.js';
import { nameMaskedErrors } from './masking.js';
import { assignRequestId, requestIdOf } from './request-id.js';

/** Where the principal of a WebSocket connection travels into yoga's context factory. */
export const SOCKET_PRINCIPAL = Symbol('weixi.socketPrincipal');
/** Where its `Authorization` value travels, for subscriptions to check it again before each event. */
export const SOCKET_AUTHORIZATION = Symbol('weixi.socketAuthorization');

export interface WebSocketOptions {
  server: Server;
  yoga: YogaServerInstance<any, any>;
  /** Checks an `Authorization` value for a client address as HTTP requests are checked (the failed-authentication limit included). */
  authenticate(authorization: string | null, address: string): Promise<Principal>;
  /** The Host check of the HTTP server, if it makes one. */
  knownHost?: (req: IncomingMessage) => boolean;
  logger: Logger;
}

interface Enveloped {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

type SocketContext = Context<Record<string, unknown>, Extra>;

export function serveWebSockets(options: WebSocketOptions): { close(): Promise<void> } {
  const { yoga, logger } = options;
  const sockets = new WebSocketServer({
    server: options.server,
    path: yoga.graphqlEndpoint,
    verifyClient: options.knownHost ? ({ req }: { req: IncomingMessage }) => options.knownHost!(req) : undefined,
  });
  const principals = new WeakMap<SocketContext, Principal>();
  const served = useServer(
    {
      onConnect: async (ctx) => {
        const request = ctx.extra.request;
        assignRequestId(request);
        try {
          principals.set(ctx, await options.authenticate(authorizationOf(ctx), request.socket.remoteAddress ?? 'unknown'));
          return true;
        } catch (error) {
          const refusal = refusalOf(error);
          if (!refusal) logger.error('could not authenticate a WebSocket connection', { error });
          ctx.extra.socket.close(refusal?.code ?? CloseCode.InternalServerError, refusal?.reason ?? 'Internal server error');
          return false;
        }
      },
      onSubscribe: async (ctx, _id, params) => {
        const principal = principals.get(ctx);
        if (!principal) return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          [SOCKET_PRINCIPAL]: principal,
          [SOCKET_AUTHORIZATION]: authorizationOf(ctx),
        });
        try {
          const document = parse(params.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return [...errors];
          const root: Enveloped = { execute, subscribe };
          return { schema, document, operationName: params.operationName, variableValues: params.variables, contextValue: await contextFactory(), rootValue: root };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
      // A masked error names the connection's request id, and its original is logged under it, as over HTTP.
      onNext: (ctx, _id, _params, _args, result) => {
        nameMaskedErrors(result, requestIdOf({ req: ctx.extra.request }) ?? 'unknown', logger);
      },
      execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
    },
    sockets,
  );
  return { close: async () => await served.dispose() };
}

function authorizationOf(ctx: SocketContext): string | null {
  const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return typeof authorization === 'string' ? authorization : null;
}

/** The credential a subscription's context was authenticated with, and the client address, over SSE or WebSocket. */
export function credentialOf(context: object): { authorization: string | null; address: string } {
  const ctx = context as { request?: Request; req?: IncomingMessage; [SOCKET_AUTHORIZATION]?: string | null };
  const authorization = SOCKET_AUTHORIZATION in ctx ? (ctx[SOCKET_AUTHORIZATION] ?? null) : (ctx.request?.headers.get('authorization') ?? null);
  return { authorization, address: ctx.req?.socket.remoteAddress ?? 'unknown' };
}

/** The close code and reason for a refused credential, or undefined for an unexpected error. */
function refusalOf(error: unknown): { code: number; reason: string } | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const code = error.extensions.code;
  if (code === 'RATE_LIMITED') return { code: 4429, reason: error.message.slice(0, 120) };
  if (code !== 'UNAUTHENTICATED') return undefined;
  const reason = typeof error.extensions.reason === 'string' ? error.extensions.reason : 'unauthenticated';
  return { code: CloseCode.Unauthorized, reason };
}
