import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { WeixiClientError, type WeixiGraphQLError } from './errors.js';

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

  return {
    url,
    async request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...args: RequestArgs<TVariables>): Promise<TResult> {
      const [variables, requestOptions] = args;
      const { query, operationName } = serialize(document);
      const shared = typeof options.headers === 'function' ? await options.headers() : options.headers;
      let response: Response;
      try {
        response = await fetchFn(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json;q=0.9',
            ...shared,
            ...requestOptions?.headers,
          },
          body: JSON.stringify({ query, variables: variables ?? {}, operationName }),
          signal: requestOptions?.signal ?? null,
        });
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new WeixiClientError(`${operationName ?? 'request'}: POST ${url} failed: ${reason}`, { operationName, status: 0, cause });
      }

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
  };
}
