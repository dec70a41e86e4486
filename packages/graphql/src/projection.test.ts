import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { customers } from '@weixi/db';
import { describe, expect, it } from 'vitest';
import { projection, reads, rowJson } from './projection.js';

const Customer = new GraphQLObjectType({
  name: 'Customer',
  fields: {
    id: { type: GraphQLString },
    msisdn: { type: GraphQLString, extensions: { pothosExposedField: 'msisdn' } },
    tenure: { type: GraphQLString, ...reads<typeof customers.$inferSelect>('joinedOn') },
    pluginScore: { type: GraphQLString },
  },
});
const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { c: { type: Customer } } }) });
const info = { schema } as unknown as GraphQLResolveInfo;

/** The fields of `{ c { ... } }` by name, as prefetch.ts's selectedFields gives them. */
function fieldsOf(selection: string): Map<string, FieldNode[]> {
  const operation = parse(`{ c { ${selection} } }`).definitions[0] as OperationDefinitionNode;
  const c = operation.selectionSet.selections[0] as FieldNode;
  const map = new Map<string, FieldNode[]>();
  for (const f of c.selectionSet!.selections as FieldNode[]) map.set(f.name.value, [...(map.get(f.name.value) ?? []), f]);
  return map;
}

describe('projection', () => {
  it('selects what exposed and declared fields read, with the kept columns', () => {
    const projected = projection(info, 'Customer', fieldsOf('msisdn tenure __typename'), customers, ['id']);
    expect(Object.keys(projected!.columns)).toEqual(['id', 'joinedOn', 'msisdn']);
    expect(projected!.key).toBe('id,joinedOn,msisdn');
  });

  it('selects the whole row when a selected field does not say what it reads', () => {
    expect(projection(info, 'Customer', fieldsOf('msisdn pluginScore'), customers, ['id'])).toBeUndefined();
    expect(projection(info, 'Customer', fieldsOf('msisdn unknownField'), customers, ['id'])).toBeUndefined();
  });

  it('selects the whole row when a field reads something that is not a column', () => {
    expect(projection(info, 'Customer', fieldsOf('msisdn'), customers, ['notAColumn'])).toBeUndefined();
  });

  it('writes a json object with database column names, or the whole row', () => {
    const projected = projection(info, 'Customer', fieldsOf('tenure'), customers, ['id'])!;
    const text = (s: ReturnType<typeof rowJson>) => new PgDialect().sqlToQuery(s).sql;
    expect(text(rowJson(sql`${customers}`, projected))).toBe(`json_build_object('id', "customers"."id", 'joined_on', "customers"."joined_on")`);
    expect(text(rowJson(sql`${customers}`, undefined))).toBe('row_to_json("customers")');
  });
});
