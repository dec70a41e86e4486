/**
 * `weixi plugin new <name> [--kind tactic|channel|warning] [--dir plugins] [--from tarballs]`: writes a plugin package that
 * runs and passes its test as it is: package.json with its manifest, src/index.ts (`definePlugin`), one
 * concept file, a test through `@weixi/testing`, and a README. The files come from templates/plugin/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEBAB_CASE, PLATFORM_SDK_VERSION as SDK_VERSION, pluginNamespace, pluginTypeName, validateManifest } from '@weixi/core/plugins';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { parseOptions } from '../arguments.js';
import { tarballSpecifiers } from '../tarballs.js';
import { registryCommand, REGISTRY_USAGE } from './plugin-registry.js';

const KINDS = ['tactic', 'channel', 'warning'] as const;
type Kind = (typeof KINDS)[number];

const TEMPLATES = fileURLToPath(new URL('../../templates/plugin/', import.meta.url));

/** The files of each kind besides package.json and README.md: template path → path in the plugin. */
const FILES: Record<Kind, string[]> = {
  tactic: ['src/index.ts', 'src/offer.ts', 'src/preview.ts', 'src/offer.test.ts'],
  warning: ['src/index.ts', 'src/rule.ts', 'src/rule.test.ts'],
  channel: ['src/index.ts', 'src/sender.ts', 'src/sender.test.ts'],
};

const DESCRIPTIONS: Record<Kind, string> = {
  tactic: 'A retention tactic (维系招式): offers contract renewal to customers whose contract ends soon',
  warning: 'A churn-warning rule (流失预警): a callback task for customers with repeated complaints',
  channel: 'A contact channel (渠道): delivers messages to customers',
};

const USAGE = `Usage: weixi plugin new <name> [--kind tactic|channel|warning] [--dir plugins] [--from <folder>]

Writes a new plugin package into <dir>/<name>: package.json with a valid manifest, src/index.ts, a
concept file (offer.ts, rule.ts or sender.ts), a test that runs through @weixi/testing, and a README.

  <name>        the plugin id, kebab-case, e.g. tactic-loyalty-call; its prefix (tactic-, channel-,
                warning-) picks the kind when --kind is not given (default tactic)
  --kind K      tactic, channel or warning
  --dir D       the folder to create it in (default plugins)
  --from F      install the Weixi packages from the tarballs in F (\`pnpm pack:all\` in the Weixi
                repository writes them to dist/packages) instead of a registry
  -h, --help    show this help

Example: pnpm weixi plugin new warning-complaints --kind warning
Outside the repository: pnpm weixi plugin new tactic-campus-summer --dir ../my-plugins --from dist/packages

${REGISTRY_USAGE}`;

