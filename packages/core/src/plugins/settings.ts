/**
 * A plugin's settings schema must itself be a usable JSON schema (draft 2020-12, compiled by ajv in strict
 * mode, so a misspelt keyword such as `minimun` is an error rather than silently ignored), and every
 * default it declares must satisfy the schema of its own setting.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { SettingsSchema } from '@weixi/sdk';
import type { InputIssue } from '../errors.js';
import { issuePath, schemaIssues, suggestion } from './schema-issues.js';

const SETTINGS_KEY = 'settings';

/** A fresh validator per schema: settings schemas come from plugins and must not share ids or refs. */
export function createSettingsAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: true, logger: false });
  addFormats.default(ajv);
  return ajv;
}

/** Issues with a settings schema the manifest schema already accepted in shape; `root` is its path. */
export function settingsIssues(settings: SettingsSchema, root: string): InputIssue[] {
  const ajv = createSettingsAjv();
  if (!ajv.validateSchema(settings)) {
    return schemaIssues(ajv.errors ?? [], root).map((i) => ({ ...i, message: `${i.message} (not a valid JSON schema)` }));
  }
  try {
    ajv.addSchema(settings, SETTINGS_KEY);
    ajv.getSchema(SETTINGS_KEY);
  } catch (error) {
    return [strictModeIssue((error as Error).message, settings, root)];
  }
  const issues: InputIssue[] = [];
  for (const [name, property] of Object.entries(settings.properties)) {
    if (!('default' in property)) continue;
    const validate = ajv.getSchema(`${SETTINGS_KEY}#/properties/${encodeURIComponent(pointerToken(name))}`);
    if (!validate || validate(property.default)) continue;
    const reasons = (validate.errors ?? []).map((e) => `${e.instancePath ? `${e.instancePath.slice(1)} ` : ''}${e.message ?? e.keyword}`);
    issues.push({
      path: issuePath(root, `/properties/${pointerToken(name)}/default`),
      message: `the default ${JSON.stringify(property.default)} does not match the setting's own schema (${reasons.join('; ')}); change the default or the schema`,
    });
  }
  return issues;
}

const KEYWORDS = ['type', 'enum', 'const', 'default', 'description', 'title', 'examples', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'properties', 'required', 'additionalProperties', 'propertyNames', 'anyOf', 'oneOf', 'allOf', 'not', '$ref', '$defs'];

/** ajv's strict-mode complaints (`strict mode: unknown keyword: "minimun"`) as issues that say what to change. */
function strictModeIssue(message: string, settings: SettingsSchema, root: string): InputIssue {
  const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
  if (keyword !== undefined) {
    return { path: issuePath(root, pointerTo(settings, keyword) ?? ''), message: `uses the unknown keyword "${keyword}"${suggestion(keyword, KEYWORDS)}; settings are JSON Schema draft 2020-12 and unknown keywords are refused so typos do not go unnoticed` };
  }
  const required = /required property "([^"]+)" is not defined/.exec(message)?.[1];
  if (required !== undefined) {
    return { path: `${root}.required`, message: `lists "${required}", which is not in properties; add the setting to properties or remove it from required` };
  }
  const format = /unknown format "([^"]+)"/.exec(message)?.[1];
  if (format !== undefined) return { path: root, message: `uses the unknown format "${format}"; use a standard format such as date, date-time, email, uri or uuid` };
  return { path: root, message: `is not a usable JSON schema: ${message}` };
}

/** The JSON pointer of the first object (depth first) that has `key`, to point at a misspelt keyword. */
function pointerTo(value: unknown, key: string, pointer = ''): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && Object.hasOwn(value, key)) return `${pointer}/${pointerToken(key)}`;
  for (const [k, v] of Object.entries(value)) {
    const found = pointerTo(v, key, `${pointer}/${pointerToken(k)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
