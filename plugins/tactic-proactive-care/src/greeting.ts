/** The birthday greeting (生日关怀): its text and the key that makes it once per customer and year. */
import type { CustomerView } from '@weixi/sdk';
import { wholeYears } from './birthday.js';

export interface CareSettings {
  channel: string;
  message: string;
  daysAhead: number;
}

/** The greeting for a customer; `{name}` and `{networkYears}` are filled in. */
export function greetingText(template: string, customer: CustomerView, birthday: string): string {
  return template.replaceAll('{name}', customer.name ?? '').replaceAll('{networkYears}', String(Math.max(1, wholeYears(customer.joinedOn, birthday))));
}

/** One greeting per customer and birthday: the year is the birthday's, so greeting days ahead stays once. */
export function greetingKey(customerId: number, birthday: string): string {
  return `tactic-proactive-care:birthday:${birthday.slice(0, 4)}:${customerId}`;
}
