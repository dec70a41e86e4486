/**
 * The columns a page's selection reads. A page of tasks or customers used to select every column of the
 * table (28 for a task, customers' json rows whole), and parsing and mapping what no field asked for was the
 * largest share of a small page's CPU. A field says what it reads: an exposed field its own column
 * (Pothos records it as `pothosExposedField`), a computed one through `reads(...)`. A selection with any
 * field that says nothing (a field added without `reads`) reads the whole row, so a field that forgets to
 * declare is slower, never wrong.
 *
 * Rows selected this way carry only those columns (and the ones the page always needs: its sort keys), so
 * they go only to the resolvers of the selection they were projected for: never into a shared DataLoader.
 */
import { getTableColumns, getTableName, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { FieldNode, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { sql } from 'drizzle-orm';

const READS = 'weixiReads';

/** Field options naming the columns (row keys) a computed field reads from its parent row. */
export function reads<Row>(...columns: (keyof Row & string)[]): { extensions: Record<string, unknown> } {
  return { extensions: { [READS]: columns } };
}

/** The columns to select, and a key naming them for the statement's shape. */
export interface Projection {
  key: string;
  columns: Record<string, PgColumn>;
}

/** What a field reads: declared with `reads`, or the column an exposed field returns; undefined when unknown. */
function readsOf(type: GraphQLObjectType, name: string): readonly string[] | undefined {
  const extensions = type.getFields()[name]?.extensions as Record<string, unknown> | undefined;
  if (!extensions) return undefined;
  const declared = extensions[READS];
  if (Array.isArray(declared)) return declared as string[];
  return typeof extensions.pothosExposedField === 'string' ? [extensions.pothosExposedField] : undefined;
}

/**
 * The columns of `table` that the fields selected on `typeName` read, with `keep` (sort keys, the parent
 * link); undefined when some field's reads are unknown or all columns are needed: select the whole row.
 * The node's `id` reads `id`.
 */
export function projection(info: GraphQLResolveInfo, typeName: string, fields: ReadonlyMap<string, readonly FieldNode[]>, table: PgTable, keep: readonly string[]): Projection | undefined {
  // The same selection (selectedFields remembers it per document) on the same schema projects the same.
  let bySelection = projections.get(info.schema);
  if (!bySelection) projections.set(info.schema, (bySelection = new WeakMap()));
  let byTarget = bySelection.get(fields);
  if (!byTarget) bySelection.set(fields, (byTarget = new Map()));
  const key = `${typeName}:${getTableName(table)}:${keep.join(',')}`;
  if (byTarget.has(key)) return byTarget.get(key);
  const projected = project(info.schema, typeName, fields, table, keep);
  byTarget.set(key, projected);
  return projected;
}
const projections = new WeakMap<GraphQLSchema, WeakMap<object, Map<string, Projection | undefined>>>();

function project(schema: GraphQLSchema, typeName: string, fields: ReadonlyMap<string, readonly FieldNode[]>, table: PgTable, keep: readonly string[]): Projection | undefined {
  const type = schema.getType(typeName) as GraphQLObjectType | undefined;
  if (!type) return undefined;
  const wanted = new Set(keep);
  for (const name of fields.keys()) {
    if (name === '__typename') continue;
    const columns = name === 'id' ? ['id'] : readsOf(type, name);
    if (!columns) return undefined;
    for (const column of columns) wanted.add(column);
  }
  const all = getTableColumns(table);
  const keys = [...wanted].sort();
  if (keys.length >= Object.keys(all).length || keys.some((k) => !(k in all))) return undefined;
  return { key: keys.join(','), columns: Object.fromEntries(keys.map((k) => [k, all[k]!])) };
}

/** The select list of a page: the projected columns, or the whole row. */
export function selectList(table: PgTable, projected: Projection | undefined): Record<string, PgColumn> {
  return projected?.columns ?? getTableColumns(table);
}

/**
 * A json object of a row of `from` (a table or a subquery's alias) with the projected columns under their
 * database names, as `row_to_json` writes them (see `fromJson`); the whole row without a projection.
 */
export function rowJson(from: SQL, projected: Projection | undefined): SQL {
  if (!projected) return sql`row_to_json(${from})`;
  const pairs = Object.values(projected.columns).map((c) => sql`${sql.raw(`'${c.name}'`)}, ${from}.${sql.identifier(c.name)}`);
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`;
}
