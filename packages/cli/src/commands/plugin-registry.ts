/**
 * `weixi plugin install|upgrade|uninstall|purge|list|sign|keygen|trust|untrust`: plugins from a private npm
 * registry, as the installPlugin, upgradePlugin, ... mutations do, from the command line. Changes go to the
 * database (running servers and workers follow them with no restart) and the audit log, under the
 * operating-system user; installs show their progress on stderr.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { recordAudit, systemClock, WeixiError } from '@weixi/core';
import type { Database } from '@weixi/db';
import { createInstallations, createLogger } from '@weixi/platform';
import { generatePublisherKeys, listTrustedPublishers, packedFiles, signPluginFolder, SIGNATURE_FILE, trustPublisher, untrustPublisher, type PluginInstallations } from '@weixi/plugin-store';
import { parseCommandLine } from '../arguments.js';
import { CliError, UsageError } from '../cli-error.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';
import { withPluginHost } from '../plugin-host.js';
import { describeMigrations } from './migrate.js';

export const REGISTRY_USAGE = `       weixi plugin install <package>[@<range>] [--registry URL] [--allow-unsigned]
       weixi plugin upgrade <id> [--range R] [--registry URL] [--allow-unsigned]
       weixi plugin uninstall <id> | purge <id> | list
       weixi plugin keygen --publisher NAME [--out DIR]
       weixi plugin sign <dir> --key private.pem --publisher NAME
       weixi plugin trust --publisher NAME --key public.pem | untrust <keyId>

  install       downloads the package from the registry (default WEIXI_PLUGIN_REGISTRY), checks its
                integrity, signature, manifest, engine range and plugin dependencies before any of its
                code runs, and installs it on every running server and worker (disabled until enabled)
  upgrade       the newest version in --range (default latest); settings are kept and migrated; a
                version that fails to activate is rolled back
  uninstall     a plugin disabled everywhere; its settings stay until purge
  list          installed plugins: version, available versions, publisher, signature
  keygen        writes NAME.private.pem (keep it secret) and NAME.public.pem (give it to operators)
  sign          writes ${SIGNATURE_FILE} into the plugin folder; run it right before npm publish
  trust         lets plugins signed with this public key install without --allow-unsigned

Plugins are kept in WEIXI_PLUGIN_STORE (default .weixi/plugin-store).
Example: pnpm weixi plugin install weixi-plugin-greeting@^1.0.0 --registry http://127.0.0.1:4873`;

const actor = () => `cli:${userInfo().username}`;

/** `@scope/name@^1.2` → name `@scope/name`, range `^1.2`. */
export function packageSpec(spec: string): { name: string; range?: string } {
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), range: spec.slice(at + 1) } : { name: spec };
}

async function audited<T>(database: Database, operation: string, pluginId: string | null, objects: string[], work: () => Promise<T>): Promise<T> {
  const audit = (outcome: 'ok' | 'error', message?: string) =>
    recordAudit(database.db, { at: systemClock.now(), actor: actor(), role: 'admin', operation, objects, pluginId, outcome, detail: message ? { message } : {} });
  try {
    const result = await work();
    await audit('ok');
    return result;
  } catch (error) {
    if (!(error instanceof WeixiError)) throw error;
    await audit('error', error.message);
    const reason = 'reason' in error ? ` [${String(error.reason)}]` : '';
    throw new CliError(`${error.message}${reason}`);
  }
}

/** Runs `work` on the database, migrated first: a registry command may be the first one run on it. */
function withMigratedDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  return withDatabase(async (database) => {
    const report = await applyMigrations(database);
    if (report.applied.length > 0) process.stderr.write(`${describeMigrations(report)}\n`);
    return work(database);
  });
}

/** Runs `work` on the plugin installations of the database. */
function withInstallations<T>(work: (installations: PluginInstallations, database: Database) => Promise<T>): Promise<T> {
  return withMigratedDatabase(async (database) => {
    return withPluginHost(database, async (host) => {
      const installations = createInstallations({ database, host, clock: systemClock, logger: createLogger('error') });
      await installations.start();
      try {
        return await work(installations, database);
      } finally {
        installations.stop();
      }
    });
  });
}

const progress = (step: string, fields?: Record<string, unknown>) => {
  const detail = fields?.version ?? fields?.range ?? '';
  process.stderr.write(`  ${step} ${String(fields?.package ?? '')}${detail ? `@${String(detail)}` : ''}\n`);
};

