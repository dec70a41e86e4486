/**
 * `weixi schema print [--with-plugins] [--out FILE]`: the GraphQL schema as SDL, for codegen. With
 * `--with-plugins` it holds the fields and types of the workspace's plugins and WEIXI_PLUGINS', as a
 * server that enables all of them serves it; their code runs (fields are registered by code), on a
 * throwaway in-memory database, never the configured one.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InstalledPlugin } from '@weixi/core';
import type { Command } from '../command.js';
import { parseOptions } from '../arguments.js';
import { CliError, UsageError } from '../cli-error.js';
import { survey } from '../plugin-survey.js';

const USAGE = `Usage: weixi schema print [--with-plugins] [--out FILE]

  print           writes the GraphQL schema (SDL) to standard output, or to FILE with --out
  --with-plugins  adds the fields and types of every plugin in <workspace>/plugins/* and WEIXI_PLUGINS,
                  each activated on a throwaway in-memory database (their code runs; no database of
                  yours is touched). An invalid, refused or failing plugin stops it, naming the plugin.

Without --with-plugins it is the core schema, the same as the committed schema.graphql. Point
graphql-codegen at the file to type the plugin fields your frontend uses.`;

export const schema: Command = {
  name: 'schema',
  summary: 'print the GraphQL schema, with the plugins\' fields and types for codegen',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'print') throw new UsageError(sub === undefined ? 'no subcommand given: use print' : `unknown subcommand '${sub}': use print`, 'schema');
    const options = parseOptions('schema', rest, { 'with-plugins': { type: 'boolean' }, out: { type: 'string' } });
    const sdl = options['with-plugins'] ? await withPlugins() : (await print([])).sdl;
    if (options.out === undefined) process.stdout.write(sdl);
    else {
      writeFileSync(resolve(options.out), sdl);
      process.stderr.write(`wrote ${options.out}\n`);
    }
    return 0;
  },
};

/** Loaded on use: the schema and server packages would slow every other command's start. */
async function print(plugins: InstalledPlugin[]) {
  const { printSchemaWithPlugins } = await import('@weixi/platform');
  return printSchemaWithPlugins(plugins);
}

async function withPlugins(): Promise<string> {
  const { found, plan } = await survey();
  const problems = [
    ...found.flatMap((p) => (p.status === 'invalid' ? [`${p.id ?? p.dir}: ${p.error.message}`] : [])),
    ...plan.refused.map((r) => `${r.plugin.id}: ${r.reason}`),
  ];
  if (problems.length > 0) throw new CliError(`cannot print the schema with plugins; run 'weixi plugins validate':\n  ${problems.join('\n  ')}`);
  const { sdl, failed } = await print(plan.order.map((p) => ({ manifest: p.manifest, entry: p.entry })));
  if (failed.length > 0) throw new CliError(`plugins failed to activate, so their fields would be missing:\n  ${failed.map((p) => `${p.id}: ${p.error}`).join('\n  ')}`);
  return sdl;
}
