import { readFile, rm, utimes, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Bundler } from './bundle.js';

const work = await mkdtemp(join(tmpdir(), 'weixi-bundle-test-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('plugin bundles', () => {
  it('bundles an entry once, and again once the file at that path changed (a version placed again)', async () => {
    const bundler = new Bundler(join(work, 'cache'));
    const entry = join(work, 'index.js');
    await writeFile(entry, 'export default { activate() { return "first"; } };\n');
    const first = await bundler.plugin('sample', entry);
    expect(await bundler.plugin('sample', entry)).toBe(first);
    expect(first).toMatch(/\/plugins\/sample\.[0-9a-f]{12}\.mjs$/);

    await writeFile(entry, 'export default { activate() { return "second"; } };\n');
    await utimes(entry, new Date(), new Date(Date.now() + 5_000));
    const second = await bundler.plugin('sample', entry);
    expect(second).not.toBe(first);
    expect(await readFile(fileURLToPath(second), 'utf8')).toContain('"second"');
    expect(await readFile(fileURLToPath(first), 'utf8')).toContain('"first"');
  });
});
