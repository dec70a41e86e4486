/**
 * Handles what the SMSC delivers: a final receipt becomes a report on the contact (DELIVRD: delivered;
 * UNDELIV, EXPIRED, DELETED, UNKNOWN: failed; REJECTD: rejected; providerCode the `stat:` word), and a
 * customer's 退订 / TD / T / unsubscribe reply withdraws marketing consent on every channel (channel `*`).
 * The MIIT's 通信短信息服务管理规定 (2015) has a sender stop commercial messages once the customer refuses
 * them; we read a TD as refusing the operator's marketing, not only its SMS.
 * Service messages (bills, outages) keep their consent.
 * Answers the deliver_sm_resp command_status.
 */
import type { PDU } from 'smpp';
import type { PluginContext } from '@weixi/sdk';
import { RECEIPT_STATUS, isReceipt, isUnsubscribe, nationalNumber, parseReceipt, textOf } from './inbound.js';
import type { SmsSettings } from './settings.js';
import type { Submissions } from './submissions.js';

const OK = 0;
/** ESME_RX_T_APPN: the SMSC delivers the PDU again later. */
const TRY_AGAIN_LATER = 0x64;

export function receiver(ctx: PluginContext<SmsSettings>, submissions: Submissions): (pdu: PDU) => Promise<number> {
  return async (pdu) => {
    if (!isReceipt(pdu)) {
      if (!isUnsubscribe(pdu)) return OK;
      const msisdn = nationalNumber(String(pdu.source_addr));
      const who = await ctx.channels.optOut({ channel: '*', msisdn, purpose: 'marketing', source: `sms reply ${textOf(pdu).trim()}` });
      if (!who) ctx.logger.info('an unsubscribe reply from a number that is no customer', { to: String(pdu.destination_addr) });
      return OK;
    }
    const receipt = parseReceipt(pdu);
    const status = receipt && RECEIPT_STATUS[receipt.stat];
    if (!receipt || !status) return OK; // not final (ACCEPTD, ENROUTE), or unreadable
    const message = submissions.get(receipt.messageId);
    if (message && status === 'delivered' && !submissions.delivered(message, receipt.messageId)) return OK; // other parts on their way
    const reported = await ctx.channels.report({
      channel: 'sms',
      providerRef: message?.providerRef ?? receipt.messageId,
      status,
      providerCode: receipt.stat,
      // a failure says why; a delivery keeps the send's detail (sender and masked number)
      ...(status === 'delivered' ? {} : { detail: `receipt stat:${receipt.stat}${receipt.err ? ` err:${receipt.err}` : ''}` }),
    });
    // ours, but its contact does not have the providerRef yet (a receipt faster than the core storing the send)
    if (!reported && message) return TRY_AGAIN_LATER;
    if (message) submissions.settle(message);
    return OK;
  };
}
