/**
 * The daily KPI report (每日通报) to the region's staff: on `kpi.report.ready` (heard only where the plugin is
 * enabled), one email to `reportRecipients` from the region's sender, the HTML as the body and the CSV
 * attached. Once per report: what was sent is kept in the plugin's storage under the report id, and the
 * Message-ID is derived from that id, so a rerun of the day sends nothing and the SMTP side could tell a
 * duplicate. A send that fails (server down, login or every recipient refused) throws, counted against the
 * plugin in the region, and is not marked, so the next run of the day tries again; recipients refused while
 * others were taken are logged and kept with the mark.
 */
import type { KpiReportReady, PluginContext } from '@weixi/sdk';
import type { SendMailOptions } from 'nodemailer';
import { messageIdOf, senderAddress } from './message.js';
import type { EmailSettings } from './settings.js';
import type { SmtpTransports } from './transports.js';

/** What the storage keeps for a delivered report (region of the report, key `kpi-report:<id>`). */
export interface DeliveredReport {
  messageId: string;
  recipients: string[];
  /** Recipients the server refused while it took the others (the email is not sent to them again). */
  refused: string[];
  sentAt: string;
}

export const deliveredKey = (reportId: number) => `kpi-report:${reportId}`;

export function composeReportEmail(report: KpiReportReady, settings: EmailSettings, sender: string): SendMailOptions {
  return {
    from: settings.from,
    to: settings.reportRecipients,
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    subject: report.title,
    html: report.html,
    text: `${report.title}: the report is in HTML; its figures are attached as CSV.`,
    attachments: [{ filename: `weixi-kpi-${report.regionCode}-${report.day}.csv`, content: report.csv, contentType: 'text/csv; charset=utf-8' }],
    messageId: messageIdOf(report.reportId, sender, 'kpi-report'),
    headers: { 'X-Weixi-Kpi-Report': String(report.reportId) },
  };
}

export function reportMailer(ctx: PluginContext<EmailSettings>, transports: SmtpTransports) {
  return async (report: KpiReportReady): Promise<void> => {
    const settings = await ctx.settings.forRegion(report.regionCode);
    if (settings.reportRecipients.length === 0) return;
    const fields = { regionCode: report.regionCode, reportId: report.reportId };
    if (!settings.host) return ctx.logger.warn('kpi report not mailed: email is not configured here (no SMTP host)', fields);
    const sender = senderAddress(settings.from);
    if (!sender) return ctx.logger.warn(`kpi report not mailed: from is ${JSON.stringify(settings.from)}, which has no address`, fields);
    const key = deliveredKey(report.reportId);
    if (await ctx.storage.get<DeliveredReport>(report.regionCode, key)) return;

    const email = composeReportEmail(report, settings, sender);
    const info = await transports.for(settings).sendMail(email);
    const refused = (info.rejected ?? []).map(String);
    const delivered: DeliveredReport = { messageId: email.messageId!, recipients: settings.reportRecipients, refused, sentAt: new Date().toISOString() };
    await ctx.storage.set(report.regionCode, key, delivered);
    if (refused.length > 0) ctx.logger.warn('kpi report mailed, but the server refused some recipients', { ...fields, refused });
    else ctx.logger.info('kpi report mailed', { ...fields, recipients: settings.reportRecipients.length });
  };
}
