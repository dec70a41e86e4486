/**
 * The scope sweep for subscriptions, generated from the running schema like the query sweep: every root
 * subscription field, subscribed over SSE as every role with the same generated selection a query probe
 * would get; then every task and job run of the fixture changes and a warning is raised for every
 * customer, on both sides. Nothing a role receives may be out of its scope (the same oracle and leak
 * finder as sweep.test.ts), and the admin, the positive control, must receive out-of-scope rows on every
 * field, or the probe proved nothing.
 */
import { sql } from 'drizzle-orm';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '@weixi/platform';
import { subscribeSse, type LiveResult, type LiveSubscription } from '../api/live-clients.js';
import { selectionFor, type GenerateOptions } from './generate.js';
import { findLeaks } from './leaks.js';
import { visibilityOf } from './oracle.js';
import { formatReport, type Failure } from './report.js';
import { ADMIN } from './roles.js';
import { cost, depth, field, printOperation, splitWithin, tokens } from './selection.js';
import { startSweep, type Sweep, type SweepClient } from './setup.js';

/** Codes that refuse a subscription as it starts without showing anything (a role without read). */
const REFUSALS = new Set(['FORBIDDEN']);
const LIMITS = DEFAULT_QUERY_LIMITS;
const BUDGET = { cost: Math.floor(LIMITS.maxCost * 0.9), tokens: LIMITS.maxTokens - 50 };
/** Delivery counts as over when no subscriber received an event with data for this long (the admin always does). */
const QUIET_MS = 5_000;
const MOST_MS = 120_000;

let sweep: Sweep;
beforeAll(async () => {
  sweep = await startSweep();
}, 300_000);
afterAll(() => sweep?.close());

/** Everything each subscription receives until delivery is over, then closes them. */
async function collect<T extends { sub: LiveSubscription }>(subscriptions: T[]): Promise<Array<T & { results: LiveResult[] }>> {
  let lastAt = 0;
  const collected = subscriptions.map((s) => ({ ...s, results: [] as LiveResult[] }));
  for (const c of collected) {
    void (async () => {
      for (;;) {
        const result = await c.sub.next(MOST_MS);
        c.results.push(result);
        // Not a refusal, which comes as the subscription starts, before any change.
        if (result.data) lastAt = Date.now();
      }
    })().catch(() => {});
  }
  const deadline = Date.now() + MOST_MS;
  while (Date.now() < deadline && (lastAt === 0 || Date.now() - lastAt < QUIET_MS)) await new Promise((resolve) => setTimeout(resolve, 200));
  await Promise.all(collected.map((c) => c.sub.close()));
  return collected;
}

describe('scope sweep over every root subscription and role', () => {
  it("no subscription delivers a row out of the subscriber's scope, whoever subscribes", async () => {
    const type = sweep.schema.getSubscriptionType();
    expect(type, 'the schema has a Subscription type').toBeTruthy();
    const options: GenerateOptions = { schema: sweep.schema, sides: { in: sweep.fixture.in, out: sweep.fixture.out }, maxDepth: LIMITS.maxDepth, missing: new Set() };
    const failures: Failure[] = [];
    const subscriptions: Array<{ name: string; c: SweepClient; sub: LiveSubscription; op: { text: string; variables: Record<string, unknown> } }> = [];
    for (const [name, definition] of Object.entries(type!.getFields())) {
      if (definition.args.length > 0) {
        failures.push({ field: `Subscription.${name}`, label: 'out', role: 'generator', problems: ['takes arguments: teach this sweep their samples (see samples.ts)'] });
        continue;
      }
      for (const piece of splitWithin(field(name, selectionFor(definition, options, 'out')), BUDGET)) {
        if (cost(piece) > LIMITS.maxCost || depth(piece) > LIMITS.maxDepth || tokens(piece) > LIMITS.maxTokens) {
          failures.push({ field: `Subscription.${name}`, label: 'out', role: 'generator', problems: ['a piece stays over the query limits'] });
          continue;
        }
        const op = printOperation('subscription', [piece]);
        const invalid = validate(sweep.schema, parse(op.text));
        expect(invalid.map((e) => e.message)).toEqual([]);
        for (const c of sweep.clients) subscriptions.push({ name, c, op, sub: await subscribeSse(sweep.api.server.url, c.token, op.text, op.variables) });
      }
    }

    const db = sweep.api.database.db;
    await db.execute(sql`update retention_tasks set updated_at = updated_at`);
    await db.execute(sql`update job_runs set progress = progress`);
    await db.execute(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
      select id, 'sweep-live', 'every-customer', region_id, 'high', 90, 'sweep', 'open', '2026-10-01', now(), now() from customers`);

    // The oracle again: the warnings just raised are new rows.
    const visibility = new Map(await Promise.all(sweep.clients.map(async (c) => [c, await visibilityOf(sweep.api, c.role, sweep.fixture.markers)] as const)));
    const operatorVisibility = visibility.get(sweep.clients.find((c) => c.role.grant.role === 'operator')!)!;
    const received = await collect(subscriptions);
    const shownToAdmin = new Map<string, number>();
    for (const { name, c, op, results } of received) {
      const problems: string[] = [];
      for (const result of results) {
        problems.push(...(result.errors ?? []).filter((e) => !REFUSALS.has(String(e.extensions?.code)) || c.role === ADMIN).map((e) => `error ${String(e.extensions?.code)}: ${e.message}`));
        problems.push(...findLeaks(result.data, visibility.get(c)!, sweep.connections, 'Subscription').map((f) => `${f.path}: ${f.what}`));
        if (c.role === ADMIN) shownToAdmin.set(name, (shownToAdmin.get(name) ?? 0) + findLeaks(result.data, operatorVisibility, sweep.connections, 'Subscription').length);
      }
      if (problems.length > 0) failures.push({ field: `Subscription.${name}`, label: 'out', role: c.role.name, problems, operation: op });
    }
    for (const name of Object.keys(type!.getFields())) {
      if (!shownToAdmin.get(name)) failures.push({ field: `Subscription.${name}`, label: 'out', role: ADMIN.name, problems: ["delivers an admin nothing out of the operator's scope: the sweep's changes do not reach this subscription"] });
    }
    const report = formatReport('Subscriptions that deliver out-of-scope rows', failures);
    if (report) throw new Error(report);
  }, 600_000);
});
