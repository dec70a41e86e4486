import { WeixiError, type InputIssue } from '@weixi/core';

/** Why the store refused a plugin; stable, for GraphQL `extensions.reason` and the CLI. */
export type RefusalReason =
  | 'NOT_FOUND'
  | 'NO_MATCHING_VERSION'
  | 'REGISTRY_UNREACHABLE'
  | 'INTEGRITY_MISMATCH'
  | 'UNSIGNED'
  | 'UNKNOWN_PUBLISHER'
  | 'BAD_SIGNATURE'
  | 'INVALID_MANIFEST'
  | 'ENGINE_MISMATCH'
  | 'MISSING_DEPENDENCY'
  | 'DEPENDENCY_INSTALL_FAILED';

/** A plugin the store would not install; nothing of it was imported and nothing was placed in the store. */
export class PluginRefusedError extends WeixiError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    issues: InputIssue[] = [],
  ) {
    super(reason === 'NOT_FOUND' || reason === 'NO_MATCHING_VERSION' ? 'NOT_FOUND' : 'BAD_USER_INPUT', message, issues);
    this.name = 'PluginRefusedError';
  }
}
