/**
 * The shape introspection may take. Its lists (`fields`, `inputFields`, `enumValues`, `interfaces`,
 * `possibleTypes`) may be selected on a type *definition* only (an item of `__schema.types`, or `__type(name:)`),
 * never on a type *reference* (`type`, `ofType`, `interfaces`, `possibleTypes`, the root types): there they would
 * list the schema again for every reference, the schema to the power of the nesting. And no introspection field
 * but a top-level `__type` takes an alias, so one response holds at most one copy of the schema. Every client's
 * introspection query (GraphiQL, graphql-codegen, getIntrospectionQuery) has this shape.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

type Reached = 'root' | 'schema' | 'definition' | 'reference' | 'member' | 'directive' | 'leaf';

const LISTS = new Set(['fields', 'inputFields', 'enumValues', 'interfaces', 'possibleTypes']);

/** Where a field leads from a selection reached as `from`; undefined for a field outside introspection. */
function step(from: Reached, field: string): Reached | undefined {
  switch (from) {
    case 'root':
      return field === '__schema' ? 'schema' : field === '__type' ? 'definition' : undefined;
    case 'schema':
      return field === 'types' ? 'definition' : field === 'directives' ? 'directive' : field.endsWith('Type') ? 'reference' : 'leaf';
    case 'definition':
    case 'reference':
      if (field === 'fields' || field === 'inputFields') return 'member';
      if (field === 'interfaces' || field === 'possibleTypes' || field === 'ofType') return 'reference';
      return 'leaf';
    case 'member':
    case 'directive':
      return field === 'args' ? 'member' : field === 'type' ? 'reference' : 'leaf';
    default:
      return 'leaf';
  }
}

function refusal(message: string): GraphQLError {
  return new GraphQLError(`introspection: ${message}`, { extensions: { code: 'LIMIT_EXCEEDED', limit: 'introspection', http: { status: 400, spec: false } } });
}

/** The validation rule; each fragment is checked once per way it is reached. */
export const introspectionShape: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(operation) {
    const seen = new Set<string>();
    let refused = false;
    const refuse = (message: string) => {
      if (!refused) context.reportError(refusal(message));
      refused = true;
    };
    const visit = (set: SelectionSetNode, from: Reached): void => {
      for (const selection of set.selections) {
        if (refused) return;
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          if (name === '__typename') continue;
          const to = step(from, name);
          if (!to) continue; // an ordinary field: its own limits apply
          if (from === 'reference' && LISTS.has(name)) {
            refuse(`a type reference may select kind, name and ofType, not ${name}; ask __type(name: ...) for that type instead`);
          } else if (selection.alias && !(from === 'root' && name === '__type')) {
            refuse(`${name} takes no alias (only a top-level __type does)`);
          } else if (selection.selectionSet && to !== 'leaf') {
            visit(selection.selectionSet, to);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          visit(selection.selectionSet, from);
        } else {
          const key = `${selection.name.value}:${from}`;
          const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(selection.name.value);
          if (!fragment || seen.has(key)) continue;
          seen.add(key);
          visit(fragment.selectionSet, from);
        }
      }
    };
    visit(operation.selectionSet, 'root');
  },
});
Object.defineProperty(introspectionShape, 'name', { value: 'WeixiIntrospectionShape' });
