/**
 * Checks a batch of regions against the tree as it will be after the batch, and works out each item's
 * path, time zone and change. Reads only the rows the batch names (by code or parent code) and the
 * children of regions whose level changes; the caller holds the table lock, so the tree cannot move meanwhile.
 */
import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { regions, type Db, type RegionLevel } from '@weixi/db';
import type { IssueList } from '../errors.js';
import { canonicalTimeZone, isRegionLevel, PARENT_LEVELS, type RegionInput } from './input.js';

interface Stored {
  id: number;
  code: string;
  name: string;
  level: RegionLevel;
  timeZone: string;
  path: string;
  parentCode: string | null;
}

export type RegionChange = 'created' | 'updated' | 'unchanged';

export interface PlannedRegion {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  timeZone: string;
  /** The path after the batch. */
  path: string;
  change: RegionChange;
  /** The path before the batch, when the region moves to another parent (its subtree moves with it). */
  movedFrom?: string;
}

const parent = alias(regions, 'parent');

async function storedRegions(db: Db, codes: string[]): Promise<Map<string, Stored>> {
  const rows = await db
    .select({ id: regions.id, code: regions.code, name: regions.name, level: regions.level, timeZone: regions.timeZone, path: regions.path, parentCode: parent.code })
    .from(regions)
    .leftJoin(parent, eq(parent.id, regions.parentId))
    .where(inArray(regions.code, codes));
  return new Map(rows.map((r) => [r.code, r]));
}

export interface PlanOptions {
  /** The argument the batch came in, for issue paths. */
  path: string;
  /** Issues found item by item; the plan adds its own and throws them all together. */
  issues: IssueList;
  /** Indexes of the items those issues are about: their own fields are not judged again. */
  bad: ReadonlySet<number>;
}

