/** Applies one disposition message to its contact: a report, and an opt-out for `do_not_call`. */
import type { PluginContext } from '@weixi/sdk';
import { DISPOSITION_STATUS, dispositionDetail, parseDisposition } from './disposition.js';
import type { CallSettings } from './settings.js';

/**
 * Resolves once the disposition is recorded (the link acks only then, so a crash before it redelivers);
 * a malformed message resolves too, after an error log, since redelivering it would never help.
 */
export type DispositionHandler = (body: Buffer, meta: { queue: string; redelivered: boolean }) => Promise<void>;

export function dispositionApplier(ctx: PluginContext<CallSettings>): DispositionHandler {
  return async (body, meta) => {
    const parsed = parseDisposition(body);
    if ('problem' in parsed) {
      ctx.logger.error('malformed call disposition dropped', { ...meta, problem: parsed.problem, body: body.toString('utf8').slice(0, 500) });
      return;
    }
    const d = parsed.disposition;
    const which = d.contactId !== undefined ? { contactId: d.contactId } : { providerRef: d.messageId! };
    if (d.disposition === 'do_not_call') {
      // Before the report: a crash in between redelivers, and recording the opt-out twice is harmless.
      const who = d.customerId !== undefined ? { customerId: d.customerId } : d.msisdn ? { msisdn: d.msisdn } : null;
      if (!who) ctx.logger.error('do_not_call names no customer (customerId or msisdn): opt-out not recorded', { ...meta, ...which });
      else if (!(await ctx.channels.optOut({ channel: '*', ...who, purpose: 'marketing', source: 'call: do not call' }))) {
        ctx.logger.warn('do_not_call for an unknown customer', { ...meta, ...which });
      }
    }
    const result = await ctx.channels.report({
      channel: 'call',
      ...which,
      status: DISPOSITION_STATUS[d.disposition],
      providerCode: d.disposition,
      disposition: d.disposition,
      detail: dispositionDetail(d),
      ...(d.at ? { at: d.at } : {}),
    });
    if (!result) ctx.logger.warn('call disposition for no call contact', { ...meta, ...which, disposition: d.disposition });
    else ctx.logger.info('call disposition applied', { ...meta, contactId: result.contactId, disposition: d.disposition, status: result.status });
  };
}
