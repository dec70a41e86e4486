/**
 * Argument values for generated queries, from a registry keyed by argument (or input field) name and
 * type. A probe aims at one side of the fixture: `out` arguments name out-of-scope objects, `in` ones
 * in-scope objects (whose nested fields are then walked for leaks). Required arguments are always filled;
 * optional ones only when they aim somewhere (an id, a region, an msisdn), so that an `out` probe asks
 * for out-of-scope rows in every way the field allows. An argument the registry cannot fill is reported,
 * never skipped: add a sample for it here.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Targets } from './fixture.js';

/** Page sizes: a root list holds the whole fixture; nested lists are kept small for the cost limit. */
export const ROOT_PAGE = 20;
export const NESTED_PAGE = 5;

/** Thrown for an argument no sample can fill; the sweep fails naming it. */
export class MissingSample extends Error {}

/** Arguments and input fields that aim a probe at a side, by name. */
const AIMING: Record<string, (t: Targets) => unknown> = {
  regionCode: (t) => t.regionCode,
  region: (t) => t.regionCode,
  code: (t) => t.regionCode,
  within: (t) => t.treeRoot,
  codes: (t) => t.regionCode,
  regionCodes: (t) => t.regionCode,
  msisdn: (t) => t.msisdn,
  msisdnPrefix: (t) => t.msisdn,
  nameContains: (t) => t.marker || undefined,
  assignee: (t) => t.agent,
  pluginId: (t) => t.pluginId,
  jobId: (t) => t.jobId,
  includePast: () => true,
};

/** Values for required arguments that aim nowhere, by name, then by scalar type. */
const FILLER_BY_NAME: Record<string, unknown> = { days: 7, limit: ROOT_PAGE, months: 6, asOf: '2026-08' };
const FILLER_BY_SCALAR: Record<string, unknown> = {
  String: 'sweep',
  Int: 1,
  Float: 0.5,
  Boolean: false,
  Date: '2026-11-01',
  DateTime: '2026-12-01T00:00:00Z',
  Month: '2026-10',
  JSON: {},
  JSONObject: {},
};

/** Words in an argument or field name that say which object type an ID names. */
const ID_WORDS: Array<[RegExp, string]> = [
  [/customer/i, 'Customer'],
  [/task/i, 'RetentionTask'],
  [/segment/i, 'Segment'],
  [/region/i, 'Region'],
  [/run/i, 'JobRun'],
];

export interface ArgContext {
  schema: GraphQLSchema;
  side: Targets;
  /** `Type.field`, for messages. */
  owner: string;
  /** The field the argument belongs to (what an `id` names follows from its type or name). */
  field: GraphQLField<unknown, unknown>;
  /** The root field: its connections get the root page size. */
  root: boolean;
  /** Fill optional arguments that aim (an `out` probe asks in every way it can); else required ones only. */
  aimOptional: boolean;
}

/**
 * The object types an ID argument may name: from its own name (`customerId`), else for `id`/`ids` from
 * the field's type (an abstract type: each of its implementations the fixture has), its payload's fields,
 * or the field's name (`deleteSegment`).
 */
export function idTargets(argName: string, ctx: ArgContext): string[] {
  const known = (name: string) => name in ctx.side.ids;
  const byWord = (name: string) => ID_WORDS.filter(([re]) => re.test(name)).map(([, type]) => type).slice(0, 1);
  if (!/^ids?$/.test(argName)) return byWord(argName);
  const returned = getNamedType(ctx.field.type);
  if (known(returned.name)) return [returned.name];
  if (isInterfaceType(returned) || isUnionType(returned)) return ctx.schema.getPossibleTypes(returned).map((t) => t.name).filter(known);
  if (isObjectType(returned)) {
    const inPayload = Object.values(returned.getFields()).map((f) => getNamedType(f.type).name).filter(known);
    if (inPayload.length > 0) return inPayload.slice(0, 1);
  }
  return byWord(ctx.field.name);
}

/**
 * The choices for one argument: several when it may name several types (`node(id)`), one value
 * otherwise, or none (`[]`) for an optional argument left out. Throws MissingSample.
 */
