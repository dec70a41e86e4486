import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpackTarball } from './unpack.js';

interface Entry {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  body?: string;
  linkpath?: string;
}

/** A gzipped tar written entry by entry, so it can hold what `npm pack` never would. */
function tarball(entries: Entry[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = new Header({ path: entry.path, type: entry.type, linkpath: entry.linkpath, size: body.length, mode: entry.type === 'Directory' ? 0o755 : 0o644, mtime: new Date('2026-01-01') });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** Every path under `dir`, relative, links shown as such. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return [`${prefix}${name} (link)`];
    return stat.isDirectory() ? [`${prefix}${name}/`, ...tree(path, `${prefix}${name}/`)] : [`${prefix}${name}`];
  });
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weixi-unpack-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('unpacking a plugin tarball', () => {
  it('keeps every file inside the store folder: no links, no paths that climb out or start at the root', async () => {
    const outside = join(root, 'outside');
    await mkdir(outside);
    const store = join(root, 'store', 'evil', '1.0.0');
    await mkdir(store, { recursive: true });
    await unpackTarball(
      tarball([
        { path: 'package/package.json', type: 'File', body: '{"name":"evil"}' },
        { path: 'package/index.js', type: 'File', body: 'export default {}' },
        { path: 'package/../../../outside/climbed.txt', type: 'File', body: 'climbed' },
        { path: `${outside}/absolute.txt`, type: 'File', body: 'absolute' },
        { path: 'package/to-outside', type: 'SymbolicLink', linkpath: outside },
        { path: 'package/to-outside/through-link.txt', type: 'File', body: 'through a link' },
        { path: 'package/passwd', type: 'Link', linkpath: '/etc/passwd' },
      ]),
      store,
    );
    expect(readdirSync(outside)).toEqual([]);
    expect(tree(store).filter((p) => p.includes('(link)'))).toEqual([]);
    expect(existsSync(join(store, 'passwd'))).toBe(false);
    expect(readFileSync(join(store, 'index.js'), 'utf8')).toBe('export default {}');
    // Whatever was kept of the crafted entries is a plain file inside the store.
    for (const path of tree(store)) expect(join(store, path).startsWith(store)).toBe(true);
  });
});
