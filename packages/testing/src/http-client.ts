/**
 * A minimal GraphQL-over-HTTP client for tests: POSTs as any program would, with a Bearer credential. A
 * request whose variables hold a Blob (a file to upload) goes as a multipart request (the GraphQL
 * multipart request spec: operations, map, then one part per file).
 */

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
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const gql = async <T,>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const files = Object.entries(variables ?? {}).filter(([, v]) => v instanceof Blob) as Array<[string, Blob]>;
    const res =
      files.length === 0
        ? await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...auth },
            body: JSON.stringify({ query, variables }),
          })
        : await fetch(url, { method: 'POST', headers: { accept: 'application/graphql-response+json', ...auth }, body: multipart(query, variables!, files) });
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

/** The multipart body of a request with files: each Blob variable is null in `operations` and a part of its own. */
function multipart(query: string, variables: Record<string, unknown>, files: Array<[string, Blob]>): FormData {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, ...Object.fromEntries(files.map(([name]) => [name, null])) } }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map(([name], i) => [String(i), [`variables.${name}`]]))));
  files.forEach(([name, blob], i) => form.append(String(i), blob, `${name}.csv`));
  return form;
}

