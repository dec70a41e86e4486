/**
 * Bad input, as an integrator can program against it: every problem with an argument's value, from
 * GraphQL validation (literals in the query, missing arguments) and from variable coercion alike, comes
 * back in one error with `extensions.code` BAD_USER_INPUT and `extensions.issues`, an issue per problem
 * whose path starts at the argument (`usage[1].revenueCents`), never at the variable (`$u`), the same shape
 * as the domain's own input errors. Both phases are checked together, so one response lists them all.
 * Statuses follow the GraphQL-over-HTTP spec: 400 for `application/graphql-response+json`, 200 for
 * `application/json`. Other validation errors keep yoga's GRAPHQL_VALIDATION_FAILED.
 */
import {
  coerceInputValue,
  getOperationAST,
  GraphQLError,
  isInputType,
  isNonNullType,
  Kind,
  typeFromAST,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { InputError, type InputIssue } from '@weixi/core';

type Variables = Record<string, unknown> | null | undefined;

/** Where each argument value of the document sits (`usage[0].month`), and which argument each variable feeds. */
function argumentPaths(document: DocumentNode) {
  const nodes = new Map<ASTNode, string>();
  const variables = new Map<string, string>();
  const walk = (value: ValueNode, path: string) => {
    nodes.set(value, path);
    if (value.kind === Kind.VARIABLE) {
      if (!variables.has(value.name.value)) variables.set(value.name.value, path);
    } else if (value.kind === Kind.LIST) {
      value.values.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        nodes.set(field, `${path}.${field.name.value}`);
        walk(field.value, `${path}.${field.name.value}`);
      }
    }
  };
  visit(document, { Argument: (node) => walk(node.value, node.name.value) });
  return { nodes, variables };
}

const REQUIRED_FIELD = /^Field "(?:[^".]+\.)?([^"]+)" of required type "([^"]+)" was not provided\.$/;
const MISSING_ARGUMENT = /^Field "[^"]+" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\.$/;
const UNKNOWN_FIELD = /^Field "([^"]+)" is not defined by type "[^"]+"\./;

/** An issue at `path` for a GraphQL message, naming a missing or unknown input field in the path. */
function issueAt(path: string, message: string): InputIssue {
  const required = REQUIRED_FIELD.exec(message);
  if (required) return { path: `${path}.${required[1]}`, message: `is required (${required[2]})` };
  const unknown = UNKNOWN_FIELD.exec(message);
  if (unknown) return { path: `${path}.${unknown[1]}`, message: message.replace(/^Field "[^"]+" is/, 'is') };
  return { path, message };
}

/** The issue a validation error describes, when it is about an argument's value. */
function validationIssue(error: GraphQLError, nodes: Map<ASTNode, string>): InputIssue | undefined {
  const missing = MISSING_ARGUMENT.exec(error.message);
  if (missing) return { path: missing[1]!, message: `is required (${missing[2]})` };
  const path = error.nodes?.[0] ? nodes.get(error.nodes[0]) : undefined;
  return path === undefined ? undefined : issueAt(path, error.message);
}

/** Every problem with the variables' values, at their arguments' paths. */
export function variableIssues(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, values: Variables, paths = argumentPaths(document)): InputIssue[] {
  const operation = getOperationAST(document, operationName);
  const issues: InputIssue[] = [];
  for (const definition of operation?.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type)) continue; // validation says why
    const base = paths.variables.get(name) ?? name;
    const value = values?.[name];
    if (value === undefined) {
      if (isNonNullType(type) && !definition.defaultValue) issues.push({ path: base, message: `is required (${String(type)})` });
      continue;
    }
    coerceInputValue(value, type, (at, _invalid, error) => {
      const path = at.reduce<string>((p, key) => (typeof key === 'number' ? `${p}[${key}]` : `${p}.${key}`), base);
      issues.push(issueAt(path, error.message.replace(/^Variable "\$[^"]+" got invalid value .*?; /, '')));
    });
  }
  return issues;
}

function inputError(issues: InputIssue[]): GraphQLError {
  const { message } = new InputError(issues);
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', issues, http: { status: 400, spec: true } } });
}

/** The yoga plugin. Valid requests pay nothing: variables are checked again only when GraphQL refused them. */
export function useInputErrors(): Plugin {
  return {
    onValidate({ params: { schema, documentAST }, context }) {
      return ({ valid, result, setResult }) => {
        if (valid) return;
        const paths = argumentPaths(documentAST);
        const issues: InputIssue[] = [];
        const others: GraphQLError[] = [];
        for (const error of result) {
          const issue = error instanceof GraphQLError ? validationIssue(error, paths.nodes) : undefined;
          if (issue) issues.push(issue);
          else others.push(error as GraphQLError);
        }
        if (issues.length === 0) return;
        const { params } = context as { params?: { operationName?: string | null; variables?: Variables } };
        issues.push(...variableIssues(schema, documentAST, params?.operationName, params?.variables, paths));
        setResult([...others, inputError(issues)]);
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          const executed = result as ExecutionResult;
          // Variable coercion failed: graphql-js reports the first problems, by variable name, and executes nothing.
          if (!executed.errors?.length || 'data' in executed) return;
          if (!executed.errors.some((e) => e.message.startsWith('Variable "$'))) return;
          const issues = variableIssues(args.schema, args.document, args.operationName, args.variableValues);
          if (issues.length) setResult({ errors: [inputError(issues)] });
        },
      };
    },
  };
}
