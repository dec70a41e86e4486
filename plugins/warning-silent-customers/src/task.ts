/** The retention task (派单) a silent customer gets: one per customer and month, whatever reruns the scan. */
import type { RegionDay } from '@weixi/sdk';

export interface SilentSettings {
  silentMonths: number;
  taskDueDays: number;
  reason: string;
}

const DAY_MS = 86_400_000;

export interface SilentTask {
  customerId: number;
  reason: string;
  dueAt: Date;
  script: string;
  idempotencyKey: string;
}

/** The task for one customer on the region's `day`; the key names the month, so a month has one task. */
export function silentTask(customerId: number, day: RegionDay, settings: SilentSettings): SilentTask {
  const months = settings.silentMonths;
  return {
    customerId,
    reason: settings.reason.replaceAll('{months}', String(months)),
    dueAt: new Date(day.start.getTime() + settings.taskDueDays * DAY_MS),
    script: `客户已连续${months}个月没有任何通话、短信或上网记录。请回访了解原因（外出、换卡、改用他网），确认号码仍在使用，并按客户情况推荐维系方案。`,
    idempotencyKey: `warning-silent-customers:${day.date.slice(0, 7)}:${customerId}`,
  };
}
