import { graphql } from '../gql/index.js';

/** An API key's record, never its secret. */
export const apiKeyFragment = graphql(`
  fragment ApiKeyRecord on ApiKey {
    prefix
    name
    role
    regionCodes
    agentId
    scopes
    createdAt
    lastUsedAt
    revokedAt
  }
`);

/** Creates an API key (platform admins only); `key` is shown this once, send it as `Authorization: Bearer <key>`. */
export const createApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      key
      apiKey {
        ...ApiKeyRecord
      }
    }
  }
`);

/** API keys, oldest first (platform admins only); `revoked` true or false narrows to revoked or live ones. */
export const apiKeysQuery = graphql(`
  query ApiKeys($revoked: Boolean, $first: Int, $after: String) {
    apiKeys(revoked: $revoked, first: $first, after: $after) {
      pageInfo {
        ...PageFields
      }
      edges {
        node {
          ...ApiKeyRecord
        }
      }
    }
  }
`);

/** Revokes a key by its prefix (platform admins only); idempotent. */
export const revokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($prefix: String!) {
    revokeApiKey(prefix: $prefix) {
      alreadyRevoked
      apiKey {
        ...ApiKeyRecord
      }
    }
  }
`);

/** The audit log of mutations, newest first (platform admins only). */
export const auditLogQuery = graphql(`
  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      pageInfo {
        ...PageFields
      }
      edges {
        node {
          at
          actor
          role
          operation
          objects
          objectCount
          plugin
          outcome
          errorCode
          detail
          requestId
        }
      }
    }
  }
`);
