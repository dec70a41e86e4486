/**
 * A plugin package written the way a regional developer would publish one: plain JavaScript ESM, a
 * `"weixi"` manifest, `engines.weixi`, a GraphQL field, `@weixi/sdk` as a peer the platform provides.
 * Importing its module appends a line to `$WEIXI_FIXTURE_MARKER`, so a test can prove no code ran.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packedFiles } from './pack.js';
import { signPluginFolder } from './signature.js';

export const FIXTURE_PACKAGE = 'weixi-plugin-greeting';

export interface FixtureOptions {
  version: string;
  name?: string;
  /** The plugin id; default `greeting` (its root field is `<id>_hello`). */
  id?: string;
  /** `engines.weixi`; default `^0.1.0`. */
  engine?: string;
  /** Plugin dependencies (`weixi.dependencies`). */
  pluginDependencies?: Record<string, string>;
  /** npm dependencies. */
  dependencies?: Record<string, string>;
  /** 1.1.0 and later name the setting `salutation` (was `greeting`) and migrate stored settings. */
  renamed?: boolean;
  /** activate throws (a broken release). */
  broken?: boolean;
}

export async function writeFixturePlugin(options: FixtureOptions, dir?: string): Promise<string> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'weixi-fixture-')));
  await mkdir(root, { recursive: true });
  const setting = options.renamed ? 'salutation' : 'greeting';
  const pkg = {
    name: options.name ?? FIXTURE_PACKAGE,
    version: options.version,
    type: 'module',
    main: 'index.js',
    files: ['index.js', 'weixi-signature.json'],
    peerDependencies: { '@weixi/sdk': '*' },
    ...(options.dependencies ? { dependencies: options.dependencies } : {}),
    weixi: {
      id: options.id ?? 'greeting',
      displayName: 'Greeting (test plugin)',
      description: 'Answers a greeting per region, from its settings',
      engines: { weixi: options.engine ?? '^0.1.0' },
      activationEvents: ['onStartup'],
      ...(options.pluginDependencies ? { dependencies: options.pluginDependencies } : {}),
      settings: {
        type: 'object',
        properties: { [setting]: { type: 'string', maxLength: 40, default: 'hello', description: 'What the field answers' } },
        additionalProperties: false,
      },
      contributes: { graphql: [{ type: 'Query', field: 'hello', description: 'The greeting of a region' }] },
    },
  };
  const code = `import { appendFileSync } from 'node:fs';
import { definePlugin } from '@weixi/sdk';
${options.dependencies ? Object.keys(options.dependencies).map((d, i) => `import dep${i} from '${d}';`).join('\n') : ''}

if (process.env.WEIXI_FIXTURE_MARKER) appendFileSync(process.env.WEIXI_FIXTURE_MARKER, 'greeting@${options.version} imported\\n');

export default definePlugin({
  ${options.renamed ? `migrateSettings(fromVersion, settings) {
    const { greeting, ...rest } = settings;
    return greeting === undefined ? settings : { ...rest, salutation: greeting };
  },` : ''}
  activate(ctx) {
    ${options.broken ? "throw new Error('greeting " + options.version + " cannot start');" : ''}
    ctx.subscriptions.push(
      ctx.graphql.addRootField('Query', 'hello', {
        type: 'String',
        description: 'The greeting of a region',
        args: { regionCode: { type: 'String', required: true } },
        async resolve(_parent, args) {
          const settings = await ctx.settings.forRegion(args.regionCode);
          return settings.${setting} + ' from ${options.version}'${options.dependencies ? ` + ' ' + ${Object.keys(options.dependencies).map((_, i) => `dep${i}`).join(" + ' ' + ")}` : ''};
        },
      }),
    );
  },
});
`;
  await writeFile(join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await writeFile(join(root, 'index.js'), code);
  return root;
}

/** A plain npm package (a plugin's own dependency) whose install script, if npm ran it, leaves a marker. */
export async function writeLibraryPackage(name: string, version: string, value: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'weixi-library-'));
  await writeFile(
    join(root, 'package.json'),
    JSON.stringify({ name, version, type: 'module', main: 'index.js', scripts: { postinstall: "node -e \"require('fs').writeFileSync(process.env.WEIXI_FIXTURE_MARKER || 'postinstall-ran', 'postinstall ran')\"" } }),
  );
  await writeFile(join(root, 'index.js'), `export default ${JSON.stringify(value)};\n`);
  return root;
}

/** Writes, signs (unless `sign` is false) and `npm publish`es a fixture plugin; `tamper` changes a file after signing. */
export async function publishFixture(
  registry: { publish(dir: string): Promise<void> },
  options: FixtureOptions,
  sign: { privateKey: string; publisher: string; tamper?: boolean } | false,
): Promise<void> {
  const dir = await writeFixturePlugin(options);
  if (sign) {
    await signPluginFolder(dir, { privateKey: sign.privateKey, publisher: sign.publisher, paths: await packedFiles(dir) });
    if (sign.tamper) await appendFile(join(dir, 'index.js'), '\n// changed after signing\n');
  }
  await registry.publish(dir);
  await rm(dir, { recursive: true, force: true });
}

/** The greeting plugin's releases: 1.0.0, 1.1.0 (setting renamed, with a settings migration), 1.2.0 (activate throws). */
export async function publishGreetingReleases(registry: { publish(dir: string): Promise<void> }, signer: { privateKey: string; publisher: string }): Promise<void> {
  await publishFixture(registry, { version: '1.0.0' }, signer);
  await publishFixture(registry, { version: '1.1.0', renamed: true }, signer);
  await publishFixture(registry, { version: '1.2.0', renamed: true, broken: true }, signer);
}
