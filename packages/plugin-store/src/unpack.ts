import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { x } from 'tar';

/**
 * Unpacks an npm tarball (its files under `package/`) into `dir`. Only plain files and folders are taken:
 * a link could point outside the store, and tar already refuses absolute and `..` paths.
 */
export async function unpackTarball(bytes: Uint8Array, dir: string): Promise<void> {
  const file = join(dir, '..', `${dir.split(/[\\/]/).pop()}.tgz`);
  await writeFile(file, bytes);
  await x({ file, cwd: dir, strip: 1, filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory') });
}
