/**
 * Authenticated principals remembered for a moment, so a busy credential costs no lookups on most
 * requests. An entry lives at most `PRINCIPAL_MEMORY_MS` (1 s) by the wall clock and by the platform
 * clock, whichever says less, and never past a JWT's `exp`: a key revoked in another process fails at
 * most a second later; revoked in this one (`revokeApiKey`), on the very next request. Concurrent
 * requests with the same credential share one lookup. Failures are never remembered.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Principal } from './principal.js';

/** How long a principal is remembered after its credential was checked against the database. */
export const PRINCIPAL_MEMORY_MS = 1000;

/** Revocations in this process: an entry remembered before the latest one is not trusted. */
let revocations = 0;

/** Drops every remembered principal of this process (called when a key is revoked here). */
export function forgetRememberedPrincipals(): void {
  revocations++;
}

/** What a credential check found: the principal, and when the credential itself expires (JWTs). */
export interface CheckedCredential {
  principal: Principal;
  expiresAt?: Date;
}

interface Entry {
  principal: Promise<Principal>;
  checkedAt: number;
  clockAt: number;
  expiresAt: number;
  revocations: number;
}

export class PrincipalMemory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = PRINCIPAL_MEMORY_MS,
    private readonly maxEntries = 10_000,
  ) {}

  /** The principal for `token`: remembered, or from `check` (whose failure is passed on, not kept). */
  recall(token: string, clock: Clock, check: () => Promise<CheckedCredential>): Promise<Principal> {
    const key = createHash('sha256').update(token).digest('base64');
    const now = clock.now().getTime();
    const found = this.entries.get(key);
    if (found && this.fresh(found, now)) return found.principal;
    if (found) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const entry: Entry = { principal: undefined!, checkedAt: performance.now(), clockAt: now, expiresAt: Infinity, revocations };
    entry.principal = check().then(
      (checked) => {
        entry.expiresAt = checked.expiresAt?.getTime() ?? Infinity;
        return checked.principal;
      },
      (error: unknown) => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        throw error;
      },
    );
    this.entries.set(key, entry);
    return entry.principal;
  }

  private fresh(entry: Entry, now: number): boolean {
    const clockAge = now - entry.clockAt;
    return entry.revocations === revocations && performance.now() - entry.checkedAt < this.ttlMs && clockAge >= 0 && clockAge < this.ttlMs && now < entry.expiresAt;
  }
}
