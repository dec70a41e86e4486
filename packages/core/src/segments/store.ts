import { eq, sql } from 'drizzle-orm';
import { segments, type Db } from '@weixi/db';
import type { Clock } from '../clock.js';
import { IssueList, NotFoundError, WeixiError } from '../errors.js';
import { validateSegmentDefinition } from './validate.js';

export type Segment = typeof segments.$inferSelect;

export interface SegmentInput {
  name?: string | null;
  description?: string | null;
  definition?: unknown;
}

function checkName(name: string | null | undefined, path: string, issues: IssueList, required: boolean): void {
  if (name == null) {
    if (required) issues.add(path, 'is required');
  } else if (!name.trim()) issues.add(path, 'must not be empty');
  else if (name.length > 200) issues.add(path, 'is longer than 200 characters');
}

async function nameTaken(db: Db, name: string, exceptId?: number): Promise<boolean> {
  const [row] = await db.select({ id: segments.id }).from(segments).where(eq(segments.name, name));
  return row !== undefined && row.id !== exceptId;
}

function conflict(name: string): WeixiError {
  return new WeixiError('CONFLICT', `input.name: a segment named ${JSON.stringify(name)} already exists`, [{ path: 'input.name', message: `a segment named ${JSON.stringify(name)} already exists` }]);
}

/**
 * Creates a segment; it has no members until its first refresh. `regionId` is its owner region (null or
 * absent: national); a refresh then only admits customers in that region's subtree.
 */
export async function createSegment(db: Db, clock: Clock, input: SegmentInput & { name: string; definition: unknown; regionId?: number | null }): Promise<Segment> {
  const issues = new IssueList();
  checkName(input.name, 'input.name', issues, true);
  issues.throwIfAny();
  const definition = await validateSegmentDefinition(db, input.definition, 'input.definition');
  const name = input.name.trim();
  if (await nameTaken(db, name)) throw conflict(name);
  const now = clock.now();
  const [row] = await db
    .insert(segments)
    .values({ name, description: input.description ?? null, regionId: input.regionId ?? null, definition, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: segments.name })
    .returning();
  if (!row) throw conflict(name);
  return row;
}

/** Changes name, description or definition; a new definition bumps `version` and marks the membership stale. */
export async function updateSegment(db: Db, clock: Clock, id: number, input: SegmentInput): Promise<Segment> {
  const issues = new IssueList();
  checkName(input.name, 'input.name', issues, false);
  issues.throwIfAny();
  const definition = input.definition === undefined || input.definition === null ? undefined : await validateSegmentDefinition(db, input.definition, 'input.definition');
  const name = input.name?.trim();
  if (name && (await nameTaken(db, name, id))) throw conflict(name);
  const [row] = await db
    .update(segments)
    .set({
      ...(name ? { name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(definition ? { definition, version: sql`${segments.version} + 1` } : {}),
      updatedAt: clock.now(),
    })
    .where(eq(segments.id, id))
    .returning();
  if (!row) throw new NotFoundError('segment', id, 'id');
  return row;
}

/** Deletes a segment and its membership history. */
export async function deleteSegment(db: Db, id: number): Promise<void> {
  const [row] = await db.delete(segments).where(eq(segments.id, id)).returning({ id: segments.id });
  if (!row) throw new NotFoundError('segment', id, 'id');
}
