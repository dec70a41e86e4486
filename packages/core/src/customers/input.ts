import { CUSTOMER_STATUSES, GROUP_KINDS, PAYMENT_TYPES, type CustomerStatus, type GroupKind, type PaymentType } from '@weixi/db';
import type { IssueList } from '../errors.js';
import { checkJson, checkText, TEXT_LIMITS } from '../text-limits.js';

/**
 * A full customer record as an integrator sends it. Upsert replaces the record identified by `msisdn`:
 * fields left out fall back to their defaults, so a CRM full sync is idempotent.
 */
export interface CustomerInput {
  msisdn: string;
  name: string;
  regionCode: string;
  joinedOn: string;
  plan: string;
  paymentType: PaymentType;
  balanceCents?: number | null;
  creditLimitCents?: number | null;
  points?: number | null;
  contractEndsOn?: string | null;
  device?: string | null;
  birthday?: string | null;
  groupId?: string | null;
  groupKind?: GroupKind | null;
  isCampus?: boolean | null;
  accountManager?: string | null;
  consent?: Record<string, boolean> | null;
  status?: CustomerStatus | null;
  churnedOn?: string | null;
  attributes?: Record<string, unknown> | null;
}

/** Digits only, 6 to 15 of them (E.164 without the plus). */
const MSISDN = /^\d{6,15}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CHANNEL_ID = /^[a-z][a-z0-9_-]{0,39}$/;

export function isIsoDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Normalises an MSISDN (drops spaces, dashes and a leading +); undefined when it is not one. */
export function normaliseMsisdn(text: string): string | undefined {
  // Already digits only (what imports of millions of rows have): nothing to drop, no regex to run.
  if (text.length >= 6 && text.length <= 15 && onlyDigits(text)) return text;
  const digits = text.replace(/[\s-]/g, '').replace(/^\+/, '');
  return MSISDN.test(digits) ? digits : undefined;
}

function onlyDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Checks one customer record field by field; the caller checks regions and duplicates across the batch. */
export function checkCustomerInput(input: CustomerInput, path: string, issues: IssueList): void {
  if (normaliseMsisdn(input.msisdn) === undefined) issues.add(`${path}.msisdn`, `${JSON.stringify(input.msisdn)} is not an MSISDN (6 to 15 digits, optional leading +)`);
  if (checkText(issues, `${path}.name`, input.name, TEXT_LIMITS.name) && !input.name.trim()) issues.add(`${path}.name`, 'must not be empty');
  if (checkText(issues, `${path}.plan`, input.plan, TEXT_LIMITS.plan) && !input.plan.trim()) issues.add(`${path}.plan`, 'must not be empty');
  checkText(issues, `${path}.regionCode`, input.regionCode, TEXT_LIMITS.regionCode);
  for (const key of ['device', 'groupId', 'accountManager'] as const) checkText(issues, `${path}.${key}`, input[key], TEXT_LIMITS[key]);
  for (const key of ['joinedOn', 'contractEndsOn', 'birthday', 'churnedOn'] as const) {
    const value = input[key];
    if (value != null && !isIsoDate(value)) issues.add(`${path}.${key}`, `${JSON.stringify(value)} is not a date (YYYY-MM-DD)`);
  }
  if (!PAYMENT_TYPES.includes(input.paymentType)) issues.add(`${path}.paymentType`, `must be one of ${PAYMENT_TYPES.join(', ')}`);
  if (input.status != null && !CUSTOMER_STATUSES.includes(input.status)) issues.add(`${path}.status`, `must be one of ${CUSTOMER_STATUSES.join(', ')}`);
  if (input.groupKind != null && !GROUP_KINDS.includes(input.groupKind)) issues.add(`${path}.groupKind`, `must be one of ${GROUP_KINDS.join(', ')}`);
  if ((input.groupId == null) !== (input.groupKind == null)) issues.add(`${path}.groupKind`, 'groupId and groupKind go together: give both or neither');
  for (const key of ['balanceCents', 'creditLimitCents', 'points'] as const) {
    const value = input[key];
    if (value != null && !Number.isSafeInteger(value)) issues.add(`${path}.${key}`, 'must be a whole number');
  }
  if (input.creditLimitCents != null && input.creditLimitCents < 0) issues.add(`${path}.creditLimitCents`, `${input.creditLimitCents} is negative; a credit limit is 0 or more`);
  if (input.points != null && input.points < 0) issues.add(`${path}.points`, `${input.points} is negative; points are 0 or more`);
  const churned = input.status === 'churned';
  if (churned && input.churnedOn == null) issues.add(`${path}.churnedOn`, 'a churned customer needs churnedOn');
  if (!churned && input.churnedOn != null) issues.add(`${path}.churnedOn`, 'only a customer with status churned has churnedOn');
  for (const channel of Object.keys(input.consent ?? {})) {
    if (!CHANNEL_ID.test(channel)) issues.add(`${path}.consent`, `${JSON.stringify(channel)} is not a channel id (lower case letters, digits, - and _)`);
  }
  if (input.attributes != null && (typeof input.attributes !== 'object' || Array.isArray(input.attributes))) {
    issues.add(`${path}.attributes`, 'must be a JSON object');
  } else checkJson(issues, `${path}.attributes`, input.attributes);
}
