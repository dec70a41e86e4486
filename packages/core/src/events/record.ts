import { customerEvents, type Db } from '@weixi/db';
import { SYSTEM_PRINCIPAL } from '../access/index.js';
import { IssueList } from '../errors.js';
import { checkJson, checkText, TEXT_LIMITS } from '../text-limits.js';
import type { BatchOptions } from '../customers/write-scope.js';
import { resolveCustomerReferences, throwIfUnknown, type CustomerReference } from '../customers/identify.js';

export type CustomerEvent = typeof customerEvents.$inferSelect;

/**
 * Something that happened to a customer. Re-sending an event with the same idempotencyKey for the same
 * customer is a no-op; keys are scoped to the customer, so another region's key never swallows an event.
 */
export interface EventInput extends CustomerReference {
  type: string;
  occurredAt: Date;
  payload?: Record<string, unknown> | null;
  idempotencyKey?: string | null;
}

/** Event types are dotted lower-case words: `port_out.inquiry`, `complaint`, `plan.changed`. */
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
export const MAX_EVENT_BATCH = 5000;

export interface RecordEventsResult {
  events: CustomerEvent[];
  /** Items skipped because their idempotencyKey was already recorded for their customer. */
  duplicates: number;
}

/** Records a batch of events, validated whole; an item naming a customer the principal does not see rejects it with NOT_FOUND. */
export async function recordEvents(db: Db, inputs: readonly EventInput[], options: BatchOptions = {}): Promise<RecordEventsResult> {
  const { path = 'events', principal = SYSTEM_PRINCIPAL } = options;
  const issues = new IssueList();
  const unknown = new IssueList();
  if (inputs.length === 0) issues.add(path, 'must hold at least one event');
  if (inputs.length > MAX_EVENT_BATCH) issues.add(path, `holds ${inputs.length} events; at most ${MAX_EVENT_BATCH} per call`);
  issues.throwIfAny();

  const customerIds = await resolveCustomerReferences(db, inputs, path, issues, { principal, unknown });
  const keys = new Map<string, number>();
  inputs.forEach((input, index) => {
    const at = `${path}[${index}]`;
    if (checkText(issues, `${at}.type`, input.type, TEXT_LIMITS.eventType) && !EVENT_TYPE.test(input.type)) issues.add(`${at}.type`, `${JSON.stringify(input.type)} is not an event type (dotted lower-case words such as port_out.inquiry)`);
    if (Number.isNaN(input.occurredAt.getTime())) issues.add(`${at}.occurredAt`, 'is not a valid time');
    if (input.payload != null && (typeof input.payload !== 'object' || Array.isArray(input.payload))) issues.add(`${at}.payload`, 'must be a JSON object');
    else checkJson(issues, `${at}.payload`, input.payload);
    if (checkText(issues, `${at}.idempotencyKey`, input.idempotencyKey, TEXT_LIMITS.idempotencyKey) && input.idempotencyKey != null) {
      const scoped = `${customerIds[index]}:${input.idempotencyKey}`;
      const first = keys.get(scoped);
      if (first !== undefined) issues.add(`${at}.idempotencyKey`, `${JSON.stringify(input.idempotencyKey)} is also used for this customer at ${path}[${first}]`);
      else keys.set(scoped, index);
    }
  });
  throwIfUnknown(unknown, issues);
  issues.throwIfAny();

  const events = await db
    .insert(customerEvents)
    .values(
      inputs.map((input, index) => ({
        customerId: customerIds[index]!,
        type: input.type,
        occurredAt: input.occurredAt,
        payload: input.payload ?? {},
        idempotencyKey: input.idempotencyKey ?? null,
      })),
    )
    .onConflictDoNothing({ target: [customerEvents.customerId, customerEvents.idempotencyKey] })
    .returning();
  return { events, duplicates: inputs.length - events.length };
}
