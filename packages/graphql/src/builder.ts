import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { WeixiContext } from './context.js';
import type { UploadedFile } from './scalars.js';

export interface WeixiSchemaTypes {
  Context: WeixiContext;
  /** Every connection can count its whole result; the count runs only when `totalCount` is asked for. */
  Connection: { totalCount: () => Promise<number> };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    Month: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
    File: { Input: UploadedFile; Output: never };
  };
}

/** A fresh builder per schema build, so the schema can be rebuilt when the plugin set changes. */
export function createBuilder() {
  return new SchemaBuilder<WeixiSchemaTypes>({
    plugins: [RelayPlugin],
    defaultFieldNullability: false,
    relay: {
      clientMutationId: 'omit',
      cursorType: 'String',
      edgesFieldOptions: { nullable: false },
      nodeFieldOptions: { nullable: false },
    },
  });
}

export type WeixiBuilder = ReturnType<typeof createBuilder>;
