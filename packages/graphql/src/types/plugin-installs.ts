import { WeixiError } from '@weixi/core';
import { listTrustedPublishers, trustPublisher, untrustPublisher, type InstalledPluginRow, type PluginInstallations, type TrustedPublisherRow } from '@weixi/plugin-store';
import type { WeixiBuilder } from '../builder.js';
import type { PluginRuntime, PluginRuntimeFigures, WeixiContext } from '../context.js';
import { authorize } from '../permissions.js';
import { enumOf } from './enums.js';
import type { registerPlugins } from './plugins.js';

function installationsOf(ctx: WeixiContext): PluginInstallations {
  if (!ctx.installations) throw new WeixiError('NOT_FOUND', 'this server runs without a plugin store');
  return ctx.installations;
}

const installed = new WeakMap<WeixiContext, Promise<Map<string, InstalledPluginRow>>>();
/** The installed plugins by id, read once per request (a page of plugins asks for each). */
function installedById(ctx: WeixiContext): Promise<Map<string, InstalledPluginRow>> {
  let rows = installed.get(ctx);
  if (!rows) installed.set(ctx, (rows = installationsOf(ctx).list().then((list) => new Map(list.map((r) => [r.pluginId, r])))));
  return rows;
}

const by = (ctx: WeixiContext) => ({ actor: ctx.principal.actor, role: ctx.principal.kind });

/**
 * Plugins installed from a private npm registry (admins only): the catalog, install, upgrade, uninstall
 * and purge, and the publishers whose signatures are trusted. Every process follows a change, no restart.
 */
