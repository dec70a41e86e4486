/**
 * The npm registry protocol, as much as installing plugins needs: the packument (all versions of a package
 * with their tarball address and integrity), semver range resolution, and the tarball download.
 */
import semver from 'semver';
import { PluginRefusedError } from './errors.js';

export interface RegistryVersion {
  version: string;
  tarball: string;
  integrity?: string;
}

export interface Packument {
  name: string;
  versions: RegistryVersion[];
  distTags: Record<string, string>;
}

export interface RegistryOptions {
  /** Registry base URL, e.g. `http://127.0.0.1:4873/`. */
  registry: string;
  /** Bearer token, when the registry requires login to read. */
  token?: string;
  /** Per-request timeout in milliseconds; default 30 s. */
  timeoutMs?: number;
}

function headers(options: RegistryOptions, accept: string): Record<string, string> {
  return { accept, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
}

async function get(url: string, options: RegistryOptions, accept: string): Promise<Response> {
  try {
    return await fetch(url, { headers: headers(options, accept), signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  } catch (error) {
    throw new PluginRefusedError('REGISTRY_UNREACHABLE', `registry ${options.registry} cannot be reached: ${(error as Error).message}`);
  }
}

/** Reads a package's versions from the registry; NOT_FOUND when the registry does not have it. */
export async function fetchPackument(name: string, options: RegistryOptions): Promise<Packument> {
  const base = options.registry.endsWith('/') ? options.registry : `${options.registry}/`;
  const response = await get(new URL(name.replace('/', '%2f'), base).href, options, 'application/json');
  if (response.status === 404) throw new PluginRefusedError('NOT_FOUND', `package '${name}' does not exist on ${options.registry}`, [{ path: 'name', message: `no package '${name}' on the registry` }]);
  if (!response.ok) throw new PluginRefusedError('REGISTRY_UNREACHABLE', `registry ${options.registry} answered ${response.status} for '${name}'`);
  const body = (await response.json()) as { name?: string; versions?: Record<string, { dist?: { tarball?: string; integrity?: string } }>; 'dist-tags'?: Record<string, string> };
  const versions = Object.entries(body.versions ?? {}).flatMap(([version, v]) =>
    v.dist?.tarball ? [{ version, tarball: v.dist.tarball, ...(v.dist.integrity ? { integrity: v.dist.integrity } : {}) }] : [],
  );
  versions.sort((a, b) => semver.compare(a.version, b.version));
  return { name: body.name ?? name, versions, distTags: body['dist-tags'] ?? {} };
}

/** The highest version in `range` (a dist-tag such as `latest` is accepted too; default `latest`). */
export function resolveVersion(packument: Packument, range = 'latest'): RegistryVersion {
  const tagged = packument.distTags[range];
  const wanted = tagged ?? semver.maxSatisfying(packument.versions.map((v) => v.version), range);
  const found = packument.versions.find((v) => v.version === wanted);
  if (!found) {
    const known = packument.versions.map((v) => v.version).join(', ') || 'none';
    throw new PluginRefusedError('NO_MATCHING_VERSION', `package '${packument.name}' has no version in '${range}' (published: ${known})`, [{ path: 'range', message: `no version matches '${range}'` }]);
  }
  return found;
}

/** Downloads a tarball's bytes. */
export async function downloadTarball(version: RegistryVersion, options: RegistryOptions): Promise<Uint8Array> {
  const response = await get(version.tarball, options, 'application/octet-stream');
  if (!response.ok) throw new PluginRefusedError('REGISTRY_UNREACHABLE', `tarball ${version.tarball} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
