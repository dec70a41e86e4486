/**
 * The object, input and enum types active plugins declare (`Sms_Message`), and the translation of their
 * type references (`[Sms_Part!]!`) into Pothos field, argument and input-field options.
 */
import type { TypeRegistration } from '@weixi/core';
import { parseTypeReference, SCALAR_TYPES } from '@weixi/core/plugins';
import type { WeixiBuilder } from '../builder.js';
import { checkedField } from '../plugin-failures.js';

/** The declared types of this build by schema name, for references to find. */
export type PluginTypeRefs = ReadonlyMap<string, unknown>;

function named(name: string, refs: PluginTypeRefs): any {
  if ((SCALAR_TYPES as readonly string[]).includes(name)) return name;
  const ref = refs.get(name);
  if (ref === undefined) throw new Error(`plugin type reference to ${name}, which no active plugin declares`);
  return ref;
}

function parsed(reference: string) {
  const ref = parseTypeReference(reference);
  if (!ref) throw new Error(`not a type reference: ${reference}`);
  return ref;
}

/** Pothos `type` and `nullable` for a result; `alwaysNullable` for plugin fields, which a failure nulls. */
export function outputOptions(reference: string, refs: PluginTypeRefs, alwaysNullable = false): { type: any; nullable: any } {
  const ref = parsed(reference);
  const type = named(ref.name, refs);
  const nullable = alwaysNullable || !ref.nonNull;
  return ref.list ? { type: [type], nullable: { list: nullable, items: !ref.list.itemsNonNull } } : { type, nullable };
}

/** Pothos `type` and `required` for an argument or an input field. */
export function inputOptions(reference: string, refs: PluginTypeRefs): { type: any; required: any } {
  const ref = parsed(reference);
  const type = named(ref.name, refs);
  return ref.list ? { type: [type], required: { list: ref.nonNull, items: ref.list.itemsNonNull } } : { type, required: ref.nonNull };
}

/** Adds every declared type to the schema being built; references between them may go either way. */
export function registerPluginTypes(builder: WeixiBuilder, types: readonly TypeRegistration[]): PluginTypeRefs {
  const refs = new Map<string, unknown>();
  for (const t of types) {
    if (t.kind === 'enum') {
      const values = Object.fromEntries(Object.entries(t.values ?? {}).map(([value, v]) => [value, { value, description: v.description }]));
      refs.set(t.name, builder.enumType(t.name, { description: t.description, values }));
    } else {
      refs.set(t.name, t.kind === 'object' ? builder.objectRef<Record<string, unknown>>(t.name) : builder.inputRef<Record<string, unknown>>(t.name));
    }
  }
  for (const t of types) {
    const fields = Object.entries(t.fields ?? {});
    if (t.kind === 'object') {
      (refs.get(t.name) as ReturnType<WeixiBuilder['objectRef']>).implement({
        description: t.description,
        fields: (f) =>
          Object.fromEntries(
            fields.map(([name, field]) => [
              name,
              f.field({ ...outputOptions(field.type, refs), description: field.description, resolve: checkedField(t.pluginId, `${t.name}.${name}`) as any }),
            ]),
          ),
      });
    } else if (t.kind === 'input') {
      (refs.get(t.name) as ReturnType<WeixiBuilder['inputRef']>).implement({
        description: t.description,
        fields: (f) => Object.fromEntries(fields.map(([name, field]) => [name, f.field({ ...inputOptions(field.type, refs), description: field.description })])),
      });
    }
  }
  return refs;
}
