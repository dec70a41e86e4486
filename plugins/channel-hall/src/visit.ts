/**
 * The `account-manager` sender (客户经理上门): a retention task for the visit, once per contact (keyed by
 * it, so a retry finds the same task). The contact's providerRef names the task; its outcome comes back
 * when the task is closed (task-closed.ts) or through `hall_recordVisitOutcome`.
 */
import type { ChannelSender, OutgoingContact, PluginContext } from '@weixi/sdk';
import type { HallSettings } from './settings.js';
import { ACCOUNT_MANAGER } from './settings.js';

const DAY = 86_400_000;

/** The contact's task, as its providerRef names it. */
export const taskRef = (taskId: number) => `task-${taskId}`;

/** The end of the region's calendar day `days` days after today (by the platform's clock). */
async function dueAt(ctx: PluginContext<HallSettings>, regionCode: string, days: number): Promise<Date> {
  const today = await ctx.services.regions.day(regionCode);
  // Noon of the target day, so a daylight-saving shift cannot land on the wrong day.
  return (await ctx.services.regions.day(regionCode, new Date(today.start.getTime() + days * DAY + DAY / 2))).end;
}

function reasonOf(contact: OutgoingContact): string {
  const serves = contact.taskId === null ? '' : ` for task ${contact.taskId}`;
  return `客户经理上门 account-manager visit: present the offer of ${contact.requestedBy}${serves} (contact ${contact.contactId})`;
}

export function accountManagerSender(ctx: PluginContext<HallSettings>): ChannelSender {
  return {
    async send(contact) {
      const { visitDueDays } = await ctx.settings.forRegion(contact.regionCode);
      const due = await dueAt(ctx, contact.regionCode, visitDueDays);
      const { taskId } = await ctx.services.tasks.create({
        customerId: contact.customerId,
        reason: reasonOf(contact),
        channel: ACCOUNT_MANAGER,
        dueAt: due,
        script: contact.message,
        idempotencyKey: `contact-${contact.contactId}`,
      });
      return { status: 'sent', providerRef: taskRef(taskId), detail: `visit task ${taskId}, due ${due.toISOString()}` };
    },
  };
}
