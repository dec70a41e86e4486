/**
 * Reads a plugin manifest (the `"weixi"` key of its package.json) into a typed `PluginManifest`, or fails with
 * every problem at once: the JSON schema's, then the rules in manifest-rules.ts. No plugin code runs.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { PluginManifest } from '@weixi/sdk';
import { WeixiError, type InputIssue } from '../errors.js';
import { manifestRuleIssues } from './manifest-rules.js';
import { MANIFEST_SCHEMA } from './manifest-schema.js';
import { schemaIssues } from './schema-issues.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
const checkSchema = ajv.compile<PluginManifest>(MANIFEST_SCHEMA);

/**
 * A manifest that cannot be used. The message names the plugin and the file and lists the first issues;
 * `issues` has them all, each with a path such as `weixi.contributes.jobs[1].cron`.
 */
export class ManifestError extends WeixiError {
  constructor(
    /** The file the manifest came from (a package.json), or what was asked for when there is none. */
    readonly source: string,
    issues: InputIssue[],
    /** The plugin id when the manifest has a readable one. */
    readonly pluginId?: string,
  ) {
    const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    const plugin = pluginId === undefined ? 'plugin manifest' : `manifest of plugin '${pluginId}'`;
    super('BAD_USER_INPUT', `invalid ${plugin} in ${source}: ${shown.join('; ')}${more}`, issues);
    this.name = 'ManifestError';
  }
}

/**
 * Validates a manifest and returns it typed. `source` names the file in errors. Throws a `ManifestError` that
 * lists every problem, in the order of the manifest's keys.
 */
export function validateManifest(json: unknown, source: string): PluginManifest {
  const issues = manifestIssues(json);
  if (issues.length > 0) throw new ManifestError(source, issues, readableId(json));
  return structuredClone(json as PluginManifest);
}

/** Every problem with a manifest; empty when it is valid. */
export function manifestIssues(json: unknown): InputIssue[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return [{ path: 'weixi', message: `must be an object with the plugin manifest (id, displayName, description, engines, …), not ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}` }];
  }
  const schema = checkSchema(json) ? [] : schemaIssues(checkSchema.errors ?? [], 'weixi');
  const rules = manifestRuleIssues(json, new Set(schema.map((i) => i.path)));
  return [...schema, ...rules].sort((a, b) => keyOrder(json, a.path) - keyOrder(json, b.path) || byPath.compare(a.path, b.path));
}

const byPath = new Intl.Collator('en', { numeric: true });

/** Issues sorted by where their top-level key sits in the manifest, so the output reads top to bottom; within a key, by path. */
function keyOrder(json: object, path: string): number {
  const key = /^weixi\.([^.[]+)/.exec(path)?.[1];
  // Keys that are missing come first: the manifest is unusable until they are added.
  return key === undefined ? -1 : Object.keys(json).indexOf(key);
}

function readableId(json: unknown): string | undefined {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
