/**
 * Limits on the text an integrator sends, checked per item before anything is written, so a bad value is a
 * BAD_USER_INPUT issue naming its item and field rather than a database error failing the whole batch
 * (PostgreSQL refuses NUL in text and JSON, and a name over ~2.7 KB no longer fits its index). Lengths are
 * in characters (UTF-16 code units); JSON sizes in UTF-8 bytes. The README's ingest section lists them.
 */
import type { IssueList } from './errors.js';

export const TEXT_LIMITS = {
  name: 200,
  plan: 64,
  device: 100,
  groupId: 64,
  accountManager: 100,
  regionCode: 64,
  eventType: 64,
  idempotencyKey: 200,
  /** Customer attributes and event payloads, as JSON. */
  jsonBytes: 16_384,
} as const;

const NUL = '\u0000';
const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** Adds an issue at `path` when the text holds NUL or is longer than `max` characters; true when it is fine. */
export function checkText(issues: IssueList, path: string, text: string | null | undefined, max: number): boolean {
  if (text == null) return true;
  if (text.includes(NUL)) issues.add(path, NUL_MESSAGE);
  else if (text.length > max) issues.add(path, `is ${text.length} characters long; at most ${max}`);
  else return true;
  return false;
}

/** Adds an issue when a JSON value holds NUL in any key or string, or is over `TEXT_LIMITS.jsonBytes` as JSON. */
export function checkJson(issues: IssueList, path: string, value: unknown): void {
  if (value == null) return;
  const at = nulAt(value, '');
  if (at !== undefined) return issues.add(path, `${NUL_MESSAGE}, found at ${at || 'the top level'}`);
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > TEXT_LIMITS.jsonBytes) issues.add(path, `is ${bytes} bytes as JSON; at most ${TEXT_LIMITS.jsonBytes}`);
}

/** Where in a JSON value the first NUL is (`a.b[2]`), or undefined. */
function nulAt(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? at : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulAt(item, `${at}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const here = at ? `${at}.${key}` : key;
      if (key.includes(NUL)) return here;
      const found = nulAt(item, here);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
