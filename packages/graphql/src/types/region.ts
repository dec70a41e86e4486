import { and, eq, like, sql } from 'drizzle-orm';
import { escapeLike, keysetBounds, keysetOrder, InputError } from '@weixi/core';
import { regions } from '@weixi/db';
import type { WeixiBuilder } from '../builder.js';
import type { RegionRow } from '../loaders.js';
import { childConnection, cursorKey, keysetConnection } from '../connections.js';
import type { WeixiContext } from '../context.js';
import { regionVisibility } from '../visibility.js';
import type { Enums } from './enums.js';
import type { Refs } from './refs.js';

/** The region with this code, or null when it does not exist or the caller does not see it. */
export async function visibleRegion(ctx: WeixiContext, code: string): Promise<RegionRow | null> {
  const [row] = await ctx.database.db.select().from(regions).where(and(eq(regions.code, code), regionVisibility(ctx.principal)));
  return row ?? null;
}

export function registerRegion(builder: WeixiBuilder, refs: Refs, enums: Enums): void {
  builder.node(refs.Region, {
    description: 'A node of the region tree (province → city → district or grid). Operators work regionally.',
    id: { resolve: (r) => r.id },
    loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.region.load(Number(id)))),
    fields: (t) => ({
      code: t.exposeString('code', { description: 'Stable code, e.g. `JS-NJ`.' }),
      name: t.exposeString('name'),
      level: t.expose('level', { type: enums.RegionLevel }),
      timeZone: t.exposeString('timeZone', { description: 'IANA time zone used for schedules and quiet hours.' }),
      parent: t.field({
        type: refs.Region,
        nullable: true,
        resolve: (r, _args, ctx) => (r.parentId == null ? null : ctx.loaders.region.load(r.parentId)),
      }),
      children: t.connection({
        type: refs.Region,
        resolve: (r, args, ctx) => childConnection(args, ctx.loaders.regionChildren, r.id, cursorKey(['text'], (row: RegionRow) => [row.code])),
      }, refs.connections.Region),
    }),
  });

  builder.queryFields((t) => ({
    regions: t.connection({
      type: refs.Region,
      description: 'Regions the caller sees (its subtrees and their ancestors), in tree order (by path). Filter by level or by an ancestor.',
      args: {
        level: t.arg({ type: enums.RegionLevel }),
        within: t.arg.string({ description: 'Only regions below this region code.' }),
      },
      resolve: async (_root, args, ctx) => {
        const { db } = ctx.database;
        let within;
        if (args.within) {
          const found = await visibleRegion(ctx, args.within);
          if (!found) throw new InputError([{ path: 'within', message: `region ${JSON.stringify(args.within)} does not exist` }]);
          within = and(like(regions.path, `${escapeLike(found.path)}%`), sql`${regions.id} <> ${found.id}`);
        }
        const where = and(regionVisibility(ctx.principal), args.level ? eq(regions.level, args.level) : undefined, within);
        const keys = [sql`${regions.path}`];
        return keysetConnection(
          args,
          cursorKey(['text'], (row: RegionRow) => [row.path]),
          (page) => db.select().from(regions).where(and(where, keysetBounds(keys, 'asc', page))).orderBy(keysetOrder(keys, 'asc', page.inverted)).limit(page.limit),
          async () => (await db.select({ n: sql<number>`count(*)::int` }).from(regions).where(where))[0]!.n,
        );
      },
    }, refs.connections.Region),
    region: t.field({
      type: refs.Region,
      nullable: true,
      args: { code: t.arg.string({ required: true }) },
      resolve: (_root, args, ctx) => visibleRegion(ctx, args.code),
    }),
  }));
}
