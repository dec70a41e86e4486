/**
 * `/ready`: whether this process should get traffic. The database answers, its migrations are applied up
 * to the latest this build ships, and the plugin host has read every plugin's state. 200 with the checks,
 * else 503 with the same body naming what is not ready. A plugin that failed is reported, not a reason to
 * refuse traffic: failures stay local to that plugin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { PluginHost } from '@weixi/core';
import { MIGRATIONS_FOLDER, type Database } from '@weixi/db';

export interface Readiness {
  ready: boolean;
  /** What is not ready, e.g. `["migrations"]`. */
  notReady: string[];
  checks: {
    database: { ok: boolean; kind: Database['kind']; error?: string };
    migrations: { ok: boolean; applied?: string; latest: string; error?: string };
    plugins: { ok: boolean; active: number; failed: string[] };
  };
}

/** A check that takes longer is reported as failed, so a hung database never hangs the probe. */
const CHECK_TIMEOUT_MS = 2_000;

interface JournalEntry {
  tag: string;
  when: number;
}

/** The latest migration this build ships (drizzle's journal); drizzle records `when` as `created_at`. */
function latestMigration(): JournalEntry {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries.at(-1)!;
}

export function readinessProbe(database: Database, plugins?: PluginHost): () => Promise<Readiness> {
  const latest = latestMigration();
  // Migrations never go backwards: once the latest is seen, the check is no longer asked of the database.
  let migrated = false;
  return async () => {
    const database_: Readiness['checks']['database'] = { ok: true, kind: database.kind };
    const migrations: Readiness['checks']['migrations'] = { ok: migrated, latest: latest.tag };
    try {
      await withTimeout(query(database, 'select 1 as one'), 'database');
    } catch (error) {
      Object.assign(database_, { ok: false, error: messageOf(error) });
    }
    if (!migrated && database_.ok) {
      try {
        const [row] = await withTimeout(
          query<{ at: string | null }>(database, 'select max(created_at)::text as at from drizzle.__drizzle_migrations'),
          'migrations',
        );
        const at = row?.at == null ? 0 : Number(row.at);
        migrated = at >= latest.when;
        Object.assign(migrations, { ok: migrated, applied: at ? new Date(at).toISOString() : 'none' });
        if (!migrated) migrations.error = `the database lacks migrations up to ${latest.tag}; run \`weixi migrate\``;
      } catch (error) {
        Object.assign(migrations, { ok: false, error: messageOf(error) });
      }
    } else if (!database_.ok) {
      Object.assign(migrations, { ok: migrated, ...(migrated ? {} : { error: 'database unreachable' }) });
    }
    const states = plugins?.list() ?? [];
    const pluginCheck = {
      ok: plugins === undefined || plugins.startedAt !== undefined,
      active: states.filter((s) => s.status === 'active').length,
      failed: states.filter((s) => s.status === 'failed').map((s) => s.id),
    };
    const checks = { database: database_, migrations, plugins: pluginCheck };
    const notReady = Object.entries(checks).filter(([, c]) => !c.ok).map(([name]) => name);
    return { ready: notReady.length === 0, notReady, checks };
  };
}

/** Writes the probe's answer: 200 when ready, else 503. */
export async function answerReadiness(probe: () => Promise<Readiness>, res: ServerResponse): Promise<void> {
  const readiness = await probe();
  res.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(readiness));
}

/** Straight to the driver: a probe needs no query builder. */
async function query<T>(database: Database, text: string): Promise<T[]> {
  const client = database.client;
  if (client.kind === 'postgres') return (await client.sql.unsafe(text)) as unknown as T[];
  return (await client.pglite.query<T>(text)).rows;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} check took over ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The innermost cause ("connect ECONNREFUSED"), without the statement's parameters. */
function messageOf(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return (current instanceof Error ? current.message : String(current)).slice(0, 300);
}
