import { NotFoundError } from '@weixi/core';

/** The numeric id inside a decoded global ID; a malformed one is reported as not found at `path`. */
export function localId(globalId: { id: string; typename: string }, path: string): number {
  const id = Number(globalId.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError(globalId.typename, globalId.id, path);
  return id;
}
