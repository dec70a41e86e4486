/**
 * A folder of Weixi package tarballs, as `pnpm pack:all` writes it (`weixi-sdk-0.1.0.tgz`, ...): what a plugin
 * built outside the monorepo installs from until the packages are on a registry.
 */
import { readdir } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { CliError } from './cli-error.js';

/** `pnpm pack` and `npm pack` name `@weixi/<name>@<version>` as `weixi-<name>-<version>.tgz`. */
const TARBALL = /^weixi-([a-z0-9-]+?)-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.tgz$/;

/** Package name → `file:` specifier relative to `from`, for every Weixi tarball in `folder`. */
export async function tarballSpecifiers(folder: string, from: string, required: string[]): Promise<Record<string, string>> {
  const absolute = resolve(folder);
  const files = await readdir(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`--from ${folder}: ${error.code === 'ENOENT' ? 'no such folder' : error.message}; build it with pnpm pack:all in the Weixi repository`);
  });
  const specifiers: Record<string, string> = {};
  for (const file of files.sort()) {
    const name = TARBALL.exec(file)?.[1];
    if (name === undefined) continue;
    const packageName = `@weixi/${name}`;
    if (packageName in specifiers) throw new CliError(`--from ${folder} holds two versions of ${packageName}; keep one`);
    specifiers[packageName] = `file:${relative(from, resolve(absolute, file)).split('\\').join('/')}`;
  }
  const missing = required.filter((name) => !(name in specifiers));
  if (missing.length > 0) throw new CliError(`--from ${folder} has no tarball for ${missing.join(', ')}; build the folder with pnpm pack:all in the Weixi repository`);
  return specifiers;
}
