import {
  countCustomers,
  customerFilterSql,
  customerSortKey,
  customersPageQuery,
  normaliseMsisdn,
  CUSTOMER_ORDER_COLUMNS,
  type CustomerOrderField,
} from '@weixi/core';
import { customers } from '@weixi/db';
import { and, eq } from 'drizzle-orm';
import type { WeixiBuilder } from '../builder.js';
import type { CustomerRow } from '../loaders.js';
import { cursorKey, keysetConnection, type CursorPart } from '../connections.js';
import { localId } from '../ids.js';
import { customerScope } from '../visibility.js';
import { customerPrefetches, pageRows, selectedFields } from '../prefetch.js';
import { projection } from '../projection.js';
import { shapeOf } from '../statements.js';
import { enumOf, type Enums } from './enums.js';
import type { Refs } from './refs.js';

export function registerCustomerQueries(builder: WeixiBuilder, refs: Refs, enums: Enums, extraFilter: CustomerFilterExtension): void {
  const OrderField = enumOf(builder, 'CustomerOrderField', Object.keys(CUSTOMER_ORDER_COLUMNS) as CustomerOrderField[], 'What customers can be sorted by (ties broken by id).');
  const CustomerOrder = builder.inputType('CustomerOrder', {
    fields: (t) => ({
      field: t.field({ type: OrderField, required: true }),
      direction: t.field({ type: enums.SortDirection, defaultValue: 'asc' }),
    }),
  });
  const CustomerFilter = builder.inputType('CustomerFilter', {
    description: 'All given criteria must hold.',
    fields: (t) => ({
      regionCodes: t.stringList({ description: 'Customers in the subtree of any of these regions.' }),
      statuses: t.field({ type: [enums.CustomerStatus] }),
      tiers: t.field({ type: [enums.Tier] }),
      segmentId: t.globalID({ for: refs.Segment, description: 'Current members of this segment.' }),
      msisdnPrefix: t.string(),
      nameContains: t.string({ description: 'Case-insensitive part of the name.' }),
      ...extraFilter.fields(t),
    }),
  });

  builder.queryFields((t) => ({
    customers: t.connection({
      type: refs.Customer,
      description: 'Customers matching the filter among those the caller sees, keyset-paged in the given order (default: by id).',
      args: {
        filter: t.arg({ type: CustomerFilter }),
        orderBy: t.arg({ type: CustomerOrder }),
      },
      resolve: async (_root, args, ctx, info) => {
        const { db } = ctx.database;
        const fields = selectedFields(info, ['edges', 'node']);
        const filter = args.filter;
        const filtered = filter
          ? await customerFilterSql(db, {
              regionCodes: filter.regionCodes,
              statuses: filter.statuses,
              tiers: filter.tiers,
              segmentId: filter.segmentId ? localId(filter.segmentId, 'filter.segmentId') : null,
              msisdnPrefix: filter.msisdnPrefix,
              nameContains: filter.nameContains,
              where: await extraFilter.toSql(filter as Record<string, unknown>, ctx),
            })
          : undefined;
        const scope = customerScope(ctx.principal);
        const where = and(scope, filtered);
        const order = { field: args.orderBy?.field ?? 'id', direction: args.orderBy?.direction ?? 'asc' } as const;
        return keysetConnection(
          args,
          cursorKey(customerCursorParts(order.field), (c: CustomerRow) => customerSortKey(c, order)),
          (page) =>
            pageRows(
              db,
              customers,
              projection(info, 'Customer', fields, customers, ['id', order.field]),
              customerPrefetches(ctx, info, fields),
              filtered || page.after || page.before ? undefined : `customers:${order.field}:${order.direction}:${page.limit}:${Boolean(page.inverted)}:${shapeOf(db, scope)}`,
              (columns) => customersPageQuery(db, where, order, page, columns),
            ),
          () => countCustomers(db, where),
        );
      },
    }, refs.connections.Customer),
    customer: t.field({
      type: refs.Customer,
      nullable: true,
      args: { id: t.arg.globalID({ for: refs.Customer, required: true }) },
      resolve: (_root, args, ctx) => ctx.loaders.customer.load(localId(args.id, 'id')),
    }),
    customerByMsisdn: t.field({
      type: refs.Customer,
      nullable: true,
      args: { msisdn: t.arg.string({ required: true }) },
      resolve: async (_root, args, ctx) => {
        const msisdn = normaliseMsisdn(args.msisdn);
        if (!msisdn) return null;
        const [row] = await ctx.database.db.select().from(customers).where(and(eq(customers.msisdn, msisdn), customerScope(ctx.principal)));
        if (row) ctx.loaders.customer.prime(row.id, row);
        return row ?? null;
      },
    }),
  }));
}

/** What a customers cursor holds for each order: the order column's value, then the id. */
function customerCursorParts(field: CustomerOrderField): CursorPart[] {
  const column: Record<CustomerOrderField, CursorPart> = { id: 'id', msisdn: 'text', name: 'text', joinedOn: 'date', balanceCents: 'int', points: 'int' };
  return [column[field], 'id'];
}

/** Lets the segment module add its typed `condition` to CustomerFilter without a dependency cycle. */
export interface CustomerFilterExtension {
  fields: (t: Parameters<Parameters<WeixiBuilder['inputType']>[1]['fields']>[0]) => Record<string, unknown>;
  toSql: (filter: Record<string, unknown>, ctx: import('../context.js').WeixiContext) => Promise<import('drizzle-orm').SQL | undefined>;
}
