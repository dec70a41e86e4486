import { and, eq, like, sql } from 'drizzle-orm';
import { escapeLike, keysetBounds, keysetOrder, InputError, MAX_REGION_BATCH, upsertRegions, type UpsertRegionsResult } from '@weixi/core';
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
  registerUpsertRegions(builder, refs, enums);
}

/** The administrator's way to build the tree (an empty install has none): create or update regions by code. */
function registerUpsertRegions(builder: WeixiBuilder, refs: Refs, enums: Enums): void {
  const RegionInput = builder.inputType('RegionInput', {
    description: 'One region, created or updated by its code.',
    fields: (t) => ({
      code: t.string({ required: true, description: 'Stable code: letters, digits, `-`, `_`, `.` (e.g. `JS-NJ`).' }),
      name: t.string({ required: true }),
      level: t.field({ type: enums.RegionLevel, required: true, description: 'A city is under a province, a district under a city, a grid under a district or city.' }),
      parentCode: t.string({ description: 'The parent\'s code (stored, or earlier or later in this batch); none for a province. A new parent moves the region with its subtree.' }),
      timeZone: t.string({ description: 'IANA zone, stored under its canonical name. Left out: a new region takes its parent\'s, an existing one keeps its own.' }),
    }),
  });
  const Payload = builder.objectRef<UpsertRegionsResult>('UpsertRegionsPayload').implement({
    fields: (t) => ({
      regions: t.field({ type: [refs.Region], description: 'The regions of the batch, in batch order.', resolve: (p) => p.regions }),
      created: t.exposeInt('created'),
      updated: t.exposeInt('updated'),
      unchanged: t.exposeInt('unchanged', { description: 'Items that matched what is stored; a batch sent twice is all unchanged the second time.' }),
      moved: t.exposeInt('moved', { description: 'Of the updated, those moved to another parent with their subtrees.' }),
    }),
  });
  builder.mutationField('upsertRegions', (t) =>
    t.field({
      type: Payload,
      description: `Creates or updates regions by code (admins only), up to ${MAX_REGION_BATCH} per call, all or nothing. A level that does not fit its parent, an unknown parent, a cycle or a bad time zone is BAD_USER_INPUT naming the item and field.`,
      args: { input: t.arg({ type: [RegionInput], required: true }) },
      resolve: (_root, args, ctx) => upsertRegions(ctx.database.db, args.input, { path: 'input' }),
    }),
  );
}
