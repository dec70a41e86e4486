/**
 * @weixi/client: a typed client for the Weixi GraphQL API. The operations in `operations/` are typed by
 * graphql-codegen (`pnpm --filter @weixi/client codegen`), so `request` knows their variables and results.
 */
export { createWeixiClient, type RequestArgs, type RequestOptions, type WeixiClient, type WeixiClientOptions } from './client.js';
export { WeixiClientError, type WeixiClientErrorDetails, type WeixiGraphQLError, type WeixiIssue } from './errors.js';
export { graphql } from './documents.js';
export * from './operations/index.js';
// Input, enum and result types (CustomerInput, Tier, CustomersQuery, ...).
export type * from './gql/graphql.js';
