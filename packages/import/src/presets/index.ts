/** The presets by name: each knows one data set's columns and fills its kinds from one file. */
import { InputError } from '@weixi/core';
import { bigml } from './bigml.js';
import { ibmTelco } from './ibm-telco.js';
import type { Preset } from './preset.js';

export type { Preset };

export const PRESETS: readonly Preset[] = [ibmTelco, bigml];

export function findPreset(name: string): Preset {
  const preset = PRESETS.find((p) => p.name === name);
  if (!preset) throw new InputError([{ path: 'preset', message: `unknown preset ${JSON.stringify(name)}; one of ${PRESETS.map((p) => p.name).join(', ')}` }]);
  return preset;
}
