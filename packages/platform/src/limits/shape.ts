/**
 * Validation rules for the shape of an operation: depth, aliases and top-level fields, introspection
 * included, and the shape introspection may take. They depend on the document alone, so yoga caches their
 * verdict with the parsed document.
 */
import { getNamedType, type ASTVisitor, type FieldNode, type GraphQLField, type ValidationContext, type ValidationRule } from 'graphql';
import { measureSelections, type SelectionMeasure } from './fold.js';
import { introspectionShape } from './introspection.js';
import { limitExceeded, type LimitName, type QueryLimits } from './options.js';

const sum = (a: number, b: number) => a + b;

/** Introspection's `ofType`: unwrapping a list or non-null type, a chain that cannot fan out, so no depth. */
const unwraps = (node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined) =>
  node.name.value === 'ofType' && definition !== undefined && getNamedType(definition.type).name === '__Type';

const depth: SelectionMeasure<number> = {
  empty: 0,
  combine: Math.max,
  field: (node, definition, inner) => (unwraps(node, definition) ? 0 : 1) + inner(),
};

const aliases: SelectionMeasure<number> = {
  empty: 0,
  combine: sum,
  field: (node, _definition, inner) => (node.alias ? 1 : 0) + inner(),
};

const rootFields: SelectionMeasure<number> = { empty: 0, combine: sum, field: () => 1 };

function operationRule(name: string, limit: LimitName, max: number, measure: SelectionMeasure<number>, what: string): ValidationRule {
  const rule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const value = measureSelections(schema, (fragment) => context.getFragment(fragment), measure, operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
      if (value > max) context.reportError(limitExceeded(limit, max, what, value));
    },
  });
  // yoga caches validation results per list of rule names: give each rule a stable one.
  Object.defineProperty(rule, 'name', { value: name });
  return rule;
}

/** The validation rules enforcing `maxDepth`, `maxAliases`, `maxRootFields` and the introspection shape. */
export function shapeRules(limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases' | 'maxRootFields'>): ValidationRule[] {
  return [
    operationRule('WeixiMaxDepth', 'maxDepth', limits.maxDepth, depth, 'the operation depth'),
    operationRule('WeixiMaxAliases', 'maxAliases', limits.maxAliases, aliases, 'the number of aliases'),
    operationRule('WeixiMaxRootFields', 'maxRootFields', limits.maxRootFields, rootFields, 'the number of top-level fields'),
    introspectionShape,
  ];
}
