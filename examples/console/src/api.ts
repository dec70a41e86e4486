import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createWeixiClient, WeixiClientError } from '@weixi/client';

/**
 * One client for the whole console. The API key lives in sessionStorage (this tab only, gone when it closes)
 * and travels in the Authorization header, never in a URL. The API is on the page's own origin: the Vite dev
 * server proxies `/graphql`, and the API itself serves the built console at `/console/`.
 */
const KEY = 'weixi.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export const weixi = createWeixiClient({
  url: new URL('/graphql', window.location.href).href,
  headers: (): Record<string, string> => {
    const key = apiKey.get();
    return key ? { authorization: `Bearer ${key}` } : {};
  },
});

/** A readable message for any failure: the server's message and code with each bad field, or the network error. */
export function errorText(error: unknown): string {
  if (error instanceof WeixiClientError) {
    const head = error.code ? `${error.message} (${error.code})` : error.message;
    const issues = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    return issues.length ? `${head}: ${issues.join('; ')}` : head;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Signs out (and so shows the login page) when the server says the key is no good. */
let onUnauthenticated: () => void = () => {};
export const setUnauthenticatedHandler = (handler: () => void) => (onUnauthenticated = handler);

export async function call<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  try {
    return await (weixi.request as (d: TypedDocumentNode<R, V>, v: V) => Promise<R>)(document, variables);
  } catch (error) {
    if (error instanceof WeixiClientError && error.status === 401) onUnauthenticated();
    throw error;
  }
}

export interface QueryState<R> {
  data: R | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs a query when its variables change (compared as JSON); `skip` holds it back. */
export function useQuery<R, V>(document: TypedDocumentNode<R, V>, variables: V, skip = false): QueryState<R> {
  const [state, setState] = useState<{ data?: R; error?: string; loading: boolean }>({ loading: !skip });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (skip) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    call(document, JSON.parse(key) as V).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: errorText(error), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [document, key, skip, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
