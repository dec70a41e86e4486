/**
 * Ingest batches written by a principal: every item must fall inside the regions it may write to (an
 * operator's subtrees, an integrator's bound). One item outside rejects the whole batch with FORBIDDEN,
 * every such item listed by path, and nothing is written.
 */
import { AccessError, canSeeRegionPath, type Principal } from '../access/index.js';
import type { InputIssue } from '../errors.js';

/** Options of an ingest batch: where its items sit in the request, and who writes it (default: the platform). */
export interface BatchOptions {
  path?: string;
  principal?: Principal;
}

/** `operator key:ab12cd`: how messages name the caller. */
export function callerName(principal: Principal): string {
  return `${principal.kind} ${principal.actor}`;
}

/** The caller's regions for messages: `JS-NJ, ZJ`, or `every region` when nothing bounds it. */
export function callerRegions(principal: Principal): string {
  if (principal.kind === 'admin' || principal.regionPaths === 'all') return 'every region';
  return principal.regionCodes.join(', ');
}

/** ` in JS-NJ, ZJ` for a principal bounded by regions; empty when nothing bounds it. */
export function regionsPhrase(principal: Principal): string {
  return principal.kind === 'admin' || principal.regionPaths === 'all' ? '' : ` in ${principal.regionCodes.join(', ')}`;
}

/** Whether the principal may write to customers of the region at `path`. */
export function mayWriteRegion(principal: Principal, path: string): boolean {
  return canSeeRegionPath(principal, path);
}

/** FORBIDDEN for a batch with items outside the caller's regions; `issues` lists each of them by path. */
export class OutOfScopeError extends AccessError {
  constructor(principal: Principal, outside: readonly InputIssue[]) {
    const shown = outside.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
    const more = outside.length > 3 ? ` (and ${outside.length - 3} more)` : '';
    super('FORBIDDEN', 'forbidden', `${callerName(principal)} may only write inside ${callerRegions(principal)}, so nothing was written: ${shown}${more}`, [...outside]);
  }
}

/** Throws OutOfScopeError when any item was found outside the caller's regions. */
export function throwIfOutside(principal: Principal, outside: readonly InputIssue[]): void {
  if (outside.length > 0) throw new OutOfScopeError(principal, outside);
}
