import { prepareTestTemplates } from '@weixi/db/testing';

/** Vitest global setup: migrates one template database per run; each test platform then copies it. */
export default async function setup(): Promise<() => Promise<void>> {
  return prepareTestTemplates();
}
