import type { ErrorObject } from 'ajv';
import type { PluginManifest } from '@weixi/sdk';
import { InputError } from '../errors.js';
import { createSettingsAjv } from '../plugins/settings.js';

// One validator per settings schema object (draft 2020-12, the same ajv setup the manifest check uses).
const compiled = new WeakMap<object, ReturnType<ReturnType<typeof createSettingsAjv>['compile']>>();

function issuePath(base: string, error: ErrorObject): string {
  const pointer = error.instancePath.split('/').filter(Boolean).join('.');
  const missing = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : '';
  const extra = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : '';
  return [base, pointer, missing, extra].filter(Boolean).join('.');
}

/** Validates resolved settings against the plugin's settings schema; issues name each offending key. */
export function validateSettings(manifest: PluginManifest, settings: Record<string, unknown>, path: string): void {
  if (!manifest.settings) {
    if (Object.keys(settings).length > 0) throw new InputError([{ path, message: `plugin '${manifest.id}' declares no settings` }]);
    return;
  }
  let validate = compiled.get(manifest.settings);
  if (!validate) {
    validate = createSettingsAjv().compile(manifest.settings);
    compiled.set(manifest.settings, validate);
  }
  if (!validate(settings)) {
    throw new InputError((validate.errors ?? []).map((e) => ({ path: issuePath(path, e), message: e.message ?? 'is not valid' })));
  }
}
