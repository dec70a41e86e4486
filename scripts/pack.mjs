#!/usr/bin/env node
// `pnpm pack:all [--out <folder>]`: builds the workspace, then packs @weixi/sdk, @weixi/testing and
// @weixi/client with every workspace package they depend on into one folder of tarballs (default
// dist/packages), which `weixi plugin new --from <folder>` and `npm install <tarball>` install from.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PUBLISHED = ['@weixi/sdk', '@weixi/testing', '@weixi/client'];
const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' }, 'skip-build': { type: 'boolean' } } });
const out = resolve(values.out ?? join(root, 'dist', 'packages'));

const run = (command, args, cwd = root) => {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
// pnpm as it runs this script, so the pinned version packs (it rewrites `workspace:*` and publishConfig).
const pnpm = (args, cwd) => (process.env.npm_execpath?.match(/pnpm\.c?js$/) ? run(process.execPath, [process.env.npm_execpath, ...args], cwd) : run('pnpm', args, cwd));

/** Workspace packages by name, from packages/*. */
const workspace = new Map(
  readdirSync(join(root, 'packages')).map((folder) => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'));
    return [pkg.name, { dir: join(root, 'packages', folder), pkg }];
  }),
);

/** The published packages and, transitively, the workspace packages they need at run time. */
const needed = new Set();
const visit = (name) => {
  if (needed.has(name)) return;
  const entry = workspace.get(name);
  if (!entry) throw new Error(`${name} is not a package under packages/`);
  needed.add(name);
  for (const [dep, range] of Object.entries(entry.pkg.dependencies ?? {})) if (String(range).startsWith('workspace:')) visit(dep);
};
PUBLISHED.forEach(visit);

if (!values['skip-build']) run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const name of [...needed].sort()) pnpm(['pack', '--pack-destination', out], workspace.get(name).dir);
const tarballs = readdirSync(out).filter((f) => f.endsWith('.tgz')).sort();
console.log(`${tarballs.length} packages in ${out}:\n${tarballs.map((t) => `  ${t}`).join('\n')}`);
