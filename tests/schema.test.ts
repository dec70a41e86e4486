import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '@weixi/graphql';

describe('schema.graphql', () => {
  it('is the printed schema of the code (run `pnpm schema:print` and commit it when this fails)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(`${printSchema(buildSchema())}\n`);
  });
});
