import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generates `src/gql/` (committed) from the printed schema and the operations in `src/operations/`.
 * `codegen:check` reuses this config to fail when the committed files are stale.
 */
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/operations/*.ts'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // NodeNext: relative imports in the generated files end in `.js`.
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          Date: 'string',
          Month: 'string',
          DateTime: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
          // Sent as a multipart part (GraphQL multipart request spec); a Blob in the browser and in Node.
          File: 'Blob',
        },
      },
    },
  },
};

export default config;
