/**
 * Concurrent `recordEvents` writers against a running server, each write with its own idempotency key,
 * and the bookkeeping to check afterwards that every write the server acknowledged is stored and every
 * one it refused can be retried into exactly one stored row.
 */
import { sql } from 'drizzle-orm';
import { openDatabase } from '@weixi/db';

export interface Writer {
  /** `Bearer <key>` */
  authorization: string;
  /** MSISDNs of customers this credential may write events for. */
  msisdns: string[];
}

interface Attempt {
  key: string;
  msisdn: string;
  writer: Writer;
}

export interface Refusal {
  key: string;
  /** HTTP status, or 0 when no response came (connection refused or reset). */
  status: number;
  code?: string;
  message?: string;
}

export class WriteLoad {
  /** Keys the server acknowledged (recorded 1), in order, with the time each was acknowledged. */
  readonly acknowledged: Array<{ key: string; at: number }> = [];
  readonly refused: Refusal[] = [];
  private readonly pending = new Map<string, Attempt>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {}

  /** Starts one loop per writer, each sending one event at a time. */
  start(writers: Writer[]): void {
    this.running = true;
    this.loops = writers.map(async (writer, w) => {
      for (let n = 0; this.running; n++) {
        const attempt = { key: `${this.prefix}-${w}-${n}`, msisdn: writer.msisdns[n % writer.msisdns.length]!, writer };
        const refusal = await this.send(attempt);
        if (refusal) {
          this.refused.push(refusal);
          this.pending.set(attempt.key, attempt);
          if (refusal.status === 0) await pause(50); // nothing answered: do not spin
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Acknowledgements between two times (ms since the epoch). */
  acknowledgedBetween(from: number, to: number): number {
    return this.acknowledged.filter((a) => a.at >= from && a.at < to).length;
  }

  /**
   * Re-sends every refused write with its own key until the server acknowledges it (as recorded, or as
   * a duplicate when the refused attempt had in fact been stored); returns how many were duplicates.
   */
  async retryRefused(maxRounds = 10): Promise<{ retried: number; duplicates: number }> {
    const retried = this.pending.size;
    let duplicates = 0;
    for (let round = 0; round < maxRounds && this.pending.size > 0; round++) {
      for (const attempt of [...this.pending.values()]) {
        const outcome = await this.post(attempt);
        if ('ok' in outcome) {
          this.pending.delete(attempt.key);
          duplicates += outcome.duplicates;
        }
      }
      if (this.pending.size > 0) await pause(500);
    }
    if (this.pending.size > 0) throw new Error(`${this.pending.size} refused writes still refused after ${maxRounds} rounds of retries`);
    return { retried, duplicates };
  }

  /** Every key this load used, acknowledged or retried into the database. */
  keys(): string[] {
    return [...this.acknowledged.map((a) => a.key), ...new Set(this.refused.map((r) => r.key))];
  }

  private async send(attempt: Attempt): Promise<Refusal | undefined> {
    const outcome = await this.post(attempt);
    if ('ok' in outcome) {
      // A first attempt at a new key cannot be a duplicate: if it were, something stored it twice over.
      if (outcome.duplicates !== 0) throw new Error(`first attempt at ${attempt.key} was reported as a duplicate`);
      this.acknowledged.push({ key: attempt.key, at: Date.now() });
      return undefined;
    }
    return outcome;
  }

  private async post(attempt: Attempt): Promise<{ ok: true; duplicates: number } | Refusal> {
    const query = `mutation($events: [CustomerEventInput!]!) { recordEvents(events: $events) { recorded duplicates } }`;
    const events = [{ msisdn: attempt.msisdn, type: 'load.test', occurredAt: new Date().toISOString(), idempotencyKey: attempt.key }];
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: attempt.writer.authorization },
        body: JSON.stringify({ query, variables: { events } }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      return { key: attempt.key, status: 0, message: String(error) };
    }
    const body = (await response.json()) as {
      data?: { recordEvents?: { recorded: number; duplicates: number } } | null;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    const result = body.data?.recordEvents;
    if (!body.errors?.length && result && result.recorded + result.duplicates === 1) return { ok: true, duplicates: result.duplicates };
    return { key: attempt.key, status: response.status, code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message };
  }
}

/** How many rows each key has in `customer_events`, read straight from the database. */
export async function storedRowsByKey(databaseUrl: string, prefix: string): Promise<Map<string, number>> {
  const database = await openDatabase({ url: databaseUrl, maxConnections: 1 });
  try {
    const rows = await database.rows<{ key: string; n: number }>(sql`
      select idempotency_key as key, count(*)::int as n from customer_events
      where idempotency_key like ${prefix + '-%'} group by idempotency_key`);
    return new Map(rows.map((r) => [r.key, r.n]));
  } finally {
    await database.close();
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `count` writers as admin and `count` as an operator of JS-NJ (a key created for the purpose), so both
 * the admin path and the operator's row-security transaction are loaded.
 */
export async function adminAndOperatorWriters(url: string, adminKey: string, count: number): Promise<Writer[]> {
  const admin = `Bearer ${adminKey}`;
  const gql = async (query: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: admin }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(`setup query failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const created = await gql(`mutation { createApiKey(input: { role: OPERATOR, regionCodes: ["JS-NJ"], name: "load" }) { key } }`);
  const msisdns = async (filter: string) =>
    (await gql(`{ customers(first: 50${filter}) { edges { node { msisdn } } } }`)).customers.edges.map((e: any) => e.node.msisdn as string);
  const everywhere = await msisdns('');
  const nanjing = await msisdns(', filter: { regionCodes: ["JS-NJ"] }');
  if (nanjing.length === 0) throw new Error('the demo population has no customer in JS-NJ');
  const operator = `Bearer ${created.createApiKey.key}`;
  return Array.from({ length: 2 * count }, (_, i) => (i % 2 === 0 ? { authorization: admin, msisdns: everywhere } : { authorization: operator, msisdns: nanjing }));
}
