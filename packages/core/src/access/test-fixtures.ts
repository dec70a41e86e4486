/** A small region tree for the access tests, with codes holding LIKE wildcards (`A_B`, `P%`). */
import { regions, type Db } from '@weixi/db';

/** [code, parent code]; parents first. */
export const TEST_TREE: ReadonlyArray<readonly [string, string | null]> = [
  ['JS', null],
  ['JS-NJ', 'JS'],
  ['JS-NJ-GL', 'JS-NJ'],
  ['JS-SZ', 'JS'],
  ['ZJ', null],
  ['ZJ-HZ', 'ZJ'],
  ['A_B', null],
  ['AXB', null],
  ['P%', null],
  ['PQ', null],
];

const LEVELS = ['province', 'city', 'district', 'grid'] as const;

/** Writes TEST_TREE; returns id and path per code. */
export async function insertTestTree(db: Db): Promise<Map<string, { id: number; path: string }>> {
  const written = new Map<string, { id: number; path: string; depth: number }>();
  for (const [code, parentCode] of TEST_TREE) {
    const parent = parentCode === null ? undefined : written.get(parentCode)!;
    const path = `${parent?.path ?? '/'}${code}/`;
    const depth = parent ? parent.depth + 1 : 0;
    const [row] = await db
      .insert(regions)
      .values({ code, name: code, level: LEVELS[depth]!, timeZone: 'Asia/Shanghai', path, parentId: parent?.id ?? null })
      .returning({ id: regions.id });
    written.set(code, { id: row!.id, path, depth });
  }
  return new Map([...written].map(([code, { id, path }]) => [code, { id, path }]));
}
