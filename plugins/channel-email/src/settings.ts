/** The email channel's settings for a region (package.json `weixi.settings` documents each). */
export interface EmailSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** A secret: the API reads it back masked. */
  password: string;
  from: string;
  replyTo: string;
  subjectDefault: string;
  unsubscribeUrl: string;
  ratePerSecond?: number;
  /** Staff who get the region's daily KPI report; empty: none. */
  reportRecipients: string[];
  connectionTimeoutMs: number;
}

/** What opens an SMTP connection: regions sharing these share one pool. */
export type SmtpServerSettings = Pick<EmailSettings, 'host' | 'port' | 'secure' | 'user' | 'password' | 'ratePerSecond' | 'connectionTimeoutMs'>;
