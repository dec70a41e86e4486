/** The channel's settings for a region, as declared in package.json (`weixi.settings`). */
export interface WebhookSettings {
  /** The receiver; empty: the region has none. */
  url: string;
  /** The HMAC-SHA256 key shared with the receiver (a secret: the API never returns it). */
  secret: string;
  /** How long to wait for the receiver's answer. */
  timeoutMs: number;
}