export function argChoices(arg: GraphQLArgument, ctx: ArgContext): unknown[] {
  if (arg.name === 'first') return [ctx.root ? ROOT_PAGE : NESTED_PAGE];
  if (['last', 'after', 'before'].includes(arg.name)) return [];
  return valueChoices(arg.name, arg.type, false, ctx, []);
}

function valueChoices(name: string, type: GraphQLInputType, required: boolean, ctx: ArgContext, stack: readonly string[]): unknown[] {
  if (isNonNullType(type)) return valueChoices(name, type.ofType, true, ctx, stack);
  if (!required && !ctx.aimOptional) return [];
  if (isListType(type)) {
    // Non-null items do not make an optional list required.
    const item = isNonNullType(type.ofType) ? type.ofType.ofType : type.ofType;
    const inner = valueChoices(name, item, required, ctx, stack);
    if (inner.length === 0) return [];
    // A list of ids names one object of each kind at once (`nodes(ids)`); other lists hold the first choice.
    return [getNamedType(type).name === 'ID' ? inner : [inner[0]]];
  }
  if (isInputObjectType(type)) {
    const built = inputObject(type, ctx, [...stack, type.name]);
    return built !== undefined ? [built] : required ? missing(ctx, name, type.name) : [];
  }
  if (isScalarType(type) && type.name === 'ID') {
    const targets = idTargets(name, ctx);
    return targets.length > 0 ? targets.map((t) => ctx.side.ids[t]) : missing(ctx, name, 'ID (which object type does it name? add a word to ID_WORDS)');
  }
  if (name === 'id' && /plugin/i.test(ctx.field.name)) return [ctx.side.pluginId];
  const aimed = AIMING[name]?.(ctx.side);
  if (aimed !== undefined) return [aimed];
  if (!required) return [];
  if (isEnumType(type)) return [type.getValues()[0]!.name];
  if (name in FILLER_BY_NAME) return [FILLER_BY_NAME[name]];
  if (type.name in FILLER_BY_SCALAR) return [FILLER_BY_SCALAR[type.name]];
  return missing(ctx, name, type.name);
}

/** Whether a value of this input type can name an object or a region (so a @oneOf input prefers it). */
function aims(name: string, type: GraphQLInputType, stack: readonly string[]): boolean {
  const named = getNamedType(type);
  if (name in AIMING || named.name === 'ID') return true;
  if (!isInputObjectType(named) || stack.includes(named.name)) return false;
  return Object.values(named.getFields()).some((f) => aims(f.name, f.type, [...stack, named.name]));
}

/**
 * An input object: its required fields, and (when optional arguments aim) its optional fields that aim.
 * A @oneOf input takes its first field that aims, else its first that can be filled; fields of a type
 * already being built are left out, so recursive inputs end. Undefined when the object would be empty
 * and nothing requires it.
 */
function inputObject(type: GraphQLInputObjectType, ctx: ArgContext, stack: readonly string[]): Record<string, unknown> | undefined {
  const fields = Object.values(type.getFields()).filter((f) => !stack.includes(getNamedType(f.type).name));
  if (type.isOneOf) {
    const ordered = [...fields.filter((f) => aims(f.name, f.type, stack)), ...fields];
    for (const f of ordered) {
      const choices = attempt(() => valueChoices(f.name, f.type, true, ctx, stack));
      if (choices.length > 0) return { [f.name]: choices[0] };
    }
    return undefined;
  }
  const entries = fields.flatMap((f) => {
    const choices = valueChoices(f.name, f.type, false, ctx, stack);
    return choices.length > 0 ? [[f.name, choices[0]] as const] : [];
  });
  return entries.length > 0 || fields.some((f) => isNonNullType(f.type)) ? Object.fromEntries(entries) : undefined;
}

function attempt(choices: () => unknown[]): unknown[] {
  try {
    return choices();
  } catch (error) {
    if (error instanceof MissingSample) return [];
    throw error;
  }
}

function missing(ctx: ArgContext, name: string, type: string): never {
  throw new MissingSample(`${ctx.owner}(${name}: ${type}): no sample fills it; add one to tests/access/samples.ts`);
}
