/**
 * Probes generated from the schema: for a root field, one selection tree per side of the fixture (and
 * per object type an `id` may name), with the arguments from samples.ts and a selection of everything
 * the return type offers, nested as deep as the server's depth limit allows. Every object selects
 * `__typename`, so the leak check knows what each id names. Fields whose arguments no sample fills are
 * collected, never silently dropped.
 */
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { Targets } from './fixture.js';
import { argChoices, MissingSample, type ArgContext } from './samples.js';
import { field, type Arg, type Sel } from './selection.js';
import { DEFAULT_PAGE_SIZE } from '@weixi/graphql';

/** How often one object type may appear on a path (Customer → tasks → customer is walked, not further). */
const VISITS_PER_PATH = 2;

export type Side = 'in' | 'out';

export interface Probe {
  /** `out`, `in`, or `out: id → Customer` when the field may name several types. */
  label: string;
  side: Side;
  root: Sel;
}

export interface GenerateOptions {
  schema: GraphQLSchema;
  sides: Record<Side, Targets>;
  /** The server's depth limit. */
  maxDepth: number;
  /** Every field whose required arguments no sample fills, as a message; the sweep fails on them. */
  missing: Set<string>;
}

/** The probes of one root field (throws MissingSample when its own arguments cannot be filled). */
export function probesFor(parent: GraphQLObjectType, fieldName: string, options: GenerateOptions): Probe[] {
  const definition = parent.getFields()[fieldName]!;
  return (['out', 'in'] as const).flatMap((side) => {
    const ctx = argContext(options, side, parent, definition, true);
    const choices = definition.args.map((a) => ({ arg: a, values: argChoices(a, ctx) }));
    const fork = choices.find((c) => c.values.length > 1);
    const variants = fork ? fork.values.map((v) => ({ v, label: `${side}: ${fork.arg.name} names ${typeOf(options.sides[side], v)}` })) : [{ v: undefined, label: side }];
    return variants.map(({ v, label }) => {
      const args: Arg[] = choices
        .filter((c) => c.values.length > 0)
        .map((c) => ({ name: c.arg.name, type: String(c.arg.type), value: c === fork ? v : c.values[0] }));
      // `node(id)` naming a Customer needs only the fragment on Customer.
      const children = selectionFor(definition, options, side, fork ? typeOf(options.sides[side], v) : undefined);
      return { label, side, root: field(fieldName, children, args, itemsOf(definition, args)) };
    });
  });
}

function typeOf(targets: Targets, id: unknown): string {
  return Object.entries(targets.ids).find(([, v]) => v === id)?.[0] ?? String(id);
}

function argContext(options: GenerateOptions, side: Side, parent: GraphQLNamedType, definition: GraphQLField<unknown, unknown>, root: boolean): ArgContext {
  return { schema: options.schema, side: options.sides[side], owner: `${parent.name}.${definition.name}`, field: definition, root, aimOptional: side === 'out' };
}

/** What the server's cost multiplies a field's selection by: its `first`, else the default page size for a connection, else 1. */
function itemsOf(definition: GraphQLField<unknown, unknown>, args: Arg[]): number {
  const first = args.find((a) => a.name === 'first')?.value;
  return typeof first === 'number' ? first : definition.args.some((a) => a.name === 'first') ? DEFAULT_PAGE_SIZE : 1;
}

/** The selection of a field's type (a mutation payload's, say), as for a probe on `side`. */
export function selectionFor(definition: GraphQLField<unknown, unknown>, options: GenerateOptions, side: Side, only?: string): Sel[] {
  return selectionOf(definition.type, options, side, 2, [], only);
}

/**
 * The selection of a field's type with its fields at `depth`: leaves only at the depth limit, objects
 * while a leaf still fits below them, abstract types as one inline fragment per implementation.
 */
function selectionOf(type: GraphQLField<unknown, unknown>['type'], options: GenerateOptions, side: Side, depth: number, path: readonly string[], only?: string): Sel[] {
  const named = getNamedType(type);
  if (isLeafType(named)) return [];
  if (isAbstractType(named)) {
    const possible = options.schema.getPossibleTypes(named).filter((t) => !only || t.name === only);
    const fragments = possible.flatMap((t) => {
      const inner = objectSelection(t, options, side, depth, path);
      return inner.length > 1 ? [{ ...field(''), on: t.name, children: inner }] : [];
    });
    aliasConflicts(fragments);
    return [field('__typename'), ...fragments];
  }
  return objectSelection(named as GraphQLObjectType, options, side, depth, path);
}

function objectSelection(type: GraphQLObjectType, options: GenerateOptions, side: Side, depth: number, path: readonly string[]): Sel[] {
  if (path.filter((p) => p === type.name).length >= VISITS_PER_PATH) return [];
  const here = [...path, type.name];
  const children: Sel[] = [field('__typename')];
  for (const definition of Object.values(type.getFields())) {
    const named = getNamedType(definition.type);
    if (!isLeafType(named) && depth + 1 > options.maxDepth) continue;
    let args: Arg[];
    try {
      const ctx = argContext(options, side, type, definition, false);
      args = definition.args.flatMap((a) => {
        const values = argChoices(a, ctx);
        return values.length > 0 ? [{ name: a.name, type: String(a.type), value: values[0] }] : [];
      });
    } catch (error) {
      if (!(error instanceof MissingSample)) throw error;
      options.missing.add(error.message);
      continue;
    }
    const printed = String(definition.type);
    if (isLeafType(named)) {
      children.push({ ...field(definition.name, [], args), type: printed });
      continue;
    }
    const inner = selectionOf(definition.type, options, side, depth + 1, here);
    if (inner.some((s) => s.name !== '__typename')) children.push({ ...field(definition.name, inner, args, itemsOf(definition, args)), type: printed });
  }
  return isObjectType(type) ? children : [];
}

/** Fragments on different types selecting one name with different types or arguments: alias the later ones. */
function aliasConflicts(fragments: Sel[]): void {
  const first = new Map<string, string>();
  for (const fragment of fragments) {
    for (const child of fragment.children) {
      const signature = `${child.type}(${JSON.stringify(child.args.map((a) => [a.name, a.value]))})`;
      const seen = first.get(child.name);
      if (seen === undefined) first.set(child.name, signature);
      else if (seen !== signature) child.alias = `${child.name}_${fragment.on}`;
    }
  }
}
