// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.build/**', 'packages/client/src/gql/**', 'examples/console/src/gql/**', 'tests/console/artifacts/**', '.weixi/**', 'tests/bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Tests read GraphQL responses as loosely typed JSON.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['plugins/*/src/**/*.ts', 'examples/regional-plugin/src/**/*.ts'],
    rules: {
      // Plugins reach the platform only through the SDK, exactly as a third party would.
      'no-restricted-imports': ['error', { patterns: [{ group: ['@weixi/*', '!@weixi/sdk', '!@weixi/sdk/model', '!@weixi/testing'], message: 'Plugins import only @weixi/sdk (and @weixi/testing in tests).' }] }],
    },
  },
);