export const plugin: Command = {
  name: 'plugin',
  summary: 'create a plugin package (new); install, upgrade, uninstall plugins from a registry; sign them',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('no subcommand given: use new, install, upgrade, uninstall, purge, list, keygen, sign or trust', 'plugin');
    if (sub !== 'new') return registryCommand(sub, rest);
    const positional = rest.filter((a, i) => !a.startsWith('-') && !['--kind', '--dir', '--from'].includes(rest[i - 1] ?? ''));
    const values = parseOptions('plugin', rest.filter((a) => !positional.includes(a)), {
      kind: { type: 'string' },
      dir: { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positional.length === 0) throw new UsageError('plugin new needs a name, e.g. weixi plugin new tactic-loyalty-call', 'plugin');
    if (positional.length > 1) throw new UsageError(`plugin new takes one name, got: ${positional.join(' ')}`, 'plugin');
    const name = positional[0]!;
    const kind = kindOf(name, values.kind);
    const folder = resolve(values.dir ?? 'plugins', name);
    const files = await scaffold({ name, kind, folder, tarballs: values.from });
    const shown = where(folder);
    const next = weixiWorkspace(folder)
      ? ['pnpm install', `npx vitest run ${shown}`, `pnpm weixi plugins validate ${shown}`]
      : [`cd ${shown}`, 'pnpm install', 'pnpm test'];
    process.stdout.write([`Created ${kind} plugin '${name}' in ${shown}:`, ...files.map((f) => `  ${f}`), '', 'Next:', ...next.map((line) => `  ${line}`), ''].join('\n'));
    return 0;
  },
};

function kindOf(name: string, option: string | undefined): Kind {
  if (!new RegExp(KEBAB_CASE).test(name) || name.length > 60) {
    throw new UsageError(`'${name}' is not a valid plugin name: use lowercase letters and digits joined by single hyphens, at most 60 characters, e.g. tactic-loyalty-call`, 'plugin');
  }
  if (option !== undefined && !(KINDS as readonly string[]).includes(option)) {
    throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, got '${option}'`, 'plugin');
  }
  const prefixed = KINDS.find((k) => name.startsWith(`${k}-`));
  if (option !== undefined && prefixed !== undefined && prefixed !== option) {
    throw new UsageError(`'${name}' reads as a ${prefixed} plugin but --kind is ${option}; rename it or drop --kind`, 'plugin');
  }
  return (option as Kind | undefined) ?? prefixed ?? 'tactic';
}

/** The Weixi workspace a folder lies in (a pnpm workspace with packages/sdk), if any. */
function weixiWorkspace(folder: string): string | undefined {
  for (let dir = dirname(folder); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(dir, 'packages', 'sdk', 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

async function scaffold({ name, kind, folder, tarballs }: { name: string; kind: Kind; folder: string; tarballs?: string }): Promise<string[]> {
  if (existsSync(folder)) throw new CliError(`${where(folder)} already exists; choose another name or remove that folder first`);
  const workspace = weixiWorkspace(folder);
  const words = name.split('-');
  const vars: Record<string, string> = {
    id: name,
    displayName: words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '),
    description: DESCRIPTIONS[kind],
    // Root fields are `<namespace>_<field>`, declared types `<Namespace>_<Type>`.
    namespace: pluginNamespace({ id: name }),
    typePrefix: pluginTypeName(pluginNamespace({ id: name }), '').slice(0, -1),
    channelId: kind === 'channel' && words.length > 1 && words[0] === 'channel' ? words.slice(1).join('-') : name,
    // README commands, run from the workspace root in the monorepo, else from the plugin's folder.
    testCommand: workspace ? `npx vitest run ${relative(workspace, folder)}` : 'npx vitest run',
    validateCommand: workspace ? `pnpm weixi plugins validate ${relative(workspace, folder)}` : 'weixi plugins validate .',
  };
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => vars[key] ?? m);

  const weixi = { id: name, displayName: vars.displayName, description: vars.description, engines: { weixi: `^${SDK_VERSION}` }, activationEvents: ['onStartup'], ...JSON.parse(fill(await readFile(join(TEMPLATES, kind, 'manifest.json'), 'utf8'))) };
  // The template must yield a manifest the platform accepts; a broken template is a bug here, not the user's.
  validateManifest({ version: '0.1.0', ...weixi }, join(TEMPLATES, kind, 'manifest.json'));
  // In the monorepo the packages are the workspace's own; elsewhere they come from tarballs (--from) or a
  // registry. Tarballs name their Weixi dependencies by version, so overrides point those at tarballs too.
  const local = tarballs === undefined ? undefined : await tarballSpecifiers(tarballs, folder, ['@weixi/sdk', '@weixi/testing']);
  const weixiRange = (pkg: string) => local?.[pkg] ?? (workspace ? 'workspace:*' : `^${SDK_VERSION}`);
  const vitestRange = workspace ? await workspaceVitest(workspace) : '^3.2.0';
  const packageJson = {
    name: workspace ? `@weixi/${name}` : name,
    version: '0.1.0',
    private: true,
    type: 'module',
    description: vars.description,
    exports: { '.': './src/index.ts' },
    scripts: { test: 'vitest run' },
    dependencies: { '@weixi/sdk': weixiRange('@weixi/sdk') },
    devDependencies: { '@weixi/testing': weixiRange('@weixi/testing'), vitest: vitestRange },
    ...(local ? { overrides: local, pnpm: { overrides: local, onlyBuiltDependencies: ['esbuild'] } } : {}),
    weixi,
  };
  vars.settingsTable = settingsTable(weixi.settings);

  const written: Array<[string, string]> = [
    ['package.json', `${JSON.stringify(packageJson, null, 2)}\n`],
    ['README.md', fill(await readFile(join(TEMPLATES, 'README.md.tmpl'), 'utf8'))],
    ...(await Promise.all(FILES[kind].map(async (file): Promise<[string, string]> => [file, fill(await readFile(join(TEMPLATES, kind, `${file}.tmpl`), 'utf8'))]))),
    // Inside the monorepo the root vitest config applies; elsewhere the plugin brings its own.
    ...(workspace ? [] : [['vitest.config.ts', await readFile(join(TEMPLATES, 'vitest.config.ts.tmpl'), 'utf8')] as [string, string]]),
  ];
  for (const [file, content] of written) {
    await mkdir(dirname(join(folder, file)), { recursive: true });
    await writeFile(join(folder, file), content, { flag: 'wx' });
  }
  return written.map(([file]) => file.split('/').join(sep));
}

/** The vitest version the workspace root pins, so the plugin shares it. */
async function workspaceVitest(workspace: string): Promise<string> {
  const root = JSON.parse(await readFile(join(workspace, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  return root.devDependencies?.vitest ?? '^3.2.0';
}

function settingsTable(settings: { properties?: Record<string, { type?: string; default?: unknown; description?: string }> } | undefined): string {
  const rows = Object.entries(settings?.properties ?? {}).map(([key, s]) => `| \`${key}\` | ${s.type ?? ''} | \`${JSON.stringify(s.default)}\` | ${s.description ?? ''} |`);
  return rows.length === 0 ? 'None.' : ['| setting | type | default | what |', '|---|---|---|---|', ...rows].join('\n');
}

/** A path as the user would type it: relative to the working directory when inside it. */
function where(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
