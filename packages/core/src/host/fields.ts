import type { Disposable, ExtensibleType, FieldParent, FieldSpec } from '@weixi/sdk';
import { WeixiError } from '../errors.js';

/** A GraphQL field a plugin registered, with its owner: the schema builder reads these. */
export interface FieldRegistration {
  pluginId: string;
  /** The type it lives on; root fields are named `<namespace>_<field>` already. */
  type: ExtensibleType;
  name: string;
  spec: FieldSpec<FieldParent | null, unknown>;
}

/** The fields plugins add, keyed `Type.field`; a second claim to one field names both plugins. */
export class FieldRegistry {
  private readonly fields = new Map<string, FieldRegistration>();

  add(registration: FieldRegistration): Disposable {
    const key = `${registration.type}.${registration.name}`;
    const owner = this.fields.get(key);
    if (owner) {
      throw new WeixiError('CONFLICT', `plugins '${owner.pluginId}' and '${registration.pluginId}' both add the GraphQL field ${key}; disable one of them or rename the field`);
    }
    this.fields.set(key, registration);
    return { dispose: () => void (this.fields.get(key) === registration && this.fields.delete(key)) };
  }

  list(): FieldRegistration[] {
    return [...this.fields.values()];
  }
}
