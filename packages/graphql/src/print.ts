/** Prints the schema to schema.graphql at the repo root (`pnpm schema:print`); `--check` fails when stale. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildSchema } from './schema.js';

const target = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));
const printed = `${printSchema(buildSchema())}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== printed) {
    console.error('schema.graphql is stale: run `pnpm schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is current.');
} else {
  writeFileSync(target, printed);
  console.log('wrote schema.graphql');
}
