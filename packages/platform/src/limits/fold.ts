/**
 * One memoised walk over an operation's selections, shared by the depth, alias, root field and cost
 * limits. Fragments are folded once per (selection set, type), so a document that spreads the same fragment
 * many times, or nests spreads, is measured in linear time; a fragment cycle (which validation reports on
 * its own) counts as empty instead of looping.
 */
import {
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** How a measure combines: a value per field, then `combine` over a selection set's fields. */
export interface SelectionMeasure<T> {
  empty: T;
  combine(a: T, b: T): T;
  /**
   * The value of one field. `definition` is undefined for meta fields (`__typename`, `__schema`, `__type`)
   * and unknown fields; `inner()` measures the field's own selection set (lazily, so a measure may skip it).
   */
  field(node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, inner: () => T): T;
}

/** Measures a selection set of `type` (the operation's root type, for a whole operation). */
export function measureSelections<T>(
  schema: GraphQLSchema,
  fragment: (name: string) => FragmentDefinitionNode | undefined | null,
  measure: SelectionMeasure<T>,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType | undefined,
): T {
  const memo = new Map<SelectionSetNode, Map<string, T>>();
  const inProgress = new Set<string>();

  const typeNamed = (name: string | undefined, fallback: GraphQLCompositeType | undefined) => {
    if (!name) return fallback;
    const named = schema.getType(name);
    return named && isCompositeType(named) ? named : undefined;
  };

  const visit = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined): T => {
    const key = parent?.name ?? '';
    const known = memo.get(set)?.get(key);
    if (known !== undefined) return known;
    let value = measure.empty;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        const child = definition ? getNamedType(definition.type) : undefined;
        const childType = child && isCompositeType(child) ? child : undefined;
        const inner = () => (selection.selectionSet ? visit(selection.selectionSet, childType) : measure.empty);
        value = measure.combine(value, measure.field(selection, definition, inner));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        value = measure.combine(value, visit(selection.selectionSet, typeNamed(selection.typeCondition?.name.value, parent)));
      } else {
        const definition = fragment(selection.name.value);
        const cycleKey = `${selection.name.value}:${key}`;
        if (!definition || inProgress.has(cycleKey)) continue;
        inProgress.add(cycleKey);
        value = measure.combine(value, visit(definition.selectionSet, typeNamed(definition.typeCondition.name.value, parent)));
        inProgress.delete(cycleKey);
      }
    }
    if (!memo.has(set)) memo.set(set, new Map());
    memo.get(set)!.set(key, value);
    return value;
  };

  return visit(selectionSet, type);
}
