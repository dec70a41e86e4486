/**
 * Finds what a response shows that the role may not see: objects by `__typename` and id, global IDs
 * anywhere (JSON included), MSISDNs, region codes and marker words of hidden rows, customer ids inside
 * JSON, and counts above what the role may count.
 */
import { getNamedType, isObjectType, type GraphQLSchema } from 'graphql';
import type { Visibility } from './oracle.js';

export interface Finding {
  /** Where in the response, `customers.edges.3.node.id`. */
  path: string;
  what: string;
}

/** Integer fields that count rows of a type (bounded like a totalCount), by `Type.field`. */
export const COUNT_FIELDS: Readonly<Record<string, string>> = {
  'Segment.count': 'Customer',
  'Query.segmentPreview': 'Customer',
};

/** `Type:id` when the string is a global ID of a type the oracle knows, else undefined. */
export function decodeGlobalId(value: string, known: (type: string) => boolean): { type: string; id: string } | undefined {
  if (!/^[A-Za-z0-9+/]+=*$/.test(value) || value.length < 8) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const match = /^([A-Z][A-Za-z]*):(\d+)$/.exec(decoded);
  if (!match || Buffer.from(decoded, 'utf8').toString('base64') !== value || !known(match[1]!)) return undefined;
  return { type: match[1]!, id: match[2]! };
}

/** The node type of each connection type (`CustomerConnection` → `Customer`). */
export function connectionNodes(schema: GraphQLSchema): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const edges = type.getFields().edges;
    const edge = edges && getNamedType(edges.type);
    const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
    if (node && type.getFields().totalCount) nodes.set(type.name, getNamedType(node.type).name);
  }
  return nodes;
}

/** Every finding in `data` for a role with visibility `v`; `rootType` names the type of `data` itself. */
export function findLeaks(data: unknown, v: Visibility, connections: Map<string, string>, rootType: string): Finding[] {
  const findings: Finding[] = [];
  const add = (path: string[], what: string) => findings.push({ path: path.join('.'), what });
  const visible = (type: string, id: string) => v.ids.get(type)?.has('*') || v.ids.get(type)?.has(id);
  const bound = (path: string[], type: string, count: number, what: string) => {
    const max = v.counts.get(type);
    if (max === undefined) add(path, `${what} counts ${type} rows, which the oracle cannot bound: add ${type} to oracle.ts`);
    else if (count > max) add(path, `${what} is ${count}, above the ${max} ${type} rows the role may see`);
  };

  const scanString = (value: string, path: string[]) => {
    const global = decodeGlobalId(value, (t) => v.ids.has(t));
    if (global && !visible(global.type, global.id)) add(path, `global ID of ${global.type} ${global.id}`);
    for (const msisdn of v.hiddenMsisdns) if (value.includes(msisdn)) add(path, `MSISDN ${msisdn}`);
    if (v.hiddenRegionCodes.has(value)) add(path, `region code ${value}`);
    for (const marker of v.hiddenMarkers) if (value.includes(marker)) add(path, `marker ${marker} in ${JSON.stringify(value.slice(0, 60))}`);
  };

  const walk = (value: unknown, path: string[], typename: string | undefined) => {
    if (typeof value === 'string') return scanString(value, path);
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, [...path, String(i)], undefined));
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const type = typeof record.__typename === 'string' ? record.__typename : typename;
    if (type && record.id !== undefined && record.id !== null) {
      const id = String(record.id);
      const local = decodeGlobalId(id, () => true)?.id ?? id;
      if (!v.ids.has(type)) add([...path, 'id'], `${type} has ids but the oracle has no rule for ${type}: add one to oracle.ts`);
      else if (!visible(type, local)) add([...path, 'id'], `${type} ${local}`);
    }
    for (const [key, item] of Object.entries(record)) {
      const at = [...path, key];
      if (typeof item === 'number' && type) {
        if (key === 'totalCount' && connections.has(type)) bound(at, connections.get(type)!, item, `${type}.totalCount`);
        if (COUNT_FIELDS[`${type}.${key}`]) bound(at, COUNT_FIELDS[`${type}.${key}`]!, item, `${type}.${key}`);
      }
      // Plugin JSON names customers by local id.
      if (typeof item === 'number' && !type && /customerId$/i.test(key) && !visible('Customer', String(item))) add(at, `customer ${item} in JSON`);
      // The id of a typed object was checked above, by its type.
      if (key !== '__typename' && !(key === 'id' && type)) walk(item, at, undefined);
    }
  };
  walk(data, [], rootType);
  return findings;
}
