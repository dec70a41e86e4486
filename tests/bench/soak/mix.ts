/**
 * The soak's request mix, in a fixed rotation of 20 slots: 9 operator pages, 4 agent task lists, 3
 * recordEvents of 5 events, 2 recordUsage and 2 createTask, the writes spread over the operator's
 * customers with idempotency keys unique to the run. Every answer is read for errors.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Request } from 'autocannon';
export interface SoakCustomer {
  /** The customer's GraphQL id. */
  id: string;
  msisdn: string;
}

type Kind = 'page' | 'tasks' | 'events' | 'usage' | 'task';

const ROTATION: Kind[] = ['page', 'tasks', 'page', 'events', 'page', 'usage', 'tasks', 'page', 'task', 'page', 'events', 'page', 'tasks', 'page', 'usage', 'page', 'events', 'tasks', 'page', 'task'];

const RECORD_EVENTS = `mutation SoakEvents($events: [CustomerEventInput!]!) { recordEvents(events: $events) { recorded duplicates } }`;
const RECORD_USAGE = `mutation SoakUsage($usage: [UsageInput!]!) { recordUsage(usage: $usage) { recorded } }`;
const CREATE_TASK = `mutation SoakTask($input: CreateTaskInput!) { createTask(input: $input) { created task { id state } } }`;

export interface SoakMixOptions {
  keys: { operator: string; agent: string };
  /** The operator's customers, read once the server is up. */
  customers: () => SoakCustomer[];
  queries: { page: string; tasks: string };
  /** Makes this run's idempotency keys its own. */
  runId: string;
  /** The server's "now": events and tasks are dated from it. */
  now: Date;
}


export function soakMix(options: SoakMixOptions) {
  const { keys, customers, queries, runId, now } = options;
  const sentByKind: Record<Kind, number> = { page: 0, tasks: 0, events: 0, usage: 0, task: 0 };
  const errorsByKind: Partial<Record<string, number>> = {};
  let sent = 0;
  let errorTotal = 0;
  const customer = (n: number) => {
    const all = customers();
    return all[n % all.length]!;
  };
  const body = (kind: Kind, n: number): { token: string; payload: unknown } => {
    switch (kind) {
      case 'page':
        return { token: keys.operator, payload: { query: queries.page } };
      case 'tasks':
        return { token: keys.agent, payload: { query: queries.tasks } };
      case 'events': {
        const events = Array.from({ length: 5 }, (_, i) => ({
          msisdn: customer(n * 5 + i).msisdn,
          type: i % 2 ? 'complaint' : 'port_out.inquiry',
          occurredAt: new Date(now.getTime() - (n % 1000) * 60_000).toISOString(),
          idempotencyKey: `soak-${runId}-${n}-${i}`,
          payload: { soak: true },
        }));
        return { token: keys.operator, payload: { query: RECORD_EVENTS, variables: { events } } };
      }
      case 'usage':
        return {
          token: keys.operator,
          payload: { query: RECORD_USAGE, variables: { usage: [{ msisdn: customer(n).msisdn, month: '2026-10', revenueCents: 5000 + (n % 500), dataMb: n % 4000, complaints: n % 3 }] } },
        };
      case 'task':
        return {
          token: keys.operator,
          payload: {
            query: CREATE_TASK,
            variables: { input: { customerId: customer(n).id, dueAt: new Date(now.getTime() + 3 * 86_400_000).toISOString(), reason: 'soak: retention call', idempotencyKey: `soak-${runId}-${n}` } },
          },
        };
    }
  };
  return {
    /** autocannon's hook: the next request of the rotation; its kind rides in the context for onResponse. */
    setupRequest(request: Request, context: object): Request {
      const n = sent++;
      const kind = ROTATION[n % ROTATION.length]!;
      sentByKind[kind]++;
      (context as { kind?: Kind }).kind = kind;
      const { token, payload } = body(kind, n);
      return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(payload) };
    },
    onResponse(status: number, responseBody: string, context: object, _headers?: IncomingHttpHeaders): void {
      let failed = status < 200 || status >= 300;
      if (!failed) {
        try {
          failed = Boolean((JSON.parse(responseBody) as { errors?: unknown[] }).errors?.length);
        } catch {
          failed = true;
        }
      }
      if (!failed) return;
      errorTotal++;
      const key = `${(context as { kind?: Kind }).kind} ${status}`;
      errorsByKind[key] = (errorsByKind[key] ?? 0) + 1;
      if (errorTotal <= 3) console.error(`  soak error (${key}): ${responseBody.slice(0, 300)}`);
    },
    sent: () => sent,
    counts: () => ({ ...sentByKind }),
    errors: () => ({ total: errorTotal, byKind: { ...errorsByKind } }),
  };
}
