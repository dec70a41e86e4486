/** A minimal GraphQL-over-HTTP client for tests: POSTs as any program would, with a Bearer credential. */

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; reason?: string; issues?: Array<{ path: string; message: string }>; [key: string]: unknown } }>;
}

export interface GraphQLHttpClient {
  /** POSTs a GraphQL request; returns `{ data, errors }` whatever the HTTP status. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like `gql`, but throws on any error and returns `data`. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** A client for `url` sending `Authorization: Bearer <token>` (nothing when `token` is null). */
export function graphqlHttpClient(url: string, token: string | null): GraphQLHttpClient {
  const gql = async <T,>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  };
  return {
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const result = await gql<T>(query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as T;
    },
  };
}
