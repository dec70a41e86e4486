/**
 * A page's nested fields in the page's own statement. A root connection (the customers page, the task
 * list) reads its selection off the resolve info and, for each nested field it knows (a customer's region,
 * usage and tasks; a task's customer), adds a correlated subquery that builds the field's rows as json. The
 * rows are mapped like drizzle maps them and handed to the nested resolvers (handover.ts: by parent row
 * and field name), so those resolvers find their data without a statement. Each json row holds only the
 * columns its selection reads (projection.ts), which is why it goes to those resolvers alone and never
 * into a DataLoader that other fields of the request share (regions, always whole, are primed).
 *
 * Each subquery is built from the loader's own specification (table, parent column, sort keys, scope
 * predicate: `taskScope`, `regionVisibility`, `customerScope`), so it returns exactly what the loader would;
 * it runs in the same statement as the page, on the same session (under row security, with the request's
 * scope), so the policies apply to it too. A selection the prefetch does not understand
 * (cursors on a nested connection, arguments out of range) is left to the loaders.
 */
import { getArgumentValues, type FieldNode, type GraphQLField, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { parseCursorConnectionArgs } from '@pothos/plugin-relay';
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { keysetOrder, type PageRequest } from '@weixi/core';
import { customers, regions, retentionTasks, type Db } from '@weixi/db';
import type { ChildArgs, ChildLoaders, CustomerRow, RegionRow } from './loaders.js';
import { handOver } from './handover.js';
import { projection, rowJson, selectList, type Projection } from './projection.js';
import type { ChildPageSpec } from './batch.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ConnectionArgs } from './connections.js';
import type { WeixiContext } from './context.js';
import { customerScope, regionVisibility } from './visibility.js';
import { runSelect, shapeOf } from './statements.js';
import { usageMonths } from './types/customer.js';

/**
 * A nested field fetched with its parent rows: a json column of the page's select (built only when the
 * page's statement is), the column's shape for the statement's key (its text and parameters, see
 * statements.ts), and what to do with its value.
 */
export interface Prefetch<Parent> {
  key: string;
  column(): SQL;
  prime(parent: Parent, value: unknown): void;
}

/** The extra columns of a page's select, their shape, and a function priming the loaders from the rows it returned. */
export interface Prefetched<Parent> {
  key: string;
  columns(): Record<string, SQL>;
  prime(rows: readonly Parent[]): void;
}

/** Collects the prefetches into named columns of the page's select. */
export function prefetched<Parent>(prefetches: readonly Prefetch<Parent>[]): Prefetched<Parent> | undefined {
  if (prefetches.length === 0) return undefined;
  const names = prefetches.map((_p, i) => `weixiPrefetch${i}`);
  return {
    key: prefetches.map((p) => p.key).join('\u0001'),
    columns: () => Object.fromEntries(prefetches.map((p, i) => [names[i], p.column()])),
    prime: (rows) => {
      for (const row of rows) {
        const values = row as Record<string, unknown>;
        // Rows that came without the columns (a statement that did not add them) prime nothing.
        prefetches.forEach((p, i) => {
          if (names[i]! in values) p.prime(row, parsedJson(values[names[i]!]));
        });
      }
    },
  };
}

/** The select of a root page, not yet run: drizzle's builder, which `runSelect` prepares once per shape. */
type PageSelect<Row> = PromiseLike<Row[]> & { prepare(name: string): unknown };

/**
 * Runs a root page's select (the projected columns of `table` and the prefetched ones) and hands the
 * prefetched values to their resolvers. With a `shape` (the page's order, size and scope; the caller gives
 * none for a filtered page or one with a cursor, whose values would make every statement new) the select
 * is built once per shape, projection and prefetch, see statements.ts; otherwise it is built for this
 * request. The rows hold only the projected columns: they go to the page's resolvers, nowhere else.
 */
export async function pageRows<Parent, Row extends Parent>(
  db: Db,
  table: PgTable,
  projected: Projection | undefined,
  prefetch: Prefetched<Parent> | undefined,
  shape: string | undefined,
  select: (columns: Record<string, PgColumn | SQL>) => PageSelect<Row>,
): Promise<Row[]> {
  const columns = () => ({ ...selectList(table, projected), ...prefetch?.columns() });
  const rows =
    shape === undefined
      ? await select(columns())
      : await runSelect<Row>(db, `root:${shape}\u0002${projected?.key ?? '*'}\u0002${prefetch?.key ?? ''}`, () => select(columns()), {});
  prefetch?.prime(rows);
  return rows;
}

/** PostgreSQL's json as the driver hands it back (parsed by postgres.js, and by PGlite unless configured otherwise). */
function parsedJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** The fields selected under `path` (e.g. `edges`, `node`) of the resolved field (or of `from`), fragments included, by name. */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[], from: readonly FieldNode[] = info.fieldNodes): ReadonlyMap<string, FieldNode[]> {
  // A field node (of a parsed document, which yoga keeps per query text) and a path select the same
  // fields in every request that runs it: remembered, also so that `projection` can remember its answer.
  const node = from.length === 1 ? from[0]! : undefined;
  const key = path.join('.');
  const known = node && selections.get(node)?.get(key);
  if (known) return known;
  let sets: SelectionSetNode[] = from.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const name of path) sets = (fieldsOf(info, sets).get(name) ?? []).flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  const fields = fieldsOf(info, sets);
  if (node) {
    let byPath = selections.get(node);
    if (!byPath) selections.set(node, (byPath = new Map()));
    byPath.set(key, fields);
  }
  return fields;
}
const selections = new WeakMap<FieldNode, Map<string, Map<string, FieldNode[]>>>();