/** Plans the batch, or throws an InputError naming each bad item and field. */
export async function planRegions(db: Db, inputs: readonly RegionInput[], { path, issues, bad }: PlanOptions): Promise<PlannedRegion[]> {
  const batch = new Map(inputs.map((input, index) => [input.code, { input, index, level: input.level as RegionLevel }]));
  const stored = await storedRegions(db, [...new Set(inputs.flatMap((i) => (i.parentCode ? [i.code, i.parentCode] : [i.code])))]);
  const at = (index: number) => `${path}[${index}]`;

  // Paths after the batch: a batch item's from its new parent; a stored row's from its deepest ancestor in
  // the batch, when one moves. `trail` is the chain of "is under" being followed, to name a cycle.
  const paths = new Map<string, string | undefined>();
  const cycles = new Map<string, string[]>();
  const pathOf = (code: string, trail: string[]): string | undefined => {
    if (paths.has(code)) return paths.get(code);
    const circle = trail.indexOf(code);
    if (circle >= 0) {
      const chain = [...trail.slice(circle), code];
      for (const member of chain) if (batch.has(member) && !cycles.has(member)) cycles.set(member, chain);
      return undefined;
    }
    const item = batch.get(code)?.input;
    const row = stored.get(code);
    let result: string | undefined;
    if (item) {
      const above = item.parentCode ? pathOf(item.parentCode, [...trail, code]) : '/';
      result = above === undefined ? undefined : `${above}${code}/`;
    } else if (row) {
      const codes = row.path.split('/').filter((c) => c !== '');
      let i = codes.length - 2;
      while (i >= 0 && !batch.has(codes[i]!)) i--;
      const above = i < 0 ? undefined : pathOf(codes[i]!, [...trail, code]);
      result = i < 0 ? row.path : above === undefined ? undefined : `${above}${codes.slice(i + 1).join('/')}/`;
    }
    paths.set(code, result);
    return result;
  };
  const levelOf = (code: string): RegionLevel | undefined => {
    const item = batch.get(code);
    return item ? (isRegionLevel(item.level) ? item.level : undefined) : stored.get(code)?.level;
  };
  const zones = new Map<string, string | undefined>();
  const zoneOf = (code: string, depth = 0): string | undefined => {
    if (zones.has(code)) return zones.get(code);
    const item = batch.get(code)?.input;
    const own = item?.timeZone != null ? canonicalTimeZone(item.timeZone) : stored.get(code)?.timeZone;
    const zone = own ?? (item?.parentCode && depth < batch.size ? zoneOf(item.parentCode, depth + 1) : undefined);
    zones.set(code, zone);
    return zone;
  };

  for (const code of batch.keys()) pathOf(code, []);
  for (const { input, index, level } of batch.values()) {
    const parentCode = input.parentCode ?? null;
    // No parent, or itself as parent: the item's own check said what is wrong.
    if (parentCode === null || parentCode === input.code) continue;
    if (!batch.has(parentCode) && !stored.has(parentCode)) {
      issues.add(`${at(index)}.parentCode`, `region ${JSON.stringify(parentCode)} does not exist (neither stored nor in this batch)`);
      continue;
    }
    const cycle = cycles.get(input.code);
    if (cycle) {
      issues.add(`${at(index)}.parentCode`, `${input.code} cannot go under ${parentCode}: that makes a cycle (${cycle.join(' under ')})`);
      continue;
    }
    const parentLevel = levelOf(parentCode);
    if (parentLevel && isRegionLevel(level) && level !== 'province' && !PARENT_LEVELS[level].includes(parentLevel)) {
      issues.add(`${at(index)}.level`, `a ${level} cannot be under ${parentCode}, a ${parentLevel}: a ${level}'s parent is a ${PARENT_LEVELS[level].join(' or ')}`);
    }
  }
  for (const { input, index } of batch.values()) {
    if (bad.has(index)) continue;
    if (input.timeZone == null && !stored.has(input.code) && zoneOf(input.code) === undefined && !input.parentCode) {
      issues.add(`${at(index)}.timeZone`, `required for a new ${input.level} without a parent: there is no zone to inherit`);
    }
  }
  await checkStoredChildren(db, batch, stored, issues, at);
  issues.throwIfAny();

  return inputs.map((input) => {
    const row = stored.get(input.code);
    const planned: PlannedRegion = {
      code: input.code,
      name: input.name.trim(),
      level: input.level as RegionLevel,
      parentCode: input.parentCode ?? null,
      timeZone: zoneOf(input.code)!,
      path: paths.get(input.code)!,
      change: 'created',
    };
    if (!row) return planned;
    const same = row.name === planned.name && row.level === planned.level && row.parentCode === planned.parentCode && row.timeZone === planned.timeZone;
    return { ...planned, change: same ? 'unchanged' : 'updated', ...(row.parentCode !== planned.parentCode ? { movedFrom: row.path } : {}) };
  });
}

/** Stored children (not in the batch) of regions whose level changes must still fit under the new level. */
async function checkStoredChildren(
  db: Db,
  batch: Map<string, { input: RegionInput; index: number; level: RegionLevel }>,
  stored: Map<string, Stored>,
  issues: IssueList,
  at: (index: number) => string,
): Promise<void> {
  const relevelled = [...batch.values()].filter(({ input, level }) => isRegionLevel(level) && stored.has(input.code) && stored.get(input.code)!.level !== level);
  if (relevelled.length === 0) return;
  const children = await db
    .select({ code: regions.code, level: regions.level, parentCode: parent.code })
    .from(regions)
    .innerJoin(parent, eq(parent.id, regions.parentId))
    .where(and(inArray(parent.code, relevelled.map((r) => r.input.code)), notInArray(regions.code, [...batch.keys()])));
  for (const { input, index, level } of relevelled) {
    const misfits = children.filter((c) => c.parentCode === input.code && !PARENT_LEVELS[c.level].includes(level));
    if (misfits.length === 0) continue;
    const shown = misfits.slice(0, 3).map((c) => `${c.code} (a ${c.level})`).join(', ') + (misfits.length > 3 ? ` and ${misfits.length - 3} more` : '');
    issues.add(`${at(index)}.level`, `${input.code} cannot become a ${level}: its children ${shown} cannot be under a ${level}`);
  }
}
