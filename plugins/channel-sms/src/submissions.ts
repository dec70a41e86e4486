/**
 * Messages this process submitted, by the message_id of each part, until their receipts settle them. A
 * message in several parts gets a receipt per part: it is delivered once every part is, and undeliverable as
 * soon as one part is not; either way the report names the contact by its providerRef, the first part's id.
 * After a restart the map is empty: the first part's receipt still matches the contact, the others nothing.
 */
export interface Submitted {
  /** The first part's message_id: the providerRef stored on the contact. */
  providerRef: string;
  parts: readonly string[];
  /** The parts without a DELIVRD receipt yet. */
  undelivered: Set<string>;
}

/** Parts remembered at most; the oldest are forgotten first (their receipts then match only by providerRef). */
const CAPACITY = 50_000;

export class Submissions {
  private readonly byPart = new Map<string, Submitted>();

  add(partIds: readonly string[]): void {
    const message: Submitted = { providerRef: partIds[0]!, parts: partIds, undelivered: new Set(partIds) };
    for (const id of partIds) this.byPart.set(id, message);
    for (const oldest of this.byPart.keys()) {
      if (this.byPart.size <= CAPACITY) break;
      this.byPart.delete(oldest);
    }
  }

  get(partId: string): Submitted | undefined {
    return this.byPart.get(partId);
  }

  /** Marks a part delivered; true when it was the last part waiting. */
  delivered(message: Submitted, partId: string): boolean {
    message.undelivered.delete(partId);
    return message.undelivered.size === 0;
  }

  /** Forgets a message once its final status is reported. */
  settle(message: Submitted): void {
    for (const id of message.parts) if (this.byPart.get(id) === message) this.byPart.delete(id);
  }
}
