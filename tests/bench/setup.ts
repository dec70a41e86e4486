/**
 * The bench database: a fresh PostgreSQL database (dropped and recreated unless `--reuse` finds the same
 * population), migrated, seeded with the demo population, tiers ranked, and ~5% of customers given a task.
 */
import { refreshTiers } from '@weixi/core';
import { openDatabase, type Database, type DatabaseClient } from '@weixi/db';
import { seedDemoData, type SeedProgress } from '@weixi/demo';
import { round, timed } from './measure.js';

/** The fixed "now" of every run: the population, segments and page are computed for it (reproducible). */
export const BENCH_NOW = new Date('2026-11-15T04:00:00Z');
export const DEFAULT_BENCH_URL = 'postgres://postgres@127.0.0.1:5432/weixi_bench';

/** The postgres.js client underneath, for the hand-written SQL the bench compares Weixi with. */
export type PgSql = Extract<DatabaseClient, { kind: 'postgres' }>['sql'];

export function pgOf(database: Database): PgSql {
  if (database.client.kind !== 'postgres') throw new Error('the bench runs on PostgreSQL');
  return database.client.sql;
}

export interface SetupFigures {
  url: string;
  reused: boolean;
  customers: number;
  usageRows: number;
  tasks: number;
  seedSeconds: number | null;
  tiersSeconds: number | null;
  tasksSeconds: number | null;
}

async function population(database: Database): Promise<{ customers: number; usageRows: number; tasks: number } | undefined> {
  try {
    const [row] = await pgOf(database)`select (select count(*)::int from customers) as customers,
      (select count(*)::int from monthly_usage) as usage_rows, (select count(*)::int from retention_tasks) as tasks`;
    return { customers: row!.customers as number, usageRows: row!.usage_rows as number, tasks: row!.tasks as number };
  } catch {
    return undefined; // not migrated yet
  }
}

export async function recreate(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const server = await openDatabase({ url: admin.toString(), maxConnections: 1 });
  try {
    const ident = `"${name.replace(/"/g, '""')}"`;
    await pgOf(server).unsafe(`drop database if exists ${ident} with (force)`);
    await pgOf(server).unsafe(`create database ${ident}`);
  } finally {
    await server.close();
  }
}

function progressPrinter(): (p: SeedProgress) => void {
  let last = 0;
  const started = Date.now();
  return (p) => {
    if (p.done !== p.total && p.done !== 0 && Date.now() - last < 3000) return;
    last = Date.now();
    const pct = p.total ? Math.floor((100 * p.done) / p.total) : 100;
    console.log(`  seeding ${p.phase}: ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')} (${pct}%) ${round((Date.now() - started) / 1000)} s`);
  };
}

/** Opens one retention task per 20th customer (every 40th assigned), each with its creation transition: one statement. */
async function createTasks(database: Database): Promise<number> {
  const now = BENCH_NOW.toISOString();
  const due = new Date(BENCH_NOW.getTime() + 3 * 86_400_000).toISOString();
  const [row] = await pgOf(database)`
    with created as (
      insert into retention_tasks (customer_id, reason, tactic, channel, assignee, state, due_at, created_at, updated_at)
      select id, 'bench: revenue at risk', 'retention-offer', 'call',
        case when id % 40 = 0 then 'agent-' || (id % 7 + 1) end,
        case when id % 40 = 0 then 'assigned' else 'open' end,
        ${due}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
      from customers where id % 20 = 0
      returning id, state, created_at
    ),
    transitions as (
      insert into task_transitions (task_id, from_state, to_state, at, actor)
      select id, null, state, created_at, 'bench' from created
      returning 1
    )
    select (select count(*)::int from created) as tasks, (select count(*)::int from transitions) as transitions`;
  await pgOf(database)`analyze retention_tasks, task_transitions`;
  return row!.tasks as number;
}

export async function setupBenchDatabase(opts: { customers: number; reuse: boolean; url?: string; months?: number }): Promise<{ database: Database; figures: SetupFigures }> {
  const url = opts.url ?? process.env.WEIXI_BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
  const shown = url.replace(/\/\/[^@/]*@/, '//');
  if (opts.reuse) {
    const database = await openDatabase({ url }).catch(() => undefined);
    const found = database && (await population(database));
    if (database && found && found.customers === opts.customers && found.tasks > 0) {
      console.log(`  reusing ${shown}: ${found.customers.toLocaleString('en')} customers`);
      await database.migrate();
      return { database, figures: { url: shown, reused: true, ...found, seedSeconds: null, tiersSeconds: null, tasksSeconds: null } };
    }
    await database?.close();
    console.log(`  --reuse: ${shown} does not hold ${opts.customers.toLocaleString('en')} customers with tasks; recreating it`);
  }
  await recreate(url);
  const database = await openDatabase({ url });
  await database.migrate();
  const seed = await timed(() => seedDemoData(database, { customers: opts.customers, now: BENCH_NOW, months: opts.months ?? 6, onProgress: progressPrinter() }));
  const tiers = await timed(() => refreshTiers(database.db, { now: BENCH_NOW }));
  console.log(`  tiers ranked in ${round(tiers.ms / 1000)} s`);
  const tasks = await timed(() => createTasks(database));
  console.log(`  ${tasks.value.toLocaleString('en')} tasks opened in ${round(tasks.ms / 1000)} s`);
  return {
    database,
    figures: {
      url: shown,
      reused: false,
      customers: seed.value.customers,
      usageRows: seed.value.usageRows,
      tasks: tasks.value,
      seedSeconds: round(seed.ms / 1000),
      tiersSeconds: round(tiers.ms / 1000),
      tasksSeconds: round(tasks.ms / 1000),
    },
  };
}
