import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { WeixiClientError, type WeixiGraphQLError } from './errors.js';
import { sseResults } from './sse.js';

type HeaderMap = Record<string, string>;

export interface WeixiClientOptions {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  /** Defaults to the global `fetch` (Node 20+, browsers). */
  fetch?: typeof globalThis.fetch;
  /** Sent with every request; a function is called per request (e.g. to refresh a token). */
  headers?: HeaderMap | (() => HeaderMap | Promise<HeaderMap>);
}

export interface RequestOptions {
  /** Extra headers for this request only. */
  headers?: HeaderMap;
  signal?: AbortSignal;
}

/** Variables may be left out when the operation has no required ones. */
export type RequestArgs<TVariables> =
  Record<string, never> extends TVariables
    ? [variables?: TVariables, options?: RequestOptions]
    : [variables: TVariables, options?: RequestOptions];

export interface WeixiClient {
  readonly url: string;
  /**
   * Runs one operation and returns its typed `data`.
   * @throws WeixiClientError when the response has errors or the request fails.
   */
  request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...args: RequestArgs<TVariables>): Promise<TResult>;
  /**
   * Subscribes over Server-Sent Events and yields each event's typed `data`, until the loop is left
   * (`break`) or `signal` aborts. Objects outside the caller's scope never arrive.
   * @throws WeixiClientError when the server refuses the subscription (401, 429, FORBIDDEN, ...) or an event carries errors.
   * @example
   * for await (const { taskChanged } of weixi.subscribe(taskChangedSubscription)) console.log(taskChanged?.state);
   */
  subscribe<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...args: RequestArgs<TVariables>): AsyncGenerator<TResult, void, undefined>;
}

interface GraphQLResponseBody {
  data?: unknown;
  errors?: WeixiGraphQLError[];
}

const printed = new WeakMap<DocumentNode, { query: string; operationName: string | undefined }>();

function serialize(document: DocumentNode) {
  let entry = printed.get(document);
  if (!entry) {
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
    entry = { query: print(document), operationName: operation?.name?.value };
    printed.set(document, entry);
  }
  return entry;
}

/**
 * A small typed client for the Weixi GraphQL API over HTTP.
 *
 * @example
 * const weixi = createWeixiClient({ url: 'http://127.0.0.1:4000/graphql', headers: { authorization: `Bearer ${token}` } });
 * const { customerByMsisdn } = await weixi.request(customerByMsisdnQuery, { msisdn: '13900000001' });
 */
export function createWeixiClient(options: WeixiClientOptions): WeixiClient {
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (!fetchFn) throw new Error('createWeixiClient: no global fetch here; pass `fetch`');
  const url = options.url;

  const post = async (document: DocumentNode, variables: unknown, accept: string, requestOptions: RequestOptions | undefined, signal: AbortSignal | null) => {
    const { query, operationName } = serialize(document);
    const shared = typeof options.headers === 'function' ? await options.headers() : options.headers;
    try {
      const response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, ...shared, ...requestOptions?.headers },
        body: JSON.stringify({ query, variables: variables ?? {}, operationName }),
        signal,
      });
      return { response, operationName };
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new WeixiClientError(`${operationName ?? 'request'}: POST ${url} failed: ${reason}`, { operationName, status: 0, cause });
    }
  };

  return {
    url,
    async request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...args: RequestArgs<TVariables>): Promise<TResult> {
      const [variables, requestOptions] = args;
      const accept = 'application/graphql-response+json, application/json;q=0.9';
      const { response, operationName } = await post(document, variables, accept, requestOptions, requestOptions?.signal ?? null);
      const text = await response.text();
      let body: GraphQLResponseBody | undefined;
      try {
        body = JSON.parse(text) as GraphQLResponseBody;
      } catch {
        body = undefined;
      }
      if (body?.errors?.length) {
        const summary = body.errors.map((e) => e.message).join('; ');
        throw new WeixiClientError(`${operationName ?? 'request'}: ${summary}`, { operationName, errors: body.errors, status: response.status, data: body.data });
      }
      if (!response.ok || body?.data == null) {
        const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
        throw new WeixiClientError(`${operationName ?? 'request'}: HTTP ${response.status} from ${url}${snippet ? `: ${snippet}` : ''}`, {
          operationName,
          status: response.status,
        });
      }
      return body.data as TResult;
    },

    async *subscribe<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...args: RequestArgs<TVariables>): AsyncGenerator<TResult, void, undefined> {
      const [variables, requestOptions] = args;
      // Leaving the loop ends the request, and so the subscription on the server.
      const ending = new AbortController();
      const stop = () => ending.abort();
      requestOptions?.signal?.addEventListener('abort', stop, { once: true });
      try {
        const { response, operationName } = await post(document, variables, 'text/event-stream', requestOptions, ending.signal);
        const name = operationName ?? 'subscription';
        if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
          const text = await response.text();
          let errors: WeixiGraphQLError[] | undefined;
          try {
            // A refusal comes as JSON, or as one SSE `next` event when the server answered in the stream's format.
            errors = (JSON.parse(/^data: ?(.*)$/m.exec(text)?.[1] ?? text) as GraphQLResponseBody).errors;
          } catch {
            errors = undefined;
          }
          const summary = errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status} from ${url}`;
          throw new WeixiClientError(`${name}: ${summary}`, { operationName, errors: errors ?? [], status: response.status });
        }
        for await (const result of sseResults(response.body)) {
          const body = result as GraphQLResponseBody;
          if (body.errors?.length) {
            throw new WeixiClientError(`${name}: ${body.errors.map((e) => e.message).join('; ')}`, { operationName, errors: body.errors, status: response.status, data: body.data });
          }
          yield body.data as TResult;
        }
      } catch (error) {
        if (!ending.signal.aborted) throw error;
      } finally {
        requestOptions?.signal?.removeEventListener('abort', stop);
        stop();
      }
    },
  };
}