export function registerPluginInstalls(builder: WeixiBuilder, Plugin: ReturnType<typeof registerPlugins>['Plugin']): void {
  const SignatureState = enumOf(builder, 'PluginSignatureState', ['verified', 'unsigned', 'unknown_publisher', 'bad_signature'] as const, 'What the check of a plugin\'s detached signature found at install.', {
    verified: 'Signed by a trusted publisher, and every file matches.',
    unsigned: 'No weixi-signature.json: installed only because an admin allowed it (audited).',
    unknown_publisher: 'Signed with a key that is not trusted here: installed only because an admin allowed it (audited).',
    bad_signature: 'The signature does not match the files: installed only because an admin allowed it (audited).',
  });
  const Installed = builder.objectRef<InstalledPluginRow>('InstalledPlugin').implement({
    description: 'A plugin installed from a registry into the plugin store: its version, where from, who signed it.',
    fields: (t) => ({
      id: t.exposeString('pluginId', { description: 'The plugin id (its manifest\'s).' }),
      packageName: t.exposeString('packageName'),
      version: t.exposeString('version', { description: 'The installed version.' }),
      previousVersion: t.exposeString('previousVersion', { nullable: true, description: 'The version before the last upgrade.' }),
      registry: t.exposeString('registry'),
      integrity: t.exposeString('integrity', { description: 'The tarball\'s sha512 integrity, checked by every process that loads it.' }),
      publisher: t.exposeString('publisher', { nullable: true }),
      keyId: t.exposeString('keyId', { nullable: true, description: 'The signing key\'s id.' }),
      signatureState: t.field({ type: SignatureState, resolve: (r) => r.signatureState }),
      installedBy: t.exposeString('installedBy'),
      installedAt: t.expose('installedAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
      availableVersions: t.stringList({
        nullable: true,
        description: 'The versions the registry has, oldest first; null when the registry cannot be reached.',
        resolve: (r, _a, ctx) => installationsOf(ctx).availableVersions(r).catch(() => null),
      }),
      plugin: t.field({
        type: Plugin,
        nullable: true,
        description: 'The plugin as this server runs it (status, where enabled, settings).',
        resolve: (r, _a, ctx) => ctx.plugins?.state(r.pluginId) ?? null,
      }),
    }),
  });
  const Runtime = builder.objectRef<PluginRuntimeFigures & { where: PluginRuntime['where'] }>('PluginRuntime').implement({
    description: 'Where the plugin\'s code runs in this server process and what it used there since the process started.',
    fields: (t) => ({
      where: t.field({
        type: enumOf(builder, 'PluginRuntimeWhere', ['extension_host', 'in_process'] as const, 'Where plugin code runs.', {
          extension_host: 'In the supervised extension host process (WEIXI_EXTENSION_HOST=process): figures are measured per plugin.',
          in_process: 'In the server process itself: no figures are measured.',
        }),
        resolve: (r) => (r.where === 'extension-host' ? 'extension_host' : 'in_process'),
      }),
      cpuMs: t.float({ description: 'CPU time of its code (the synchronous part of every call into it).', resolve: (r) => r.cpuMicros / 1000 }),
      heapBytes: t.float({ description: 'Heap growth during its calls, summed.', resolve: (r) => r.heapBytes }),
      calls: t.float({ description: 'Calls into its code.', resolve: (r) => r.calls }),
      crashes: t.exposeInt('crashes', { description: 'Extension host crashes it was named as the cause of.' }),
      lastCrash: t.exposeString('lastCrash', { nullable: true }),
    }),
  });
  builder.objectFields(Plugin, (t) => ({
    installation: t.field({
      type: Installed,
      nullable: true,
      description: 'Where it was installed from, the installed and available versions, publisher and signature state (admins only); null for a plugin this server was started with (plugins/ or WEIXI_PLUGINS).',
      resolve: async (p, _a, ctx) => {
        authorize(ctx.principal, 'administer');
        return ctx.installations ? ((await installedById(ctx)).get(p.id) ?? null) : null;
      },
    }),
    runtime: t.field({
      type: Runtime,
      description: 'Where its code runs and its CPU time, heap growth, calls and crashes in this server process (admins only).',
      resolve: (p, _a, ctx) => {
        authorize(ctx.principal, 'administer');
        const where = ctx.pluginRuntime?.where ?? 'in-process';
        return { where, ...(ctx.pluginRuntime?.figures(p.id) ?? { cpuMicros: 0, heapBytes: 0, calls: 0, crashes: 0, lastCrash: null }) };
      },
    }),
  }));
  const Trusted = builder.objectRef<TrustedPublisherRow>('TrustedPublisher').implement({
    description: 'A publisher key whose signed plugins install without allowUnsigned.',
    fields: (t) => ({
      keyId: t.exposeString('keyId'),
      publisher: t.exposeString('publisher'),
      publicKey: t.exposeString('publicKey', { description: 'ed25519, SPKI PEM.' }),
      addedBy: t.exposeString('addedBy'),
      addedAt: t.expose('addedAt', { type: 'DateTime' }),
    }),
  });
  const Purged = builder.objectRef<{ id: string; settings: number; storage: number }>('PurgePluginPayload').implement({
    fields: (t) => ({
      id: t.exposeString('id'),
      settingsDeleted: t.exposeInt('settings', { description: 'Settings rows (global and per region) deleted.' }),
      storageDeleted: t.exposeInt('storage', { description: 'Plugin storage entries deleted.' }),
    }),
  });

  builder.queryFields((t) => ({
    installedPlugins: t.field({
      type: [Installed],
      description: 'Plugins installed from a registry, by id, with the versions the registry has.',
      resolve: (_root, _args, ctx) => installationsOf(ctx).list(),
    }),
    trustedPublishers: t.field({
      type: [Trusted],
      description: 'The publisher keys trusted to sign plugins.',
      resolve: (_root, _args, ctx) => listTrustedPublishers(ctx.database.db),
    }),
  }));

  const fetchArgs = (t: any) => ({
    range: t.arg.string({ description: 'A semver range or dist-tag; default latest.' }),
    registry: t.arg.string({ description: 'The registry URL; default the server\'s WEIXI_PLUGIN_REGISTRY.' }),
    allowUnsigned: t.arg.boolean({ description: 'Install although unsigned, signed by an untrusted key or wrongly signed; recorded in the audit log.' }),
  });
  const fetchOptions = (args: { range?: string | null; registry?: string | null; allowUnsigned?: boolean | null }) => ({
    ...(args.range != null ? { range: args.range } : {}),
    ...(args.registry != null ? { registry: args.registry } : {}),
    allowUnsigned: args.allowUnsigned === true,
  });
  builder.mutationFields((t) => ({
    installPlugin: t.field({
      type: Installed,
      description:
        'Installs a plugin package from the registry: resolves the version, checks the tarball\'s integrity, its signature, manifest, engine range and plugin dependencies before any of its code runs, ' +
        'installs its npm dependencies without scripts, and loads it in every server and worker process (disabled everywhere until enabled; settings kept from an earlier install).',
      args: { name: t.arg.string({ required: true, description: 'The npm package name.' }), ...fetchArgs(t) },
      resolve: async (_root, args: any, ctx) => (await installationsOf(ctx).install({ name: args.name, ...fetchOptions(args), by: by(ctx) })).row,
    }),
    upgradePlugin: t.field({
      type: Installed,
      description: 'Upgrades an installed plugin to the newest version in range, with the same checks; settings stay, migrated by the new version. If it fails to activate, everything is rolled back and the error says why.',
      args: { id: t.arg.string({ required: true }), ...fetchArgs(t) },
      resolve: async (_root, args: any, ctx) => (await installationsOf(ctx).upgrade({ id: args.id, ...fetchOptions(args), by: by(ctx) })).row,
    }),
    uninstallPlugin: t.field({
      type: Installed,
      description: 'Uninstalls a plugin disabled in every region, from every process; its settings and storage stay until purgePlugin.',
      args: { id: t.arg.string({ required: true }) },
      resolve: (_root, args, ctx) => installationsOf(ctx).uninstall(args.id),
    }),
    purgePlugin: t.field({
      type: Purged,
      description: 'Deletes the settings, storage and health rows an uninstalled plugin left.',
      args: { id: t.arg.string({ required: true }) },
      resolve: async (_root, args, ctx) => ({ id: args.id, ...(await installationsOf(ctx).purge(args.id)) }),
    }),
    trustPublisher: t.field({
      type: Trusted,
      description: 'Trusts a publisher\'s ed25519 public key to sign plugins.',
      args: { publisher: t.arg.string({ required: true }), publicKey: t.arg.string({ required: true, description: 'SPKI PEM, as `weixi plugin keygen` writes it.' }) },
      resolve: (_root, args, ctx) => trustPublisher(ctx.database.db, { publisher: args.publisher, publicKey: args.publicKey, by: ctx.principal.actor }),
    }),
    untrustPublisher: t.field({
      type: Trusted,
      description: 'Stops trusting a publisher key. Installed plugins stay; new installs and upgrades signed with it are refused.',
      args: { keyId: t.arg.string({ required: true }) },
      resolve: (_root, args, ctx) => untrustPublisher(ctx.database.db, args.keyId),
    }),
  }));
}
