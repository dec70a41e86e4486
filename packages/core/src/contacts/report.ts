/**
 * Receipts and dispositions arriving after a send (a SMS centre's delivery report, a call centre's agent
 * disposition). A status only moves forward: queued → sent → delivered | failed | rejected; a repeated or
 * late receipt changes nothing. An undeliverable outcome hands the contact to its next channel.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import type { ContactStatus, DeliveryReport } from '@weixi/sdk';
import type { Clock } from '../clock.js';
import { InputError } from '../errors.js';
import { fallBack } from './fallback.js';

const STATUSES = ['sent', 'delivered', 'failed', 'rejected'];

/** Applies a report on a contact of one of `channels` (the reporting plugin's); null when none matches. */
export async function reportDelivery(db: Db, clock: Clock, channels: readonly string[], report: DeliveryReport): Promise<{ contactId: number; status: ContactStatus } | null> {
  if (!channels.includes(report.channel)) throw new InputError([{ path: 'report.channel', message: `is not a channel this plugin implements (${channels.join(', ') || 'none'})` }]);
  if (!STATUSES.includes(report.status)) throw new InputError([{ path: 'report.status', message: `must be one of ${STATUSES.join(', ')}` }]);
  if (report.contactId === undefined && !report.providerRef) throw new InputError([{ path: 'report', message: 'names the contact by contactId or providerRef' }]);
  const which = report.contactId !== undefined ? sql`id = ${report.contactId}` : sql`provider_ref = ${report.providerRef!}`;
  const at = (report.at ?? clock.now()).toISOString();
  const detail = report.detail ?? (report.disposition ? `disposition: ${report.disposition}` : null);
  // `sent` may only follow queued; a final status may follow queued or sent, never another final one.
  const [updated] = await queryRows<{ id: number; status: ContactStatus }>(
    db,
    sql`update contacts set status = ${report.status}, provider_code = coalesce(${report.providerCode ?? null}, provider_code),
          disposition = coalesce(${report.disposition ?? null}, disposition), detail = coalesce(${detail}, detail), updated_at = ${at}::timestamptz
        where channel = ${report.channel} and ${which}
          and (status = 'queued' or (status = 'sent' and ${report.status} <> 'sent'))
        returning id, status`,
  );
  if (updated) {
    if (updated.status === 'failed' || updated.status === 'rejected') await fallBack(db, clock, Number(updated.id));
    return { contactId: Number(updated.id), status: updated.status };
  }
  const [current] = await queryRows<{ id: number; status: ContactStatus }>(db, sql`select id, status from contacts where channel = ${report.channel} and ${which} order by id desc limit 1`);
  return current ? { contactId: Number(current.id), status: current.status } : null;
}
