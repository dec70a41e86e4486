#!/usr/bin/env node
// `pnpm build`: compiles every package, the server and the workspace plugins to JavaScript with type
// declarations (tsconfig.build.json, one tsc program), then moves each `<package>/src` output to
// `<package>/dist`. Relative imports keep their layout, so `dist/` mirrors `src/` file for file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.build');
const tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');

rmSync(out, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);

const built = [];
for (const group of readdirSync(out)) {
  // `api/src` sits one level up; `packages/<name>/src` and `plugins/<name>/src` two.
  const folders = existsSync(join(out, group, 'src')) ? [group] : readdirSync(join(out, group)).map((name) => join(group, name));
  for (const folder of folders) {
    const dist = join(root, folder, 'dist');
    rmSync(dist, { recursive: true, force: true });
    renameSync(join(out, folder, 'src'), dist);
    built.push(folder);
  }
}
rmSync(out, { recursive: true, force: true });
console.log(`built ${built.length} packages: ${built.sort().join(', ')}`);