function fieldsOf(info: GraphQLResolveInfo, sets: readonly SelectionSetNode[], into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === 'Field') {
        const list = into.get(selection.name.value);
        if (list) list.push(selection);
        else into.set(selection.name.value, [selection]);
      } else if (selection.kind === 'InlineFragment') {
        fieldsOf(info, [selection.selectionSet], into);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment) fieldsOf(info, [fragment.selectionSet], into);
      }
    }
  }
  return into;
}

/** The arguments of the one field node selected as `name`, or undefined when it is absent or asked more than once differently. */
function argumentsOf(info: GraphQLResolveInfo, typeName: string, name: string, nodes: readonly FieldNode[] | undefined): Record<string, unknown> | undefined {
  if (!nodes?.length) return undefined;
  const field = (info.schema.getType(typeName) as { getFields?: () => Record<string, GraphQLField<unknown, unknown>> } | undefined)?.getFields?.()[name];
  if (!field) return undefined;
  try {
    const all = nodes.map((n) => getArgumentValues(field, n, info.variableValues));
    const first = JSON.stringify(all[0]);
    return all.every((a) => JSON.stringify(a) === first) ? all[0] : undefined;
  } catch {
    return undefined; // the resolver reports the error
  }
}

/**
 * The page request a nested connection's resolver makes for these arguments (see `keysetConnection`),
 * when it has no cursors and a page size in range; undefined otherwise.
 */
function firstPage(args: ConnectionArgs): PageRequest | undefined {
  if (args.after != null || args.before != null || args.last != null) return undefined;
  if (args.first != null && (args.first < 0 || args.first > MAX_PAGE_SIZE)) return undefined;
  const { limit, inverted } = parseCursorConnectionArgs({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE });
  return { before: null, after: null, limit, inverted };
}

/**
 * How to map a table's rows from their json (`row_to_json` or `rowJson`: database column names) as drizzle
 * maps them; names that are not the table's columns (a rank) are left out.
 */
const decoders = new WeakMap<PgTable, Map<string, { key: string; decode: (v: unknown) => unknown }>>();
export function fromJson<Row>(table: PgTable, json: Record<string, unknown>): Row {
  let byName = decoders.get(table);
  if (!byName) {
    byName = new Map(
      Object.entries(getTableColumns(table)).map(([key, column]) => [
        column.name,
        // json and jsonb values arrive parsed, as the driver parses them for a plain select.
        { key, decode: column.dataType === 'json' ? (v: unknown) => v : (v: unknown) => column.mapFromDriverValue(v) },
      ]),
    );
    decoders.set(table, byName);
  }
  const row: Record<string, unknown> = {};
  for (const name in json) {
    const column = byName.get(name);
    if (!column) continue;
    const v = json[name];
    row[column.key] = v == null ? null : column.decode(v);
  }
  return row as Row;
}

/**
 * A column of the page's table, qualified: drizzle writes the columns of a one-table select unqualified, and
 * inside a subquery an unqualified name means the subquery's own table when it has such a column.
 */
function outer(column: PgColumn): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}

/**
 * One page of a child list per parent row, as a json array in page order: the loader's spec, bounded to
 * the parent `parentId` (a column of the outer select), each row with the projected columns.
 */
