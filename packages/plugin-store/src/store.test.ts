import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK_VERSION } from '@weixi/sdk';
import { generatePublisherKeys, PluginRefusedError, PluginStore, type FetchRequest, type TrustedPublisher } from './index.js';
import { publishFixture, writeLibraryPackage, type FixtureOptions } from './fixture-plugin.test-support.js';
import { startRegistry, type TestRegistry } from './verdaccio.test-support.js';

const sdkDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sdk');
let registry: TestRegistry;
let work: string;
const acme = generatePublisherKeys();
const stranger = generatePublisherKeys();
const trusted: TrustedPublisher[] = [{ publisher: 'acme', publicKey: acme.publicKey }];

const publish = (options: FixtureOptions, sign: { key?: string; tamper?: boolean } | false = {}) =>
  publishFixture(registry, options, sign && { privateKey: sign.key ?? acme.privateKey, publisher: 'acme', ...(sign.tamper ? { tamper: true } : {}) });

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'weixi-store-test-'));
  process.env.WEIXI_FIXTURE_MARKER = join(work, 'marker');
  const library = await writeLibraryPackage('weixi-greeting-words', '1.0.0', 'and welcome');
  await registry.publish(library);
  await rm(library, { recursive: true, force: true });
  await publish({ version: '1.0.0' });
  await publish({ version: '1.1.0', renamed: true, dependencies: { 'weixi-greeting-words': '^1.0.0' } });
  await publish({ version: '1.0.0', name: 'weixi-plugin-unsigned' }, false);
  await publish({ version: '1.0.0', name: 'weixi-plugin-tampered' }, { tamper: true });
  await publish({ version: '1.0.0', name: 'weixi-plugin-stranger' }, { key: stranger.privateKey });
  await publish({ version: '1.0.0', name: 'weixi-plugin-future', engine: '^9.0.0' });
  await publish({ version: '1.0.0', name: 'weixi-plugin-lonely', pluginDependencies: { 'warning-nowhere': '^1.0.0' } });
  await publish({ version: '1.0.0', name: 'weixi-plugin-swapped' });
  // The registry's copy of the tarball is replaced after publishing: its integrity no longer matches.
  const tarball = join(registry.storage, 'weixi-plugin-swapped', 'weixi-plugin-swapped-1.0.0.tgz');
  const other = join(registry.storage, 'weixi-plugin-future', 'weixi-plugin-future-1.0.0.tgz');
  await rm(tarball);
  await appendFile(tarball, await readFile(other));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  delete process.env.WEIXI_FIXTURE_MARKER;
  if (work) await rm(work, { recursive: true, force: true });
});

async function newStore() {
  const dir = await mkdtemp(join(work, 'store-'));
  return new PluginStore({ dir, sdkVersion: SDK_VERSION, provided: { '@weixi/sdk': sdkDir } });
}

const request = (name: string, more: Partial<FetchRequest> = {}): FetchRequest => ({ name, registry: registry.url, trusted, present: [], ...more });

async function refusal(store: PluginStore, name: string, more: Partial<FetchRequest> = {}): Promise<PluginRefusedError> {
  const error = await store.fetch(request(name, more)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PluginRefusedError);
  // Nothing placed and nothing of the plugin imported.
  expect((await readdir(store.dir)).filter((e) => e !== '.incoming' && e !== 'node_modules')).toEqual([]);
  expect(await readdir(join(store.dir, '.incoming')).catch(() => [])).toEqual([]);
  expect(existsSync(process.env.WEIXI_FIXTURE_MARKER!)).toBe(false);
  return error as PluginRefusedError;
}

