/**
 * Pooled SMTP transports, one per distinct server settings: connections are opened on the first email and
 * reused by the next ones, and every pool is closed when the plugin stops.
 */
import nodemailer, { type SMTPPoolOptions, type SMTPPoolSentMessageInfo, type Mail } from 'nodemailer';
import type { SmtpServerSettings } from './settings.js';

export type SmtpTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

export interface SmtpTransports {
  for(settings: SmtpServerSettings): SmtpTransport;
  closeAll(): void;
}

export function smtpTransports(): SmtpTransports {
  // Settings changed in the API make a new pool; the old one's connections close once idle (idleTimeout).
  const pools = new Map<string, SmtpTransport>();
  return {
    for(settings) {
      const key = JSON.stringify([settings.host, settings.port, settings.secure, settings.user, settings.password, settings.ratePerSecond ?? 0, settings.connectionTimeoutMs]);
      let pool = pools.get(key);
      if (!pool) {
        pool = nodemailer.createTransport(poolOptions(settings));
        pools.set(key, pool);
      }
      return pool;
    },
    closeAll() {
      for (const pool of pools.values()) pool.close();
      pools.clear();
    },
  };
}

function poolOptions(s: SmtpServerSettings): SMTPPoolOptions & { pool: true } {
  return {
    pool: true,
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password } } : {}),
    connectionTimeout: s.connectionTimeoutMs,
    greetingTimeout: s.connectionTimeoutMs,
    socketTimeout: s.connectionTimeoutMs,
    idleTimeout: 30_000,
    // One quick retry covers a pooled connection the server closed while idle; longer outages are the
    // outbox's to retry with backoff, where the contact shows it.
    maxRequeues: 1,
    ...(s.ratePerSecond ? { rateLimit: s.ratePerSecond, rateDelta: 1000 } : {}),
  };
}
