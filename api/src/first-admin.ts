/**
 * Nothing is served anonymously, so a fresh install needs a way in: when no admin key is active, the
 * server creates one and prints it once (it is stored hashed and cannot be shown again).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { createApiKey } from '@weixi/core/access';
import { apiKeys, type Database } from '@weixi/db';

/** A new admin key when the database has no active one; otherwise undefined. */
export async function firstAdminKey(database: Database): Promise<string | undefined> {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(apiKeys)
    .where(and(eq(apiKeys.role, 'admin'), isNull(apiKeys.revokedAt)));
  if ((row?.n ?? 0) > 0) return undefined;
  return (await createApiKey(database.db, { role: 'admin', name: 'local admin (created at first start)' })).key;
}

export function firstAdminBanner(key: string): string {
  return [
    'No admin key existed, so one was created. It is shown only now; keep it:',
    '',
    `  Authorization: Bearer ${key}`,
    '',
    "Create more keys with 'pnpm weixi keys create --role <admin|operator|agent|integrator>'.",
    key,
  ].join('\n');
}
