import { createHash } from 'node:crypto';
import { PluginRefusedError } from './errors.js';

/**
 * Checks bytes against an npm `dist.integrity` string (Subresource Integrity: `sha512-<base64>`, possibly
 * several space-separated). Only sha512 and sha384/sha256 are accepted; `sha1` (`dist.shasum`) is too weak.
 */
export function checkIntegrity(bytes: Uint8Array, integrity: string | undefined, what: string): void {
  const hashes = (integrity ?? '').split(/\s+/).flatMap((part) => {
    const match = /^(sha512|sha384|sha256)-([A-Za-z0-9+/=]+)$/.exec(part);
    return match ? [{ algorithm: match[1]!, digest: match[2]! }] : [];
  });
  if (hashes.length === 0) throw new PluginRefusedError('INTEGRITY_MISMATCH', `${what}: the registry gives no sha512/sha384/sha256 integrity for the tarball, so it cannot be checked`);
  const ok = hashes.some(({ algorithm, digest }) => createHash(algorithm).update(bytes).digest('base64') === digest);
  if (!ok) throw new PluginRefusedError('INTEGRITY_MISMATCH', `${what}: the downloaded tarball does not match the registry's integrity ${hashes[0]!.algorithm}; it was changed in transit or on the registry`);
}
