import type { Disposable, FieldSpec, GraphQLTypeContribution } from '@weixi/sdk';
import { WeixiError } from '../errors.js';
import { pluginTypeName, printTypeReference, resolveTypeReference, type TypeRole } from '../plugins/graphql-types.js';

/** A type an active plugin declared, named and referenced as in the schema (`Sms_Message`, `[Sms_Part!]!`). */
export interface TypeRegistration {
  pluginId: string;
  name: string;
  kind: GraphQLTypeContribution['kind'];
  description: string;
  fields?: Record<string, { type: string; description?: string }>;
  values?: Record<string, { description?: string }>;
}

/**
 * The types active plugins declared, by schema name. A plugin's types join when it activates and leave
 * when it is disabled, all of them or none; a name another plugin holds (namespaces `sms` and `Sms`) names both.
 */
export class TypeRegistry {
  private readonly types = new Map<string, TypeRegistration>();

  add(pluginId: string, namespace: string, declared: readonly GraphQLTypeContribution[]): Disposable {
    const registrations = declared.map((t): TypeRegistration => ({
      pluginId,
      name: pluginTypeName(namespace, t.name),
      kind: t.kind,
      description: `${t.description} (plugin: ${pluginId})`,
      ...(t.fields ? { fields: mapValues(t.fields, (f) => ({ ...f, type: schemaReference(f.type, t.kind === 'object' ? 'output' : 'input', declared, namespace) })) } : {}),
      ...(t.values ? { values: t.values } : {}),
    }));
    for (const r of registrations) {
      const owner = this.types.get(r.name);
      if (owner) throw new WeixiError('CONFLICT', `plugins '${owner.pluginId}' and '${pluginId}' both declare the GraphQL type ${r.name}; disable one of them or change a namespace`);
    }
    for (const r of registrations) this.types.set(r.name, r);
    return { dispose: () => registrations.forEach((r) => this.types.get(r.name) === r && this.types.delete(r.name)) };
  }

  list(): TypeRegistration[] {
    return [...this.types.values()];
  }
}

/**
 * A plugin's field spec with its result and argument types named as in the schema. A type the manifest does
 * not declare, one of the wrong kind, or a non-null result fails the registration with what to change.
 */
export function schemaFieldSpec<S extends FieldSpec<never, unknown>>(pluginId: string, key: string, spec: S, declared: readonly GraphQLTypeContribution[], namespace: string): S {
  const where = (part: string) => `plugin '${pluginId}' registers the GraphQL field ${key} whose ${part}`;
  const result = resolveTypeReference(spec.type, 'output', declared, namespace);
  if (!result.ok) throw new WeixiError('BAD_USER_INPUT', `${where('type')} ${result.problem}`);
  if (result.reference.nonNull) {
    throw new WeixiError('BAD_USER_INPUT', `${where('type')} ends in '!': plugin fields are nullable, so a failure nulls only them; drop the final '!'`);
  }
  const args = mapValues(spec.args ?? {}, (arg, name) => {
    const resolved = resolveTypeReference(arg.type, 'input', declared, namespace);
    if (!resolved.ok) throw new WeixiError('BAD_USER_INPUT', `${where(`argument '${name}'`)} ${resolved.problem}`);
    const required = (arg.required ?? false) || resolved.reference.nonNull;
    return { ...arg, type: printTypeReference({ ...resolved.reference, nonNull: required }), required };
  });
  return { ...spec, type: printTypeReference(result.reference), args };
}

function schemaReference(text: string, role: TypeRole, declared: readonly GraphQLTypeContribution[], namespace: string): string {
  const resolved = resolveTypeReference(text, role, declared, namespace);
  // The manifest was validated; a reference that does not resolve here means it was changed since.
  if (!resolved.ok) throw new WeixiError('BAD_USER_INPUT', `${text}: ${resolved.problem}`);
  return printTypeReference(resolved.reference);
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v, k)]));
}
