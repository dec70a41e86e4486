/**
 * The sms sender: submits each contact to the region's SMSC as submit_sm (one per part, registered_delivery 1
 * so a receipt follows) from the region's sender number. Once per contactId in this process: a retry of a
 * contact already accepted answers the first outcome again, and one that failed half way resumes at the first
 * part not yet accepted, with the same concatenation reference.
 */
import type { ChannelSender, OutgoingContact, PluginContext, SendOutcome } from '@weixi/sdk';
import { segment } from './segments.js';
import type { SmsSettings } from './settings.js';
import { commandStatusCode, commandStatusName, type Smsc } from './smsc.js';
import type { Submissions } from './submissions.js';

/** submit_sm refusals worth retrying (the core retries a throw with backoff): the SMSC is busy, not the message wrong. */
const TRANSIENT = new Set([
  0x08, // ESME_RSYSERR
  0x14, // ESME_RMSGQFUL
  0x58, // ESME_RTHROTTLED
]);

/** Contacts remembered at most (their outcome, or the parts accepted so far); the oldest are forgotten first. */
const CAPACITY = 10_000;

/** 138****0001: enough for an agent to recognise the number, not enough to copy it. */
export function maskMsisdn(msisdn: string): string {
  return msisdn.length < 8 ? '****' : `${msisdn.slice(0, 3)}****${msisdn.slice(-4)}`;
}

interface Progress {
  reference: number;
  /** message_id of each part the SMSC accepted, in order. */
  accepted: string[];
}

export function smsSender(ctx: PluginContext<SmsSettings>, smscFor: (settings: SmsSettings) => Smsc, submissions: Submissions): ChannelSender {
  const outcomes = new Map<number, Promise<SendOutcome>>();
  const progress = new Map<number, Progress>();
  let nextReference = 0;

  async function submit(contact: OutgoingContact): Promise<SendOutcome> {
    const settings = await ctx.settings.forRegion(contact.regionCode);
    if (!settings.host) return { status: 'failed', detail: `no SMSC is set for region ${contact.regionCode} (settings host, systemId, password)` };
    const [customer] = await ctx.services.customers.byIds([contact.customerId]);
    if (!customer?.msisdn) return { status: 'failed', detail: `customer ${contact.customerId} has no number` };
    const done = remember(progress, contact.contactId, () => ({ reference: nextReference++ & 0xff, accepted: [] }));
    const { dataCoding, parts } = segment(contact.message, done.reference);
    const smsc = smscFor(settings);
    const to = `from ${settings.senderId} to ${maskMsisdn(customer.msisdn)}`;
    for (let i = done.accepted.length; i < parts.length; i++) {
      const resp = await smsc.submit(settings, settings.ratePerSecond, {
        source_addr: settings.senderId,
        dest_addr_npi: 1, // ISDN (E.164)
        destination_addr: customer.msisdn,
        esm_class: parts.length > 1 ? 0x40 : 0, // UDH indicator
        registered_delivery: 1, // a receipt for the final outcome
        data_coding: dataCoding,
        short_message: parts[i],
      });
      const which = parts.length > 1 ? `part ${i + 1} of ${parts.length}` : 'the message';
      if (TRANSIENT.has(resp.command_status)) throw new Error(`SMSC answered ${commandStatusName(resp.command_status)} to ${which}`);
      if (resp.command_status !== 0) {
        return {
          status: 'rejected',
          providerCode: commandStatusCode(resp.command_status),
          ...(done.accepted[0] ? { providerRef: done.accepted[0] } : {}),
          detail: `${to}: the SMSC refused ${which}: ${commandStatusName(resp.command_status)}`,
        };
      }
      done.accepted.push(String(resp.message_id));
    }
    submissions.add(done.accepted);
    return { status: 'sent', providerRef: done.accepted[0]!, providerCode: commandStatusCode(0), detail: parts.length > 1 ? `${to} in ${parts.length} parts` : to };
  }

  return {
    send(contact) {
      return remember(outcomes, contact.contactId, () => {
        const outcome = submit(contact);
        // a throw is retried by the core: let the retry in, to resume where this attempt stopped
        outcome.catch(() => outcomes.delete(contact.contactId));
        return outcome;
      });
    },
  };
}

/** The map's value for `key`, created once; the map keeps its newest CAPACITY entries. */
function remember<V>(map: Map<number, V>, key: number, create: () => V): V {
  const known = map.get(key);
  if (known !== undefined) return known;
  const value = create();
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= CAPACITY) break;
    map.delete(oldest);
  }
  return value;
}
