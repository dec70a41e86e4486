/**
 * What a live notice says: the kind of row and the ids that changed, nothing else. Migration
 * `0021_live_notices` sends them from triggers on the channel `weixi_live` as `<kind>:<id>,<id>,...`.
 */
export const LIVE_CHANNEL = 'weixi_live';

/** `task`: a retention task was created or changed; `job_run`: a job run was queued or moved; `warning`: a warning was raised. */
export const LIVE_KINDS = ['task', 'job_run', 'warning'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export interface LiveNotice {
  kind: LiveKind;
  ids: number[];
}

/** The notice in a payload, or undefined for one this version does not know (a newer server's kind). */
export function parseLiveNotice(payload: string): LiveNotice | undefined {
  const colon = payload.indexOf(':');
  const kind = payload.slice(0, colon) as LiveKind;
  if (colon < 0 || !LIVE_KINDS.includes(kind)) return undefined;
  const ids = payload
    .slice(colon + 1)
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
  return ids.length > 0 ? { kind, ids } : undefined;
}
