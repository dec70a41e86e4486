/**
 * The manifest rules a JSON schema cannot state: versions and ranges that semver reads, cron schedules,
 * ids unique within each contribution kind, activation events that name a declared job or a known event,
 * and a settings schema that compiles with defaults that fit it. Each rule reads the raw JSON defensively,
 * so it can run beside the schema check and every problem is reported in one pass.
 */
import semver from 'semver';
import type { DomainEvents, SettingsSchema } from '@weixi/sdk';
import type { InputIssue } from '../errors.js';
import { cronProblem } from './cron.js';
import { graphqlTypeIssues } from './graphql-types.js';
import { CONTRIBUTION_NOUNS, type ContributionKind } from './manifest-schema.js';
import { settingsIssues } from './settings.js';
import { suggestion } from './schema-issues.js';

/** The domain events a plugin can activate on (`onEvent:<type>`); the check below keeps it in step with the SDK. */
export const DOMAIN_EVENT_TYPES = ['customers.imported', 'usage.recorded', 'task.completed', 'segment.refreshed', 'warning.raised', 'kpi.report.ready'] as const satisfies readonly (keyof DomainEvents)[];
type UnlistedEvent = Exclude<keyof DomainEvents, (typeof DOMAIN_EVENT_TYPES)[number]>;
const _everyEventListed: [UnlistedEvent] extends [never] ? true : UnlistedEvent = true;

const ROOT = 'weixi';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objectsOf = (v: unknown): Array<[number, Json]> => (Array.isArray(v) ? v.flatMap((item, i) => (isObject(item) ? [[i, item] as [number, Json]] : [])) : []);

/** Every rule's issues for a manifest; `schemaIssuePaths` lets a rule skip what the schema already rejected. */
export function manifestRuleIssues(manifest: unknown, schemaIssuePaths: ReadonlySet<string>): InputIssue[] {
  if (!isObject(manifest)) return [];
  const plugin = typeof manifest.id === 'string' ? `plugin '${manifest.id}'` : 'the plugin';
  return [
    ...versionIssues(manifest),
    ...dependencyIssues(manifest, plugin),
    ...duplicateIssues(manifest, plugin),
    ...cronIssues(manifest),
    ...activationIssues(manifest),
    ...settingsRuleIssues(manifest, schemaIssuePaths),
    ...graphqlTypeIssues(manifest),
  ];
}

function versionIssues(manifest: Json): InputIssue[] {
  const issues: InputIssue[] = [];
  if (typeof manifest.version === 'string' && semver.valid(manifest.version) === null) {
    issues.push({ path: `${ROOT}.version`, message: `${JSON.stringify(manifest.version)} is not a semver version; write MAJOR.MINOR.PATCH, e.g. "1.0.0"` });
  }
  const engine = isObject(manifest.engines) ? manifest.engines.weixi : undefined;
  if (typeof engine === 'string' && engine !== '' && semver.validRange(engine) === null) {
    issues.push({ path: `${ROOT}.engines.weixi`, message: `${JSON.stringify(engine)} is not a semver range; write the SDK versions the plugin works with, e.g. "^0.1.0"` });
  }
  return issues;
}

function dependencyIssues(manifest: Json, plugin: string): InputIssue[] {
  if (!isObject(manifest.dependencies)) return [];
  const issues: InputIssue[] = [];
  for (const [id, range] of Object.entries(manifest.dependencies)) {
    const path = `${ROOT}.dependencies.${id}`;
    if (id === manifest.id) issues.push({ path, message: `${plugin} depends on itself; remove this entry` });
    if (typeof range === 'string' && range !== '' && semver.validRange(range) === null) {
      issues.push({ path, message: `${JSON.stringify(range)} is not a semver range; write the versions of '${id}' this plugin works with, e.g. "^1.0.0"` });
    }
  }
  return issues;
}

