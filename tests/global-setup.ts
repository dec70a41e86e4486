import { prepareTestTemplates } from '@weixi/db/testing';

/** Migrates one template database per run; each test file then copies it (PGlite dump or PostgreSQL TEMPLATE). */
export default async function setup(): Promise<() => Promise<void>> {
  return prepareTestTemplates();
}
