/**
 * The static cost of an operation: each field costs 1, and a connection's selection counts once per item
 * it may return (its `first` or `last`, else the default page size), so nested connections multiply.
 * Variables count with the values sent, which is why cost is checked at execution, not cached validation.
 */
import { getOperationAST, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLSchema, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_PAGE_SIZE } from '@weixi/graphql';
import { measureSelections } from './fold.js';

type Variables = Record<string, unknown> | null | undefined;

/** An integer argument's value: a literal, or a variable with its sent or default value. */
function intArgument(node: FieldNode, name: string, operation: OperationDefinitionNode, variables: Variables): number | undefined {
  const value = node.arguments?.find((a) => a.name.value === name)?.value;
  if (value?.kind === Kind.INT) return Number(value.value);
  if (value?.kind !== Kind.VARIABLE) return undefined;
  const sent = variables?.[value.name.value];
  if (typeof sent === 'number') return sent;
  const fallback = operation.variableDefinitions?.find((v) => v.variable.name.value === value.name.value)?.defaultValue;
  return fallback?.kind === Kind.INT ? Number(fallback.value) : undefined;
}

/** How many items a field may return: its page size for a connection, 1 for anything else. */
function itemsOf(node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, operation: OperationDefinitionNode, variables: Variables): number {
  const paged = definition?.args.some((a) => a.name === 'first' || a.name === 'last');
  if (!paged) return 1;
  const size = intArgument(node, 'first', operation, variables) ?? intArgument(node, 'last', operation, variables) ?? DEFAULT_PAGE_SIZE;
  return Math.max(0, size);
}

const costs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();
/** Costs remembered per document (yoga reuses a parsed document), per operation and variables sent. */
const REMEMBERED_PER_DOCUMENT = 32;

/**
 * The cost of the operation `operationName` selects in `document` (0 when there is none to run),
 * remembered: the same query with the same page sizes is measured once per schema.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Variables): number {
  let bySchema = costs.get(schema);
  if (!bySchema) costs.set(schema, (bySchema = new WeakMap()));
  let byCall = bySchema.get(document);
  if (!byCall) bySchema.set(document, (byCall = new Map()));
  // Cost reads only numeric variables (page sizes), so they alone tell two calls apart.
  let key = operationName ?? '';
  for (const name in variables ?? {}) if (typeof variables![name] === 'number') key += `\u0000${name}=${variables![name]}`;
  let cost = byCall.get(key);
  if (cost === undefined) {
    cost = measureCost(schema, document, operationName, variables);
    if (byCall.size >= REMEMBERED_PER_DOCUMENT) byCall.delete(byCall.keys().next().value!);
    byCall.set(key, cost);
  }
  return cost;
}

function measureCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Variables): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return measureSelections(
    schema,
    (name) => fragments.get(name),
    {
      empty: 0,
      combine: (a, b) => a + b,
      field: (node, definition, inner) => 1 + itemsOf(node, definition, operation, variables) * inner(),
    },
    operation.selectionSet,
    schema.getRootType(operation.operation) ?? undefined,
  );
}
