/**
 * Detached ed25519 signatures over a plugin package. `weixi-signature.json` at the package root names the
 * publisher and key and lists every other file of the package with its sha256; the signature covers that
 * list, so an added, removed or changed file breaks it. Publishers' public keys are an allow-list.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PluginRefusedError } from './errors.js';

export const SIGNATURE_FILE = 'weixi-signature.json';

export interface SignatureFile {
  format: 'weixi-plugin-signature/1';
  publisher: string;
  keyId: string;
  files: Array<{ path: string; sha256: string }>;
  /** base64 ed25519 signature of `signedText(publisher, keyId, files)`. */
  signature: string;
}

/** A publisher whose plugins may be installed: its name and its public key (SPKI PEM). */
export interface TrustedPublisher {
  publisher: string;
  publicKey: string;
}

/** Whether a plugin's signature was checked and what was found; only `verified` installs without `allowUnsigned`. */
export type SignatureState = 'verified' | 'unsigned' | 'unknown_publisher' | 'bad_signature';

export interface SignatureCheck {
  state: SignatureState;
  publisher?: string;
  keyId?: string;
  /** Why it is not `verified`. */
  problem?: string;
}

/** A new ed25519 key pair as PEM (private: PKCS#8, public: SPKI), with its key id. */
export function generatePublisherKeys(): { privateKey: string; publicKey: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A short stable id of a public key: the first 16 hex digits of the sha256 of its SPKI DER. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? parsePublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Parses an ed25519 public key in PEM; throws a message naming what is wrong. */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error(`not a public key in PEM: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the key is ${key.asymmetricKeyType}, not ed25519`);
  return key;
}

function signedText(publisher: string, keyId: string, files: SignatureFile['files']): string {
  return ['weixi-plugin-signature/1', publisher, keyId, ...files.map((f) => `${f.sha256}  ${f.path}`)].join('\n');
}

/** Every file under `dir` but the signature and `node_modules`, sorted, with its sha256. */
export async function digestFiles(dir: string, paths?: string[]): Promise<SignatureFile['files']> {
  const list = paths ?? (await listFiles(dir));
  const files = await Promise.all(
    list.filter((p) => p !== SIGNATURE_FILE).map(async (path) => ({ path, sha256: createHash('sha256').update(await readFile(join(dir, path))).digest('hex') })),
  );
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => p !== 'node_modules' && !p.startsWith('node_modules/'));
}

/**
 * Signs the plugin folder `dir` and writes its signature file. `paths` are the files the package will hold
 * (`npm pack --dry-run --json`), so files npm leaves out are not listed; default: every file but node_modules.
 */
export async function signPluginFolder(dir: string, options: { privateKey: string; publisher: string; paths?: string[] }): Promise<SignatureFile> {
  const privateKey = createPrivateKey(options.privateKey);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the private key is ${privateKey.asymmetricKeyType}, not ed25519`);
  const keyId = keyIdOf(createPublicKey(privateKey));
  const files = await digestFiles(dir, options.paths);
  const signature = sign(null, Buffer.from(signedText(options.publisher, keyId, files)), privateKey).toString('base64');
  const file: SignatureFile = { format: 'weixi-plugin-signature/1', publisher: options.publisher, keyId, files, signature };
  await writeFile(join(dir, SIGNATURE_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/** Checks the signature of an unpacked plugin against the trusted publishers; never throws for a bad one. */
export async function checkSignature(dir: string, trusted: readonly TrustedPublisher[]): Promise<SignatureCheck> {
  let file: SignatureFile;
  try {
    file = JSON.parse(await readFile(join(dir, SIGNATURE_FILE), 'utf8')) as SignatureFile;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { state: missing ? 'unsigned' : 'bad_signature', problem: missing ? `the package has no ${SIGNATURE_FILE}` : `${SIGNATURE_FILE} is not valid JSON` };
  }
  if (file.format !== 'weixi-plugin-signature/1' || typeof file.publisher !== 'string' || typeof file.keyId !== 'string' || !Array.isArray(file.files) || typeof file.signature !== 'string') {
    return { state: 'bad_signature', problem: `${SIGNATURE_FILE} is not a weixi-plugin-signature/1 file` };
  }
  const who = { publisher: file.publisher, keyId: file.keyId };
  const key = trusted.find((t) => t.publisher === file.publisher && keyIdOf(t.publicKey) === file.keyId);
  if (!key) return { state: 'unknown_publisher', ...who, problem: `publisher '${file.publisher}' with key ${file.keyId} is not trusted here` };
  const files = await digestFiles(dir);
  if (!verify(null, Buffer.from(signedText(file.publisher, file.keyId, files)), parsePublicKey(key.publicKey), Buffer.from(file.signature, 'base64'))) {
    const signed = new Map(file.files.map((f) => [f.path, f.sha256]));
    const differing = files.filter((f) => signed.get(f.path) !== f.sha256).map((f) => f.path);
    const missing = file.files.filter((f) => !files.some((g) => g.path === f.path)).map((f) => f.path);
    const detail = [...differing.map((p) => `${p} differs or was added`), ...missing.map((p) => `${p} is missing`)].slice(0, 3).join(', ');
    return { state: 'bad_signature', ...who, problem: `the signature of '${file.publisher}' does not match the package${detail ? `: ${detail}` : ''}` };
  }
  return { state: 'verified', ...who };
}

/** Throws the typed refusal for a signature that is not verified (when unsigned plugins are not allowed). */
export function refuseUnverified(check: SignatureCheck, what: string): void {
  if (check.state === 'verified') return;
  const reason = check.state === 'unsigned' ? 'UNSIGNED' : check.state === 'unknown_publisher' ? 'UNKNOWN_PUBLISHER' : 'BAD_SIGNATURE';
  throw new PluginRefusedError(reason, `${what} is refused: ${check.problem}; an admin may install it anyway with allowUnsigned (audited)`, [{ path: 'signature', message: check.problem ?? check.state }]);
}