describe('PluginStore.fetch', () => {
  it('resolves the range, verifies and places a signed plugin whose module then loads with the SDK', async () => {
    const store = await newStore();
    const progress: string[] = [];
    const stored = await store.fetch(request('weixi-plugin-greeting', { range: '~1.0.0', onProgress: (step) => progress.push(step) }));
    expect(stored).toMatchObject({ id: 'greeting', version: '1.0.0', packageName: 'weixi-plugin-greeting', signature: { state: 'verified', publisher: 'acme', keyId: acme.keyId } });
    expect(stored.integrity).toMatch(/^sha512-/);
    expect(stored.dir).toBe(join(store.dir, 'greeting', '1.0.0'));
    expect(progress).toEqual(['resolving', 'downloading', 'verifying', 'placed']);
    expect(existsSync(process.env.WEIXI_FIXTURE_MARKER!)).toBe(false);
    const module = (await import(pathToFileURL(stored.entry).href)) as { default: { activate: unknown } };
    expect(typeof module.default.activate).toBe('function');
    expect(await readFile(process.env.WEIXI_FIXTURE_MARKER!, 'utf8')).toBe('greeting@1.0.0 imported\n');
    await rm(process.env.WEIXI_FIXTURE_MARKER!);
    // A second fetch of the same version finds it in place.
    expect((await store.fetch(request('weixi-plugin-greeting', { range: '1.0.0' }))).dir).toBe(stored.dir);
  });

  it("installs the plugin's own npm dependencies without running their scripts", async () => {
    const store = await newStore();
    const stored = await store.fetch(request('weixi-plugin-greeting'));
    expect(stored.version).toBe('1.1.0');
    expect(JSON.parse(await readFile(join(stored.dir, 'node_modules', 'weixi-greeting-words', 'package.json'), 'utf8'))).toMatchObject({ version: '1.0.0' });
    expect(existsSync(process.env.WEIXI_FIXTURE_MARKER!)).toBe(false);
  });

  it('places a version once when processes sharing the store fetch it at the same time', async () => {
    const dir = await mkdtemp(join(work, 'shared-'));
    const stores = Array.from({ length: 4 }, () => new PluginStore({ dir, sdkVersion: SDK_VERSION, provided: { '@weixi/sdk': sdkDir } }));
    const stored = await Promise.all(stores.map((store) => store.fetch(request('weixi-plugin-greeting'))));
    expect(new Set(stored.map((s) => `${s.dir} ${s.integrity}`)).size).toBe(1);
    expect(stored[0]!.dir).toBe(join(dir, 'greeting', '1.1.0'));
    // One complete folder (its dependency included), and nothing left over from the losers.
    expect(await readdir(join(dir, 'greeting'))).toEqual(['1.1.0']);
    expect(existsSync(join(stored[0]!.dir, 'node_modules', 'weixi-greeting-words', 'package.json'))).toBe(true);
    expect(await readdir(join(dir, '.incoming')).catch(() => [])).toEqual([]);
  });

  it('refuses a tarball whose bytes do not match the registry integrity', async () => {
    const error = await refusal(await newStore(), 'weixi-plugin-swapped');
    expect(error.reason).toBe('INTEGRITY_MISMATCH');
  });

  it('refuses a version whose integrity differs from the one recorded at install', async () => {
    const error = await refusal(await newStore(), 'weixi-plugin-greeting', { range: '1.0.0', integrity: 'sha512-AAAA' });
    expect(error.reason).toBe('INTEGRITY_MISMATCH');
  });

  it('refuses unsigned, wrongly signed and unknown publishers, naming which', async () => {
    expect((await refusal(await newStore(), 'weixi-plugin-unsigned')).reason).toBe('UNSIGNED');
    const bad = await refusal(await newStore(), 'weixi-plugin-tampered');
    expect(bad.reason).toBe('BAD_SIGNATURE');
    expect(bad.message).toContain('index.js differs');
    const unknown = await refusal(await newStore(), 'weixi-plugin-stranger');
    expect(unknown.reason).toBe('UNKNOWN_PUBLISHER');
    expect(unknown.message).toContain(stranger.keyId);
  });

  it('installs an unsigned plugin when allowed, reporting its signature state', async () => {
    const stored = await (await newStore()).fetch(request('weixi-plugin-unsigned', { allowUnsigned: true }));
    expect(stored.signature.state).toBe('unsigned');
  });

  it('refuses an engine mismatch and a missing plugin dependency before any code runs', async () => {
    const engine = await refusal(await newStore(), 'weixi-plugin-future');
    expect(engine.reason).toBe('ENGINE_MISMATCH');
    expect(engine.message).toContain('^9.0.0');
    const missing = await refusal(await newStore(), 'weixi-plugin-lonely');
    expect(missing.reason).toBe('MISSING_DEPENDENCY');
    expect(missing.message).toContain("'warning-nowhere'");
  });

  it('refuses an unknown package and a range no version matches', async () => {
    expect((await refusal(await newStore(), 'weixi-plugin-nowhere')).reason).toBe('NOT_FOUND');
    const error = await refusal(await newStore(), 'weixi-plugin-greeting', { range: '^2.0.0' });
    expect(error.reason).toBe('NO_MATCHING_VERSION');
    expect(error.message).toContain('1.0.0, 1.1.0');
  });
});
