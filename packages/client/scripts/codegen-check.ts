/**
 * Fails when `src/gql/` is not what `pnpm codegen` would write now from schema.graphql and src/operations,
 * without touching the committed files: it generates in memory and compares file by file. Another package
 * with a `codegen.ts` of its own (examples/console) passes its folder: `tsx codegen-check.ts <folder>`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, type CodegenConfig } from '@graphql-codegen/cli';

const packageDir = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
process.chdir(packageDir);
const config = ((await import(pathToFileURL(join(packageDir, 'codegen.ts')).href)) as { default: CodegenConfig }).default;

const outputs = await generate({ ...config, silent: true, errorsOnly: true }, false);
const problems: string[] = [];
const expected = new Set<string>();
for (const output of outputs) {
  const path = resolve(packageDir, output.filename);
  expected.add(path);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === undefined) problems.push(`missing: ${relative(packageDir, path)}`);
  else if (current !== output.content) problems.push(`stale: ${relative(packageDir, path)}`);
}
for (const dir of Object.keys(config.generates)) {
  for (const name of await readdir(resolve(packageDir, dir)).catch(() => [] as string[])) {
    const path = resolve(packageDir, join(dir, name));
    if (!expected.has(path)) problems.push(`not generated (remove it): ${relative(packageDir, path)}`);
  }
}

if (problems.length) {
  console.error(`src/gql is out of date with schema.graphql and the documents:\n  ${problems.join('\n  ')}\nRun: pnpm codegen`);
  process.exit(1);
}
console.log(`codegen: ${outputs.length} generated files are current`);
