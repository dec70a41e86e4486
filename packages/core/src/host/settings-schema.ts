import { Ajv, type ErrorObject } from 'ajv';
import type { PluginManifest } from '@weixi/sdk';
import { InputError } from '../errors.js';

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

function issuePath(base: string, error: ErrorObject): string {
  const pointer = error.instancePath.split('/').filter(Boolean).join('.');
  const missing = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : '';
  return [base, pointer, missing].filter(Boolean).join('.');
}

/** Validates resolved settings against the plugin's settings schema; issues name each offending key. */
export function validateSettings(manifest: PluginManifest, settings: Record<string, unknown>, path: string): void {
  if (!manifest.settings) {
    if (Object.keys(settings).length > 0) throw new InputError([{ path, message: `plugin '${manifest.id}' declares no settings` }]);
    return;
  }
  let validate = compiled.get(manifest.settings);
  if (!validate) {
    validate = ajv.compile(manifest.settings);
    compiled.set(manifest.settings, validate);
  }
  if (!validate(settings)) {
    throw new InputError((validate.errors ?? []).map((e) => ({ path: issuePath(path, e), message: e.message ?? 'is not valid' })));
  }
}
