/** The offer itself: who is eligible, when the window is open, the text and the once-a-year key. */
import type { SegmentCondition } from '@weixi/sdk';

export interface CampusSummerSettings {
  /** `MM-DD`, the city's date. */
  offerFrom: string;
  offerUntil: string;
  channel: string;
  message: string;
  priceYuan: number;
}

/** Active campus customers (校园客户): the core evaluates it in SQL, in the region's subtree. */
export const CAMPUS_CUSTOMERS: SegmentCondition = {
  and: [
    { field: { field: 'isCampus', op: 'eq', value: 'true' } },
    { field: { field: 'status', op: 'eq', value: 'active' } },
  ],
};

/** Whether `date` (`YYYY-MM-DD`) falls in the window, both ends included; MM-DD compare as text. */
export function inWindow(date: string, settings: Pick<CampusSummerSettings, 'offerFrom' | 'offerUntil'>): boolean {
  const day = date.slice(5);
  return settings.offerFrom <= day && day <= settings.offerUntil;
}

export function offerText(settings: Pick<CampusSummerSettings, 'message' | 'priceYuan'>, customer: { name?: string }): string {
  return settings.message.replaceAll('{name}', customer.name ?? '').replaceAll('{priceYuan}', String(settings.priceYuan));
}

/** Once per customer and summer, whatever the window, the channel or how often the job runs. */
export function offerKey(customerId: number, year: string): string {
  return `campus-summer:${year}:${customerId}`;
}