function duplicateIssues(manifest: Json, plugin: string): InputIssue[] {
  if (!isObject(manifest.contributes)) return [];
  const issues: InputIssue[] = [];
  for (const [kind, noun] of Object.entries(CONTRIBUTION_NOUNS) as Array<[ContributionKind, string]>) {
    const seen = new Map<string, number>();
    for (const [i, item] of objectsOf(manifest.contributes[kind])) {
      const key = kind === 'graphql' ? graphqlKey(item) : typeof (item.id ?? item.name) === 'string' ? String(item.id ?? item.name) : undefined;
      if (key === undefined) continue;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
        continue;
      }
      const where = `${ROOT}.contributes.${kind}[${i}]`;
      issues.push(
        kind === 'graphql'
          ? { path: `${where}.field`, message: `${plugin} declares ${noun} ${key} twice (also at ${kind}[${first}]); remove one or rename the field` }
          : kind === 'graphqlTypes'
            ? { path: `${where}.name`, message: `${plugin} declares ${noun} '${key}' twice (also at ${kind}[${first}]); each type, whatever its kind, needs its own name` }
            : { path: `${where}.id`, message: `${plugin} declares ${noun} '${key}' twice (also at ${kind}[${first}]); give each ${noun} its own id` },
      );
    }
  }
  return issues;
}

function graphqlKey(item: Json): string | undefined {
  return typeof item.type === 'string' && typeof item.field === 'string' ? `${item.type}.${item.field}` : undefined;
}

function cronIssues(manifest: Json): InputIssue[] {
  const jobs = isObject(manifest.contributes) ? objectsOf(manifest.contributes.jobs) : [];
  const rules = isObject(manifest.contributes) ? objectsOf(manifest.contributes.warningRules) : [];
  const problems = (list: typeof jobs, key: 'cron' | 'schedule', kind: string) =>
    list.flatMap(([i, item]) => {
      const problem = typeof item[key] === 'string' ? cronProblem(item[key]) : undefined;
      return problem ? [{ path: `${ROOT}.contributes.${kind}[${i}].${key}`, message: problem }] : [];
    });
  return [...problems(jobs, 'cron', 'jobs'), ...problems(rules, 'schedule', 'warningRules')];
}

function activationIssues(manifest: Json): InputIssue[] {
  if (!Array.isArray(manifest.activationEvents)) return [];
  const declared = isObject(manifest.contributes) ? manifest.contributes.jobs : undefined;
  // Jobs in the wrong shape are reported by the schema; which jobs exist is then unknown.
  if (declared !== undefined && !Array.isArray(declared)) return [];
  const jobs = objectsOf(declared).map(([, j]) => j.id);
  const jobIds = [...new Set(jobs.filter((id): id is string => typeof id === 'string'))];
  const issues: InputIssue[] = [];
  manifest.activationEvents.forEach((event: unknown, i) => {
    if (typeof event !== 'string') return;
    const path = `${ROOT}.activationEvents[${i}]`;
    const job = /^onJob:(\S+)$/.exec(event)?.[1];
    if (job !== undefined && !jobIds.includes(job)) {
      const declared = jobIds.length > 0 ? `declared jobs: ${jobIds.join(', ')}` : 'it declares no jobs in contributes.jobs';
      issues.push({ path, message: `"${event}" names job '${job}', which the plugin does not declare${suggestion(job, jobIds)}; ${declared}` });
    }
    const type = /^onEvent:(\S+)$/.exec(event)?.[1];
    if (type !== undefined && !(DOMAIN_EVENT_TYPES as readonly string[]).includes(type)) {
      issues.push({ path, message: `"${event}" names an unknown event '${type}'${suggestion(type, DOMAIN_EVENT_TYPES)}; known events: ${DOMAIN_EVENT_TYPES.join(', ')}` });
    }
  });
  return issues;
}

function settingsRuleIssues(manifest: Json, schemaIssuePaths: ReadonlySet<string>): InputIssue[] {
  const root = `${ROOT}.settings`;
  if (manifest.settings === undefined || [...schemaIssuePaths].some((p) => p === root || p.startsWith(`${root}.`) || p.startsWith(`${root}[`))) return [];
  return settingsIssues(manifest.settings as SettingsSchema, root);
}