export async function registryCommand(sub: string, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('plugin', args, {
    registry: { type: 'string' },
    range: { type: 'string' },
    'allow-unsigned': { type: 'boolean' },
    key: { type: 'string' },
    publisher: { type: 'string' },
    out: { type: 'string' },
  });
  const one = (what: string) => {
    if (positionals.length !== 1) throw new UsageError(`${sub} needs one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 'plugin');
    return positionals[0]!;
  };
  const fetchOptions = { ...(values.registry ? { registry: values.registry } : {}), allowUnsigned: values['allow-unsigned'] === true, onProgress: progress, by: { actor: actor(), role: 'admin' } };
  switch (sub) {
    case 'install': {
      const spec = packageSpec(one('package name'));
      return withInstallations(async (installations, database) => {
        const { row, state } = await audited(database, 'installPlugin', null, [`package:${spec.name}`], () => installations.install({ ...spec, ...fetchOptions }));
        process.stdout.write(`installed ${row.pluginId} ${row.version} (${row.packageName}, signature ${row.signatureState}${row.publisher ? ` by ${row.publisher}` : ''}) in ${describeDatabase()}: ${state?.status ?? 'not loaded'}\n`);
        return 0;
      });
    }
    case 'upgrade': {
      const id = one('plugin id');
      return withInstallations(async (installations, database) => {
        const { row } = await audited(database, 'upgradePlugin', id, [`plugin:${id}`], () => installations.upgrade({ id, ...(values.range ? { range: values.range } : {}), ...fetchOptions }));
        process.stdout.write(`upgraded ${id} from ${row.previousVersion} to ${row.version} (signature ${row.signatureState})\n`);
        return 0;
      });
    }
    case 'uninstall': {
      const id = one('plugin id');
      return withInstallations(async (installations, database) => {
        const row = await audited(database, 'uninstallPlugin', id, [`plugin:${id}`], () => installations.uninstall(id));
        process.stdout.write(`uninstalled ${id} ${row.version}; its settings stay until: weixi plugin purge ${id}\n`);
        return 0;
      });
    }
    case 'purge': {
      const id = one('plugin id');
      return withInstallations(async (installations, database) => {
        const purged = await audited(database, 'purgePlugin', id, [`plugin:${id}`], () => installations.purge(id));
        process.stdout.write(`purged ${id}: ${purged.settings} settings rows, ${purged.storage} storage entries\n`);
        return 0;
      });
    }
    case 'list':
      return withInstallations(async (installations) => {
        const rows = await installations.list();
        if (rows.length === 0) process.stdout.write('No plugins installed from a registry.\n');
        for (const row of rows) {
          const available = await installations.availableVersions(row).then((v) => v.join(', '), () => 'registry unreachable');
          process.stdout.write(`${row.pluginId}  ${row.packageName}@${row.version}  signature ${row.signatureState}${row.publisher ? ` (${row.publisher} ${row.keyId})` : ''}  available: ${available}\n`);
        }
        return 0;
      });
    case 'keygen': {
      if (!values.publisher) throw new UsageError('keygen needs --publisher NAME', 'plugin');
      const keys = generatePublisherKeys();
      const dir = resolve(values.out ?? '.');
      await writeFile(join(dir, `${values.publisher}.private.pem`), keys.privateKey, { mode: 0o600 });
      await writeFile(join(dir, `${values.publisher}.public.pem`), keys.publicKey);
      process.stdout.write(`key ${keys.keyId}: ${join(dir, `${values.publisher}.private.pem`)} (secret) and ${join(dir, `${values.publisher}.public.pem`)}\n`);
      return 0;
    }
    case 'sign': {
      const dir = resolve(one('plugin folder'));
      if (!values.key || !values.publisher) throw new UsageError('sign needs --key private.pem and --publisher NAME', 'plugin');
      const paths = await packedFiles(dir);
      const signature = await signPluginFolder(dir, { privateKey: await readFile(values.key, 'utf8'), publisher: values.publisher, paths });
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { files?: string[] };
      if (pkg.files && !pkg.files.includes(SIGNATURE_FILE)) throw new CliError(`signed, but package.json "files" leaves ${SIGNATURE_FILE} out of the package: add it`);
      process.stdout.write(`signed ${signature.files.length} files as ${signature.publisher} (key ${signature.keyId}) into ${join(dir, SIGNATURE_FILE)}\n`);
      return 0;
    }
    case 'trust': {
      if (!values.key || !values.publisher) throw new UsageError('trust needs --publisher NAME and --key public.pem', 'plugin');
      const publicKey = await readFile(values.key, 'utf8');
      return withMigratedDatabase(async (database) => {
        const row = await audited(database, 'trustPublisher', null, [`publisher:${values.publisher}`], () => trustPublisher(database.db, { publisher: values.publisher!, publicKey, by: actor() }));
        process.stdout.write(`trusted ${row.publisher} key ${row.keyId}\n`);
        return 0;
      });
    }
    case 'untrust': {
      const keyId = one('key id');
      return withMigratedDatabase(async (database) => {
        const row = await audited(database, 'untrustPublisher', null, [`key:${keyId}`], () => untrustPublisher(database.db, keyId));
        process.stdout.write(`no longer trusted: ${row.publisher} key ${row.keyId}\n`);
        return 0;
      });
    }
    case 'publishers':
      return withMigratedDatabase(async (database) => {
        for (const row of await listTrustedPublishers(database.db)) process.stdout.write(`${row.keyId}  ${row.publisher}  added by ${row.addedBy}\n`);
        return 0;
      });
    default:
      throw new UsageError(`unknown subcommand '${sub}': use new, install, upgrade, uninstall, purge, list, keygen, sign, trust, untrust or publishers`, 'plugin');
  }
}
