/**
 * Persisted operations, for frontends: the client sends `extensions.persistedQuery.sha256Hash` (the
 * format of Apollo and of graphql-codegen's `persistedDocuments`) instead of the query text, and the server
 * runs the stored text. With `allowArbitrary: false` nothing else runs, so a leaked credential can only
 * replay the application's own operations.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';

/** Query text by operation id, as an object or a (possibly async) lookup; null or undefined means unknown. */
export type PersistedOperationStore = Readonly<Record<string, string>> | ((id: string) => string | null | undefined | Promise<string | null | undefined>);

export interface PersistedOperationsOptions {
  /** Query text by id (e.g. graphql-codegen's `persisted-documents.json`), or a function that looks one up. */
  store: PersistedOperationStore;
  /** Also run query text sent in full (GraphiQL, integrators); default false: persisted operations only. */
  allowArbitrary?: boolean;
}

const persistedId = (params: { extensions?: Record<string, unknown> }) =>
  (params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;

/** The yoga plugin serving persisted operations from `store`. */
export function usePersistedOperationStore({ store, allowArbitrary = false }: PersistedOperationsOptions): Plugin {
  const lookup = typeof store === 'function' ? store : (id: string) => (Object.hasOwn(store, id) ? store[id] : null);
  return usePersistedOperations({
    allowArbitraryOperations: allowArbitrary,
    getPersistedOperation: async (id) => (await lookup(id)) ?? null,
    customErrors: {
      notFound: ({ params }) =>
        createGraphQLError(`PersistedQueryNotFound: no persisted operation has the id ${JSON.stringify(persistedId(params))}`, {
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
        }),
      keyNotFound: {
        message: 'this server runs persisted operations: send extensions.persistedQuery { version: 1, sha256Hash }',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      persistedQueryOnly: {
        message: 'this server runs persisted operations only: send extensions.persistedQuery { version: 1, sha256Hash } instead of a query',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
    },
  });
}
