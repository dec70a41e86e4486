/** The channel's settings for a region, as declared in package.json (`weixi.settings`). */
export interface SmsSettings {
  /** The SMSC (短信网关); empty: the region has none and its messages fail. */
  host: string;
  port: number;
  /** The ESME account: system_id and password (a secret) of bind_transceiver. */
  systemId: string;
  password: string;
  /** The sender number (短信端口号): source_addr of every message. */
  senderId: string;
  /** submit_sm a second the account may send. */
  ratePerSecond: number;
  /** How long to wait for the connection and bind, and for each submit_sm_resp. */
  timeoutMs: number;
  /** enquire_link period on an idle connection; 0: none. */
  enquireLinkSeconds: number;
}
