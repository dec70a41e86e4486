import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generates `src/gql/` (committed) from the repository's printed schema and the console's own documents in
 * `src/graphql/*.graphql`: every operation becomes a typed document (`SearchCustomersDocument`, ...) that
 * `@weixi/client`'s `request` accepts, so variables and results are checked end to end.
 */
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/graphql/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          Date: 'string',
          Month: 'string',
          DateTime: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
          File: 'Blob',
        },
      },
    },
  },
};

export default config;
