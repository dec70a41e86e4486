/**
 * The GraphQL types a plugin declares (`contributes.graphqlTypes`): how they are named in the schema, the
 * type references their fields and the plugin's fields use, and the rules a manifest's declarations must
 * keep so that the schema built from them is always valid (a bad declaration is refused up front, never
 * discovered when the server rebuilds its schema).
 */
import type { GraphQLTypeContribution, PluginManifest, ScalarType } from '@weixi/sdk';
import type { InputIssue } from '../errors.js';
import { suggestion } from './schema-issues.js';

export const SCALAR_TYPES: readonly ScalarType[] = ['String', 'Int', 'Float', 'Boolean', 'ID', 'Date', 'DateTime', 'JSON'];

/** A type reference taken apart. */
export interface TypeReference {
  /** The named type, as written (a scalar, or a declared type without the plugin prefix). */
  name: string;
  nonNull: boolean;
  /** Set for a list: whether its items are non-null. */
  list?: { itemsNonNull: boolean };
}

export function parseTypeReference(text: string): TypeReference | undefined {
  const m = /^(?:([_A-Za-z][_0-9A-Za-z]*)|\[([_A-Za-z][_0-9A-Za-z]*)(!?)\])(!?)$/.exec(text);
  if (!m) return undefined;
  return m[1] !== undefined ? { name: m[1], nonNull: m[4] === '!' } : { name: m[2]!, nonNull: m[4] === '!', list: { itemsNonNull: m[3] === '!' } };
}

export function printTypeReference(ref: TypeReference): string {
  const inner = ref.list ? `[${ref.name}${ref.list.itemsNonNull ? '!' : ''}]` : ref.name;
  return `${inner}${ref.nonNull ? '!' : ''}`;
}

