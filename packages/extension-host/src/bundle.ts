/**
 * Plugins and the host's own child code, bundled to one ES module each with esbuild, in the API process.
 * The extension host runs under Node's permission model without worker threads or child processes, so
 * it can neither run a TypeScript loader (tsx needs a loader thread, esbuild a child process) nor resolve
 * workspace packages it may not read: it gets plain JavaScript, one file per plugin, named by plugin id.
 */
import { mkdir } from 'node:fs/promises';
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

  /** The file URL of a plugin's bundle, built once per process. */
  plugin(pluginId: string, entry: string): Promise<string> {
    let built = this.plugins.get(pluginId);
    if (!built) {
      built = bundle(entry, join(this.dir, 'plugins', `${pluginId}.mjs`)).then((file) => pathToFileURL(file).href);
      built.catch(() => this.plugins.delete(pluginId));
      this.plugins.set(pluginId, built);
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
