/**
 * Plugins and the host's own child code, bundled to one ES module each with esbuild, in the API process.
 * The extension host runs under Node's permission model without worker threads or child processes, so
 * it can neither run a TypeScript loader (tsx needs a loader thread, esbuild a child process) nor resolve
 * workspace packages it may not read: it gets plain JavaScript, one file per plugin version, named by plugin id.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

// A server started on built JavaScript (`--conditions=weixi-built`) bundles the workspace's built packages too.
const conditions = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('weixi-built')) ? ['weixi-built'] : [];
// A bundled CommonJS dependency may call require: ES modules have none, so each bundle makes its own.
const banner = "import { createRequire as __weixiRequire } from 'node:module'; const require = __weixiRequire(import.meta.url);";

async function bundle(entry: string, outfile: string): Promise<string> {
  await mkdir(dirname(outfile), { recursive: true });
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', conditions, target: 'node20', banner: { js: banner }, logLevel: 'silent', legalComments: 'none' });
  return outfile;
}

export class Bundler {
  private readonly plugins = new Map<string, Promise<string>>();
  private child: Promise<string> | undefined;

  constructor(readonly dir: string) {}

  /**
   * The file URL of a plugin's bundle, built once per process, entry and change of the entry file. Each
   * entry (a version installed from a registry has its own folder) gets its own file, `<id>.<hash>.mjs`:
   * an upgrade's new code is a new module for the host, a host restarted after a rollback reads the old
   * version's file, and a version placed again at the same path (reinstalled) is bundled again.
   */
  async plugin(pluginId: string, entry: string): Promise<string> {
    const key = `${pluginId}\0${entry}\0${(await stat(entry)).mtimeMs}`;
    let built = this.plugins.get(key);
    if (!built) {
      const file = `${pluginId}.${createHash('sha256').update(key).digest('hex').slice(0, 12)}.mjs`;
      built = bundle(entry, join(this.dir, 'plugins', file)).then((path) => pathToFileURL(path).href);
      built.catch(() => this.plugins.delete(key));
      this.plugins.set(key, built);
    }
    return built;
  }

  /** The path of the extension host's own entry (`child.ts` from source, `child.js` when built). */
  childEntry(): Promise<string> {
    const here = fileURLToPath(import.meta.url);
    this.child ??= bundle(join(dirname(here), `child${here.endsWith('.ts') ? '.ts' : '.js'}`), join(this.dir, 'child.mjs'));
    return this.child;
  }
}

let shared: Promise<Bundler> | undefined;

/** One bundler for the process (its extension hosts, every plugin group's, share the bundles). */
export function sharedBundler(): Promise<Bundler> {
  shared ??= mkdtemp(join(tmpdir(), 'weixi-extension-host-')).then((dir) => new Bundler(dir));
  return shared;
}
