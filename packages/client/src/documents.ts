import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse, type DocumentNode } from 'graphql';

const parsed = new Map<string, DocumentNode>();

/**
 * A document for an operation of your own, typed by the result and variables you declare (the schema's
 * types are exported to build them from), parsed once per text:
 *
 * @example
 * const ids = graphql<{ upsertCustomers: { created: number; customers: Array<{ id: string }> } }, { customers: CustomerInput[] }>(`
 *   mutation Ids($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { created customers { id } } }`);
 * const { upsertCustomers } = await weixi.request(ids, { customers });
 *
 * For types generated from the document instead, run graphql-codegen's client preset over
 * `@weixi/client/schema.graphql` in your project. A syntax error throws here, when the document is made.
 */
export function graphql<TResult = Record<string, unknown>, TVariables = Record<string, unknown>>(source: string): TypedDocumentNode<TResult, TVariables> {
  let document = parsed.get(source);
  if (!document) {
    document = parse(source);
    parsed.set(source, document);
  }
  return document as TypedDocumentNode<TResult, TVariables>;
}