/** The namespace of a plugin's root fields and types: declared, or the id in camelCase. */
export function pluginNamespace(manifest: Pick<PluginManifest, 'id' | 'namespace'>): string {
  return manifest.namespace ?? manifest.id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** `sms` + `Message` → `Sms_Message`: the namespace as for root fields (`sms_outbox`), capitalised as a type. */
export function pluginTypeName(namespace: string, name: string): string {
  return `${namespace.charAt(0).toUpperCase()}${namespace.slice(1)}_${name}`;
}

/** Whether a reference appears where a value is returned (fields, object fields) or taken (arguments, input fields). */
export type TypeRole = 'output' | 'input';

const KINDS_FOR: Record<TypeRole, ReadonlyArray<GraphQLTypeContribution['kind']>> = { output: ['object', 'enum'], input: ['input', 'enum'] };

/**
 * The schema's reference for a plugin's own: `[Message!]` → `[Sms_Message!]`, or why it cannot be used
 * there (an unknown name, an object as an argument, an input as a result).
 */
export function resolveTypeReference(
  text: string,
  role: TypeRole,
  declared: readonly Pick<GraphQLTypeContribution, 'kind' | 'name'>[],
  namespace: string,
): { ok: true; reference: TypeReference } | { ok: false; problem: string } {
  const ref = parseTypeReference(text);
  if (!ref) return { ok: false, problem: `${JSON.stringify(text)} is not a type reference; write a type name, with [ ] for a list and ! for non-null, e.g. "[Message!]"` };
  if ((SCALAR_TYPES as readonly string[]).includes(ref.name)) return { ok: true, reference: ref };
  const type = declared.find((t) => t.name === ref.name);
  if (!type) {
    const known = [...new Set([...SCALAR_TYPES, ...declared.filter((t) => KINDS_FOR[role].includes(t.kind)).map((t) => t.name)])];
    return { ok: false, problem: `names type '${ref.name}', which is neither a scalar nor declared in contributes.graphqlTypes${suggestion(ref.name, known)}; usable here: ${known.join(', ')}` };
  }
  if (!KINDS_FOR[role].includes(type.kind)) {
    const why = role === 'input' ? `an object type cannot be taken as input; declare an input type for it` : `an input type cannot be returned; declare an object type for it`;
    return { ok: false, problem: `names ${type.kind} type '${type.name}': ${why}` };
  }
  return { ok: true, reference: { ...ref, name: pluginTypeName(namespace, ref.name) } };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The rules for `contributes.graphqlTypes` that the JSON schema cannot state: each kind has its own part
 * (fields for objects and inputs, values for enums, never both), field types name scalars or the plugin's
 * types of a kind that fits, and inputs do not require themselves through non-null fields.
 */
export function graphqlTypeIssues(manifest: Json): InputIssue[] {
  const declared = isObject(manifest.contributes) && Array.isArray(manifest.contributes.graphqlTypes) ? manifest.contributes.graphqlTypes : [];
  const types = declared.flatMap((t, i) => (isObject(t) && typeof t.name === 'string' && typeof t.kind === 'string' ? [{ i, type: t as Json & Pick<GraphQLTypeContribution, 'kind' | 'name'> }] : []));
  const known = types.map((t) => t.type);
  const issues: InputIssue[] = [];
  for (const { i, type } of types) {
    const where = `weixi.contributes.graphqlTypes[${i}]`;
    const composite = type.kind === 'object' || type.kind === 'input';
    if (composite && type.values !== undefined) issues.push({ path: `${where}.values`, message: `an ${type.kind} type has fields, not values; move them to "fields" or make it an enum` });
    if (type.kind === 'enum' && type.fields !== undefined) issues.push({ path: `${where}.fields`, message: `an enum has values, not fields; list them under "values" or make it an object type` });
    const part = composite ? 'fields' : 'values';
    if (type[part] === undefined) {
      issues.push({ path: `${where}.${part}`, message: `is missing: ${composite ? `add the ${type.kind} type's fields, e.g. { "text": { "type": "String!" } }` : 'add the enum values, e.g. { "SENT": {} }'}` });
    } else if (isObject(type[part]) && Object.keys(type[part]).length === 0) {
      issues.push({ path: `${where}.${part}`, message: `is empty: a GraphQL ${type.kind === 'enum' ? 'enum needs at least one value' : `${type.kind} type needs at least one field`}` });
    }
    if (!composite || !isObject(type.fields)) continue;
    const role: 'output' | 'input' = type.kind === 'object' ? 'output' : 'input';
    for (const [name, field] of Object.entries(type.fields)) {
      // A reference that does not parse is the JSON schema's to report.
      if (!isObject(field) || typeof field.type !== 'string' || !parseTypeReference(field.type)) continue;
      const resolved = resolveTypeReference(field.type, role, known, 'Plugin');
      if (!resolved.ok) issues.push({ path: `${where}.fields.${name}.type`, message: resolved.problem });
    }
  }
  return [...issues, ...inputCycleIssues(types.filter((t) => t.type.kind === 'input'))];
}

/**
 * An input that needs itself through non-null, non-list fields could never be written; GraphQL refuses
 * such a schema, so the manifest is refused instead.
 */
function inputCycleIssues(inputs: Array<{ i: number; type: Json & { name: string } }>): InputIssue[] {
  const requires = new Map(
    inputs.map(({ type }) => [
      type.name,
      Object.entries(isObject(type.fields) ? type.fields : {}).flatMap(([field, f]) => {
        const ref = isObject(f) && typeof f.type === 'string' ? parseTypeReference(f.type) : undefined;
        return ref && ref.nonNull && !ref.list ? [{ field, type: ref.name }] : [];
      }),
    ]),
  );
  const issues: InputIssue[] = [];
  for (const { i, type } of inputs) {
    const path = cycleFrom(type.name, requires);
    if (path) issues.push({ path: `weixi.contributes.graphqlTypes[${i}]`, message: `input '${type.name}' requires itself through non-null fields (${path}); make one of them nullable or a list` });
  }
  return issues;
}

function cycleFrom(start: string, requires: Map<string, Array<{ field: string; type: string }>>): string | undefined {
  const walk = (name: string, trail: string[], seen: Set<string>): string | undefined => {
    for (const { field, type } of requires.get(name) ?? []) {
      const step = [...trail, `${name}.${field}`];
      if (type === start) return step.join(' → ');
      if (seen.has(type)) continue;
      seen.add(type);
      const found = walk(type, step, seen);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [], new Set([start]));
}
