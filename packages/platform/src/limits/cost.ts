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

/** The cost of the operation `operationName` selects in `document` (0 when there is none to run). */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Variables): number {
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
