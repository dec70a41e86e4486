import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CONTRIBUTION_SCHEMAS, MANIFEST_JSON_SCHEMA, MANIFEST_SCHEMA } from './manifest-schema.js';

const samples: Record<keyof typeof CONTRIBUTION_SCHEMAS, [valid: unknown, invalid: unknown]> = {
  warningRules: [{ id: 'silent-3m', title: 'Silent', description: 'No usage for 3 months.' }, { id: 'silent-3m', title: 'Silent' }],
  tactics: [{ id: 'care-call', title: 'Care call', description: 'A call.', preferredChannels: ['outbound-call'] }, { id: 'care-call', title: 'x', description: 'x', preferredChannels: 'sms' }],
  channels: [{ id: 'sms', title: 'SMS', kind: 'automated', description: 'Text.' }, { id: 'sms', title: 'SMS', kind: 'pigeon', description: 'Text.' }],
  jobs: [{ id: 'daily', description: 'Scan.', cron: '0 6 * * *' }, { id: 'Daily', description: 'Scan.' }],
  graphql: [{ type: 'Customer', field: 'careScore', description: 'Score.' }, { type: 'Customer', field: 'care-score', description: 'Score.' }],
  graphqlTypes: [
    { kind: 'object', name: 'Message', description: 'An SMS.', fields: { text: { type: 'String!' }, parts: { type: '[Part!]!', description: 'Segments.' } } },
    { kind: 'object', name: 'Message', description: 'An SMS.', fields: { text: { type: '[[String]]' } } },
  ],
  settings: [{ type: 'object', properties: { months: { type: 'integer', default: 3 } } }, { type: 'object' }],
};

describe('exported schemas', () => {
  it('each contribution schema is usable on its own by a standard draft 2020-12 validator', () => {
    const ajv = new Ajv2020({ strict: true });
    for (const [kind, schema] of Object.entries(CONTRIBUTION_SCHEMAS)) {
      const validate = ajv.compile(schema);
      const [good, bad] = samples[kind as keyof typeof samples];
      expect(validate(good), `${kind}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate(bad), kind).toBe(false);
    }
  });

  it('the manifest schema embeds one schema per contribution kind and is a standalone document', () => {
    expect(Object.keys(MANIFEST_SCHEMA.properties.contributes.properties)).toEqual(Object.keys(CONTRIBUTION_SCHEMAS).filter((k) => k !== 'settings'));
    expect(MANIFEST_JSON_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const validate = new Ajv2020({ strict: true }).compile(MANIFEST_JSON_SCHEMA);
    expect(validate({ id: 'x', displayName: 'X', description: 'X.', version: '1.0.0', engines: { weixi: '^0.1.0' } })).toBe(true);
    // JSON-serialisable, so it can be written out for editors and docs.
    expect(JSON.parse(JSON.stringify(MANIFEST_JSON_SCHEMA))).toEqual(MANIFEST_JSON_SCHEMA);
  });
});
