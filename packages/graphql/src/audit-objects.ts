/**
 * Which objects a mutation touched, read generically from its arguments and result by their GraphQL types:
 * every `ID` argument (global ids, as the client sent them), natural keys by argument name (`msisdn:…`,
 * `region:…`), and the global ids of the nodes its payload returns (a created task, upserted customers).
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import {
  getNamedType,
  getNullableType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';

/** String arguments and input fields that name an object by a natural key, and the key's prefix. */
const NATURAL_KEYS: Record<string, string> = { msisdn: 'msisdn', msisdns: 'msisdn', regionCode: 'region', regionCodes: 'region' };

/** Objects named by the arguments of `field`, in argument order (repeats included; the log dedupes). */
export function argumentObjects(field: Pick<GraphQLField<unknown, unknown>, 'args'>, args: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const arg of field.args) collectInput(arg.type, args[arg.name], arg.name, out);
  return out;
}

function collectInput(type: GraphQLInputType, value: unknown, name: string, out: string[]): void {
  if (value == null) return;
  const nullable = getNullableType(type);
  if (nullable instanceof GraphQLList) {
    if (Array.isArray(value)) for (const item of value) collectInput(nullable.ofType as GraphQLInputType, item, name, out);
  } else if (nullable instanceof GraphQLInputObjectType) {
    if (typeof value !== 'object') return;
    for (const inner of Object.values(nullable.getFields())) collectInput(inner.type, (value as Record<string, unknown>)[inner.name], inner.name, out);
  } else if (nullable instanceof GraphQLScalarType && nullable.name === 'ID') {
    out.push(String(value));
  } else if (typeof value === 'string' && NATURAL_KEYS[name]) {
    out.push(`${NATURAL_KEYS[name]}:${value}`);
  }
}

/**
 * Global ids of the nodes in a mutation's result: the result itself when it is a node, else the node (or
 * list of nodes) each payload field holds under its own name. One level only, so it stays cheap.
 */
export function resultObjects(type: GraphQLOutputType, value: unknown): string[] {
  const out: string[] = [];
  const named = getNamedType(type);
  if (!(named instanceof GraphQLObjectType) || value == null || typeof value !== 'object') return out;
  if (isNode(named)) {
    pushNodeId(named, value, out);
    return out;
  }
  for (const field of Object.values(named.getFields())) {
    const inner = getNamedType(field.type);
    if (!(inner instanceof GraphQLObjectType) || !isNode(inner) || !(field.name in value)) continue;
    const held = (value as Record<string, unknown>)[field.name];
    for (const item of Array.isArray(held) ? held : [held]) pushNodeId(inner, item, out);
  }
  return out;
}

function isNode(type: GraphQLObjectType): boolean {
  return type.getInterfaces().some((i) => i.name === 'Node');
}

/** Core node rows carry their database id as `id`, which the relay plugin encodes as `Type:id`. */
function pushNodeId(type: GraphQLObjectType, row: unknown, out: string[]): void {
  const id = row && typeof row === 'object' ? (row as { id?: unknown }).id : undefined;
  if (typeof id === 'number' || typeof id === 'string') out.push(encodeGlobalID(type.name, String(id)));
}