function childPageJson(spec: ChildPageSpec, page: PageRequest, parentId: PgColumn, projected: Projection | undefined): SQL {
  const order = keysetOrder(spec.keys, spec.direction, page.inverted);
  const where = spec.where ? sql` and ${spec.where}` : sql``;
  const table = sql.identifier(getTableName(spec.table));
  return sql`(select coalesce(json_agg(${rowJson(sql`weixi_page`, projected)} order by weixi_page.weixi_rank), '[]'::json) from (
    select ${table}.*, row_number() over (order by ${order}) as weixi_rank from ${table}
    where ${outer(spec.parent)} = ${outer(parentId)}${where} order by ${order} limit ${page.limit}) weixi_page)`;
}

/**
 * A child connection of the parent rows (`usage`, `tasks`): its first page, handed to the connection's
 * resolver. `nodeType` and `keep` (the page's sort keys) project the child rows.
 */
export function childPrefetch<Parent extends { id: number }, Row>(
  db: Db,
  info: GraphQLResolveInfo,
  fields: ReadonlyMap<string, FieldNode[]>,
  typeName: string,
  name: string,
  loaders: ChildLoaders<Row>,
  parentId: PgColumn,
  childArgs: (args: Record<string, unknown>) => ChildArgs | undefined,
  nodeType: string,
  keep: readonly string[],
): Prefetch<Parent> | undefined {
  const nodes = fields.get(name);
  const args = argumentsOf(info, typeName, name, nodes);
  const page = args && firstPage(args as ConnectionArgs);
  if (!args || !page) return undefined;
  const extra = childArgs(args);
  const spec = loaders.spec(extra ?? {});
  const projected = projection(info, nodeType, selectedFields(info, ['edges', 'node'], nodes), spec.table, keep);
  return {
    key: `${name}:${JSON.stringify(page)}:${JSON.stringify(extra ?? {})}:${projected?.key ?? '*'}:${shapeOf(db, spec.where)}`,
    column: () => childPageJson(spec, page, parentId, projected),
    prime: (parent, value) =>
      handOver(
        parent,
        name,
        (value as Record<string, unknown>[]).map((json) => fromJson<Row>(spec.table, json)),
      ),
  };
}

/** The nested fields of a customers page that come with the page: region, usage, tasks. */
export function customerPrefetches(ctx: WeixiContext, info: GraphQLResolveInfo, fields: ReadonlyMap<string, FieldNode[]>): Prefetched<CustomerRow> | undefined {
  const { db } = ctx.database;
  const list: (Prefetch<CustomerRow> | undefined)[] = [];
  if (fields.has('region')) {
    const visible = regionVisibility(ctx.principal);
    list.push({
      key: `region:${shapeOf(db, visible)}`,
      column: () => sql`(select row_to_json(${regions}) from ${regions} where ${outer(regions.id)} = ${outer(customers.regionId)} and ${visible})`,
      prime: (c, value) => ctx.loaders.region.prime(c.regionId, value ? fromJson<RegionRow>(regions, value as Record<string, unknown>) : null),
    });
  }
  const months = (a: Record<string, unknown>) => ({ months: usageMonths(a.months as number | null | undefined) });
  list.push(childPrefetch(db, info, fields, 'Customer', 'usage', ctx.loaders.usage, customers.id, months, 'MonthlyUsage', ['month']));
  list.push(childPrefetch(db, info, fields, 'Customer', 'tasks', ctx.loaders.tasks, customers.id, () => undefined, 'RetentionTask', ['id']));
  return prefetched(list.filter((p) => p !== undefined));
}

/** The nested fields of a task list that come with the page: each task's customer. */
export function taskPrefetches(ctx: WeixiContext, info: GraphQLResolveInfo, fields: ReadonlyMap<string, FieldNode[]>): Prefetched<object> | undefined {
  const nodes = fields.get('customer');
  if (!nodes) return undefined;
  const visible = customerScope(ctx.principal);
  const projected = projection(info, 'Customer', selectedFields(info, [], nodes), customers, ['id']);
  return prefetched([
    {
      key: `customer:${projected?.key ?? '*'}:${shapeOf(ctx.database.db, visible)}`,
      column: () => sql`(select ${rowJson(sql`${customers}`, projected)} from ${customers} where ${outer(customers.id)} = ${outer(retentionTasks.customerId)} and ${visible})`,
      prime: (task, value) => handOver(task, 'customer', value ? fromJson<CustomerRow>(customers, value as Record<string, unknown>) : null),
    },
  ]);
}
