/**
 * The channel contract (渠道): how a contact reaches a customer, and how what became of it comes back.
 *
 * A plugin that contributes a channel registers a `ChannelSender` for it. The core hands it a contact only
 * after the contact-policy gate let it through (consent, do-not-disturb, frequency cap, quiet hours,
 * port-out rule), and stores what the sender answers. Automated channels (SMS, email, push, webhooks) answer
 * with a provider status; human channels (outbound call 外呼, retail hall 营业厅, account-manager visit)
 * create work for people, answer `sent`, and report the person's disposition later with `report`.
 */
import type { Disposable } from './index.js';

/** The normalised delivery status every channel maps its provider's codes to. */
export type DeliveryStatus = 'sent' | 'delivered' | 'failed' | 'rejected';

/**
 * What a contact is for. `service` (a bill, an outage, an answer the customer asked for) and `marketing`
 * (a retention offer) have separate consent; do-not-disturb lists and the frequency cap hold marketing only.
 */
export type ContactPurpose = 'service' | 'marketing';
export const CONTACT_PURPOSES: readonly ContactPurpose[] = ['service', 'marketing'];

/**
 * Where a contact is: `queued` waits for its channel (or for a retry); `deferred` waits for the end of quiet
 * hours (it goes through the gate again then); `suppressed` was stopped by the contact policy and never
 * reached a channel; the others are the channel's `DeliveryStatus`.
 */
export type ContactStatus = 'queued' | 'deferred' | 'suppressed' | DeliveryStatus;

/** A contact as its channel gets it, after the gate let it through. */
export interface OutgoingContact {
  /** Stable across retries: the channel's idempotency key (a retry must not send the message twice). */
  contactId: number;
  customerId: number;
  /** The customer's region: settings and the sender identity are per region. */
  regionCode: string;
  channel: string;
  purpose: ContactPurpose;
  /** The language the message was rendered in (`zh`, `en`, ...). */
  language: string;
  /** A title for channels that have one (email subject, push title); null when the sender gave none. */
  subject: string | null;
  /** The text, with its variables filled in. */
  message: string;
  /** The retention task the contact serves, if any: human channels create work for it. */
  taskId: number | null;
  /** The plugin that asked for the contact. */
  requestedBy: string;
}

/** A channel's answer to a send. */
export interface SendOutcome {
  /** `sent`: accepted by the provider (or handed to people); a receipt may follow. */
  status: DeliveryStatus;
  /** The provider's own code (SMPP command_status, SMTP reply code, HTTP status), kept for diagnosis. */
  providerCode?: string;
  /** The provider's id for the message (SMPP message_id, SMTP Message-ID, a broker message id): receipts quote it. */
  providerRef?: string;
  detail?: string;
}

/** What a channel plugin implements for each channel it contributes. */
export interface ChannelSender {
  /**
   * Delivers one contact; the returned status is stored on the contact, a throw is retried later with
   * backoff (a connection refused, a timeout). Must be idempotent per `contactId`.
   */
  send(contact: OutgoingContact): Promise<SendOutcome>;
}

/** A delivery receipt, or a person's disposition on a human channel, arriving after the send. */
export interface DeliveryReport {
  /** The channel the contact went through (one this plugin implements). */
  channel: string;
  /** Which contact: its id, or the `providerRef` its send returned. */
  contactId?: number;
  providerRef?: string;
  status: DeliveryStatus;
  providerCode?: string;
  /** A human channel's disposition as recorded (`no_answer`, `accepted`, ...). */
  disposition?: string;
  detail?: string;
  /** When it happened at the provider (default now). */
  at?: Date;
}

/** A customer's request to stop: a 退订/TD reply, an unsubscribe link, a word to an agent. */
export interface OptOutRequest {
  /** The channel it applies to, or `*` for every channel. */
  channel: string;
  /** Who: the customer's id or number. */
  customerId?: number;
  msisdn?: string;
  /** Default `marketing`; `all` withdraws service consent too. */
  purpose?: ContactPurpose | 'all';
  /** Where it came from, kept with the consent record (`sms reply TD`, `unsubscribe link`). */
  source: string;
}

export interface PluginChannels {
  /** Implements a channel declared in `contributes.channels`. */
  register(channelId: string, sender: ChannelSender): Disposable;
  /**
   * Records a receipt or disposition on a contact of one of this plugin's channels. A status never goes
   * back (a late `sent` does not undo `delivered`); `failed` or `rejected` hands the contact to the next
   * channel the sender preferred, through the gate again. Null when no contact of this plugin's channels
   * matches (a receipt for a message another system sent).
   */
  report(report: DeliveryReport): Promise<{ contactId: number; status: ContactStatus } | null>;
  /** Records an opt-out (consent withdrawn) from now on. Null when no customer matches. */
  optOut(request: OptOutRequest): Promise<{ customerId: number } | null>;
}

/**
 * A message in several languages, with `{variable}` placeholders; the core picks the customer's language
 * (their `language` attribute, else the first key) and fills the placeholders.
 *
 * @example
 * ```ts
 * await ctx.services.contacts.send({
 *   channel: ['sms', 'email'], customerId, purpose: 'marketing', idempotencyKey: `renewal:${customerId}:2026-11`,
 *   message: { text: { zh: '{name}您好，您的合约将于{endsOn}到期', en: 'Dear {name}, your contract ends on {endsOn}' },
 *              subject: { zh: '合约续约', en: 'Contract renewal' }, variables: { endsOn: '2026-12-31' } },
 * });
 * ```
 */
export interface MessageTemplate {
  text: Record<string, string>;
  subject?: Record<string, string>;
  /** Values for the placeholders; `{name}` is the customer's name unless given here. */
  variables?: Record<string, string | number>;
}

/** Fills `{variable}` placeholders; an unknown one is an error naming it, never a message sent with braces in it. */
export function fillTemplate(template: string, variables: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new TypeError(`template variable {${name}} has no value (known: ${Object.keys(variables).sort().join(', ') || 'none'})`);
    return String(value);
  });
}

/** Picks the language of a template: the one asked for if present, else the first. */
export function pickLanguage(text: Readonly<Record<string, string>>, language: string | null | undefined): string {
  const languages = Object.keys(text);
  if (languages.length === 0) throw new TypeError('a message template needs at least one language');
  return language && language in text ? language : languages[0]!;
}
