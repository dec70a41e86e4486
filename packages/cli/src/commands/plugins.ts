/**
 * `weixi plugins list | validate [path] | show <id>`: what is installed, whether it can run here and what it
 * contributes, read from the manifests alone: no plugin code runs. Plugins come from the workspace's
 * `plugins/*` and from WEIXI_PLUGINS (comma-separated package names or paths). `enable`, `disable` and
 * `configure` change a region's choice (`plugin-config.ts`).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PLATFORM_SDK_VERSION, pluginNamespace, pluginTypeName, type ActivationPlan, type DiscoveredPlugin, type ValidPlugin } from '@weixi/core/plugins';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { survey, workspaceRoot, type Survey } from '../plugin-survey.js';
import { configurePlugin } from './plugin-config.js';

type PluginManifest = ValidPlugin['manifest'];

const USAGE = `Usage: weixi plugins <list | validate [path] | show <id>>
       weixi plugins <enable | disable> <id> [--region CODE]
       weixi plugins configure <id> [--region CODE] (--set key=value ... | --settings JSON)

  list             every plugin found: id, version, status (valid, invalid, refused), contributions
  validate [path]  checks one plugin folder, or every plugin; prints each issue as 'path: message'
                   and exits 1 when there is any
  show <id>        a plugin's manifest as text: settings, rules, tactics, channels, jobs, fields
  enable <id>      enables the plugin in the region and below (no --region: globally), as the
                   enablePlugin mutation does; running servers pick it up within a second
  disable <id>     disables it there (a city may opt out of its province's choice)
  configure <id>   sets settings at that level, checked against the plugin's settings schema; --set
                   values are read as JSON when they parse (45, true, ["sms"]), else as text

Plugins are read from <workspace>/plugins/* and WEIXI_PLUGINS (comma-separated npm package names,
resolved from the workspace, or paths to plugin folders). list, validate and show read manifests only;
enable, disable and configure activate the installed plugins as the server does, write to the database
(DATABASE_URL, else PGlite at WEIXI_DATA_DIR or .weixi/data) and are recorded in the audit log.

Example: pnpm weixi plugins enable warning-contract-ending --region JS
         pnpm weixi plugins configure warning-contract-ending --region JS-SZ --set daysBefore=60`;

export const plugins: Command = {
  name: 'plugins',
  summary: 'list, validate and show plugins; enable, disable and configure them per region',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'enable' || sub === 'disable' || sub === 'configure') return configurePlugin(sub, rest);
    const option = rest.find((a) => a.startsWith('-'));
    if (option) throw new UsageError(`unknown option '${option}'`, 'plugins');
    if (sub === 'list' && rest.length === 0) return list(await survey());
    if (sub === 'validate' && rest.length <= 1) return validate(rest[0]);
    if (sub === 'show' && rest.length === 1) return show(await survey(), rest[0]!);
    if (sub === 'show' && rest.length === 0) throw new UsageError('show needs a plugin id', 'plugins');
    if (sub === undefined) throw new UsageError('no subcommand given: use list, validate, show, enable, disable or configure', 'plugins');
    if (['list', 'validate', 'show'].includes(sub)) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`, 'plugins');
    throw new UsageError(`unknown subcommand '${sub}': use list, validate, show, enable, disable or configure`, 'plugins');
  },
};

type Status = 'valid' | 'invalid' | 'refused';

function statusOf(plugin: Exclude<DiscoveredPlugin, { status: 'skipped' }>, plan: ActivationPlan): { status: Status; reason?: string } {
  if (plugin.status === 'invalid') return { status: 'invalid', reason: plugin.error.message };
  const refusal = plan.refused.find((r) => r.plugin === plugin);
  return refusal ? { status: 'refused', reason: refusal.reason } : { status: 'valid' };
}

function list({ found, plan }: Survey): number {
  const shown = found.filter((p) => p.status !== 'skipped');
  const rows = shown.map((p) => {
    const { status, reason } = statusOf(p, plan);
    const manifest = p.manifest;
    return { id: p.id ?? `(${where(p.dir)})`, version: p.version ?? '-', status, contributions: manifest ? countText(manifest) : '-', reason, plugin: p };
  });
  const out: string[] = [];
  if (rows.length === 0) out.push(`No plugins found in ${where(join(workspaceRoot(), 'plugins'))} or WEIXI_PLUGINS.`);
  else {
    const table = [['ID', 'VERSION', 'STATUS', 'CONTRIBUTIONS'], ...rows.map((r) => [r.id, r.version, r.status, r.contributions])];
    const widths = [0, 1, 2].map((c) => Math.max(...table.map((row) => row[c]!.length)));
    table.forEach((row, i) => {
      out.push(row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ').trimEnd());
      const r = rows[i - 1];
      if (r?.status === 'refused') out.push(`    ${r.reason}`);
      if (r?.status === 'invalid') out.push(`    ${issueCount(r.plugin)} in ${where(r.plugin.packageJsonPath)}; run 'weixi plugins validate ${where(r.plugin.dir)}'`);
    });
  }
  for (const p of found) if (p.status === 'skipped') out.push(`skipped ${where(p.dir)}: ${p.reason}`);
  const count = (s: Status) => rows.filter((r) => r.status === s).length;
  if (rows.length > 0) out.push('', `${rows.length} plugin${rows.length === 1 ? '' : 's'}: ${count('valid')} valid, ${count('refused')} refused, ${count('invalid')} invalid (Weixi SDK ${PLATFORM_SDK_VERSION})`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

async function validate(path: string | undefined): Promise<number> {
  const target = path === undefined ? undefined : resolve(basename(path) === 'package.json' ? dirname(path) : path);
  if (target !== undefined && !existsSync(join(target, 'package.json'))) throw new CliError(`${path}: no package.json there; give the path of a plugin folder`);
  const { found, plan } = await survey(target === undefined ? [] : [target]);
  const checked = target === undefined ? found : found.filter((p) => p.dir === target);
  const skipped = checked.find((p) => p.status === 'skipped');
  if (target !== undefined && (skipped || checked.length === 0)) {
    throw new CliError(`${path}: ${skipped?.status === 'skipped' ? skipped.reason : 'not a plugin folder'}`);
  }
  const out: string[] = [];
  let failed = 0;
  for (const plugin of checked) {
    if (plugin.status === 'skipped') continue;
    const name = plugin.id === undefined ? where(plugin.dir) : `plugin '${plugin.id}'`;
    const issues = plugin.status === 'invalid'
      ? plugin.error.issues
      : plan.refused.filter((r) => r.plugin === plugin).map((r) => ({ path: r.path, message: r.reason }));
    if (issues.length === 0) {
      out.push(`ok ${name} ${plugin.version ?? ''} (${where(plugin.packageJsonPath)}): ${countText(plugin.manifest!)}`);
      continue;
    }
    failed++;
    const what = plugin.status === 'invalid' ? `${issues.length} issue${issues.length === 1 ? '' : 's'}` : 'refused';
    out.push(`${where(plugin.packageJsonPath)}: ${name}, ${what}:`, ...issues.map((i) => `  ${i.path}: ${i.message}`));
  }
  if (checked.every((p) => p.status === 'skipped')) out.push('No plugins to validate.');
  else if (target === undefined) out.push('', failed === 0 ? 'All plugins are valid.' : `${failed} plugin${failed === 1 ? '' : 's'} with problems.`);
  process.stdout.write(`${out.join('\n')}\n`);
  return failed === 0 ? 0 : 1;
}

function show({ found, plan }: Survey, id: string): number {
  const matches = found.filter((p): p is Exclude<DiscoveredPlugin, { status: 'skipped' }> => p.status !== 'skipped' && p.id === id);
  if (matches.length === 0) {
    const ids = found.flatMap((p) => (p.status !== 'skipped' && p.id !== undefined ? [p.id] : []));
    throw new CliError(`no plugin '${id}' found${ids.length > 0 ? `; found: ${ids.join(', ')}` : ' in the workspace plugins/ or WEIXI_PLUGINS'}`);
  }
  const out = matches.map((plugin) => {
    const { status, reason } = statusOf(plugin, plan);
    const issues = plugin.status === 'invalid' ? plugin.error.issues.map((i) => `  ${i.path}: ${i.message}`) : [];
    const statusLine = status === 'invalid' ? `invalid, ${issueCount(plugin)}:` : status === 'refused' ? `refused: ${reason}` : `valid${activationPosition(plugin as ValidPlugin, plan)}`;
    const manifest = plugin.manifest;
    if (!manifest) return [`${id} (${where(plugin.packageJsonPath)})`, `Status: ${statusLine}`, ...issues].join('\n');
    return describeManifest(manifest, plugin, [`${'Status:'.padEnd(15)}${statusLine}`, ...issues]).join('\n');
  });
  process.stdout.write(`${out.join('\n\n')}\n`);
  // Showing a refused plugin succeeds; an invalid one is a problem to fix, as in `validate`.
  return matches.some((p) => p.status === 'invalid') ? 1 : 0;
}

function activationPosition(plugin: ValidPlugin, plan: ActivationPlan): string {
  const index = plan.order.indexOf(plugin);
  const deps = Object.keys(plugin.manifest.dependencies ?? {});
  return index < 0 ? '' : ` (activates ${index + 1} of ${plan.order.length}${deps.length > 0 ? `, after ${deps.join(', ')}` : ''})`;
}

function describeManifest(m: PluginManifest, plugin: DiscoveredPlugin, status: string[]): string[] {
  const c = m.contributes ?? {};
  const lines = [`${m.id} ${m.version}: ${m.displayName}`, `  ${m.description}`, '', ...status];
  const field = (label: string, value: string | undefined) => value && lines.push(`${`${label}:`.padEnd(15)}${value}`);
  field('Package', [plugin.packageName, where(plugin.dir)].filter(Boolean).join(' at '));
  if (plugin.status === 'valid') field('Entry', where(plugin.entry));
  field('Engine', `Weixi SDK ${m.engines.weixi} (this platform provides ${PLATFORM_SDK_VERSION})`);
  field('Depends on', Object.entries(m.dependencies ?? {}).map(([id, range]) => `${id} ${range}`).join(', '));
  field('Activation', (m.activationEvents ?? []).join(', '));
  field('Capabilities', (m.capabilities ?? []).join(', '));
  if ((c.graphql ?? []).some((f) => f.type === 'Query' || f.type === 'Mutation') || (c.graphqlTypes ?? []).length > 0) field('Namespace', pluginNamespace(m));
  const section = (title: string, items: string[]) => items.length > 0 && lines.push('', `${title}:`, ...items.map((i) => `  ${i}`));
  const settings = m.settings;
  section('Settings', Object.entries(settings?.properties ?? {}).map(([name, s]) => {
    const required = settings?.required?.includes(name) ? ', required' : '';
    const fallback = 'default' in s ? `, default ${JSON.stringify(s.default)}` : '';
    return `${name} (${String(s.type ?? 'any')}${fallback}${required})${s.description ? `: ${s.description}` : ''}`;
  }));
  section('Warning rules', (c.warningRules ?? []).map((r) => `${r.id}  ${r.title}: ${r.description}`));
  section('Tactics', (c.tactics ?? []).map((t) => `${t.id}  ${t.title}: ${t.description}${t.preferredChannels?.length ? ` (channels: ${t.preferredChannels.join(', ')})` : ''}`));
  section('Channels', (c.channels ?? []).map((ch) => `${ch.id}  ${ch.title} (${ch.kind}): ${ch.description}`));
  section('Jobs', (c.jobs ?? []).map((j) => `${j.id}  ${j.cron ? `cron "${j.cron}"` : 'on demand'}: ${j.description}`));
  section('GraphQL fields', (c.graphql ?? []).map((f) => `${f.type}.${f.type === 'Query' || f.type === 'Mutation' ? `${pluginNamespace(m)}_${f.field}` : f.field}: ${f.description}`));
  section('GraphQL types', (c.graphqlTypes ?? []).flatMap((t) => [
    `${pluginTypeName(pluginNamespace(m), t.name)} (${t.kind}): ${t.description}`,
    ...Object.entries(t.fields ?? {}).map(([name, f]) => `  ${name}: ${f.type}${f.description ? `  ${f.description}` : ''}`),
    ...Object.entries(t.values ?? {}).map(([name, v]) => `  ${name}${v.description ? `  ${v.description}` : ''}`),
  ]));
  return lines;
}

const NOUNS: Array<[keyof NonNullable<PluginManifest['contributes']>, string, string]> = [
  ['warningRules', 'warning rule', 'warning rules'],
  ['tactics', 'tactic', 'tactics'],
  ['channels', 'channel', 'channels'],
  ['jobs', 'job', 'jobs'],
  ['graphql', 'GraphQL field', 'GraphQL fields'],
  ['graphqlTypes', 'GraphQL type', 'GraphQL types'],
];

/** `4 (1 tactic, 1 job, 2 GraphQL fields)`. */
function countText(m: PluginManifest): string {
  const parts = NOUNS.flatMap(([kind, one, many]) => {
    const n = m.contributes?.[kind]?.length ?? 0;
    return n === 0 ? [] : [`${n} ${n === 1 ? one : many}`];
  });
  const total = NOUNS.reduce((sum, [kind]) => sum + (m.contributes?.[kind]?.length ?? 0), 0);
  return parts.length === 0 ? '0' : `${total} (${parts.join(', ')})`;
}

function issueCount(plugin: DiscoveredPlugin): string {
  const n = plugin.status === 'invalid' ? plugin.error.issues.length : 0;
  return `${n} issue${n === 1 ? '' : 's'}`;
}

/** A path as the user would type it: relative to the working directory when inside it. */
function where(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
