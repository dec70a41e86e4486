import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '@weixi/sdk';
import { WeixiError } from '../errors.js';
import { ManifestError, manifestIssues, validateManifest } from './manifest.js';

const SOURCE = '/srv/plugins/tactic-prepaid-boost/package.json';

/** A manifest using every part of the format; tests break one thing at a time. */
function manifest(): Record<string, any> {
  return {
    id: 'tactic-prepaid-boost',
    displayName: 'Prepaid boost',
    description: 'Offers prepaid customers a top-up bonus before they go silent.',
    version: '1.2.0',
    engines: { weixi: '^0.1.0' },
    dependencies: { 'warning-silent': '^1.0.0' },
    activationEvents: ['onStartup', 'onJob:daily', 'onEvent:usage.recorded'],
    capabilities: ['customers:read', 'tasks:write'],
    namespace: 'prepaidBoost',
    settings: {
      type: 'object',
      properties: {
        minSilentMonths: { type: 'integer', minimum: 1, default: 2, description: 'Months without usage.' },
        bonusCents: { type: 'integer', minimum: 0, default: 500 },
        startsOn: { type: 'string', format: 'date', default: '2026-01-01' },
      },
      required: ['minSilentMonths'],
      additionalProperties: false,
    },
    contributes: {
      warningRules: [{ id: 'silent-prepaid', title: 'Silent prepaid', description: 'No top-up for two months.' }],
      tactics: [{ id: 'prepaid-boost', title: 'Prepaid boost', description: 'A top-up bonus.', preferredChannels: ['sms', 'outbound-call'] }],
      channels: [{ id: 'sms', title: 'SMS', kind: 'automated', description: 'Text message.' }],
      jobs: [
        { id: 'daily', description: 'Scans for silent customers.', cron: '0 6 * * *' },
        { id: 'rescan', description: 'On demand.' },
      ],
      graphql: [
        { type: 'Customer', field: 'prepaidBoost', description: 'The offer for this customer.' },
        { type: 'Query', field: 'offers', description: 'Open offers.' },
      ],
      graphqlTypes: [
        { kind: 'enum', name: 'OfferState', description: 'Where an offer is.', values: { OPEN: {}, TAKEN: { description: 'Accepted.' } } },
        { kind: 'object', name: 'Offer', description: 'A top-up bonus.', fields: { bonusCents: { type: 'Int!' }, state: { type: 'OfferState!' }, steps: { type: '[Step!]!' } } },
        { kind: 'object', name: 'Step', description: 'One step.', fields: { at: { type: 'DateTime' }, next: { type: 'Step' } } },
        { kind: 'input', name: 'OfferFilter', description: 'Which offers.', fields: { states: { type: '[OfferState!]' }, within: { type: 'OfferFilter' } } },
      ],
    },
  };
}

function issuesOf(json: unknown): string[] {
  return manifestIssues(json).map((i) => `${i.path}: ${i.message}`);
}

function thrown(json: unknown): ManifestError {
  try {
    validateManifest(json, SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('validateManifest accepted the manifest');
}

describe('validateManifest', () => {
  it('returns a valid manifest typed, as a copy', () => {
    const json = manifest();
    const result = validateManifest(json, SOURCE);
    expect(result).toEqual(json);
    expect(result).not.toBe(json);
    expect(result.contributes?.jobs?.[0]?.cron).toBe('0 6 * * *');
  });

  it('accepts the smallest manifest', () => {
    const { id, displayName, description, version, engines } = manifest();
    expect(manifestIssues({ id, displayName, description, version, engines })).toEqual([]);
  });

  it('throws a ManifestError naming the plugin and the file, with every issue', () => {
    const json = manifest();
    delete json.displayName;
    json.contributes.jobs[0].cron = '0 25 * * *';
    json.capabilities.push('customers:write');
    const error = thrown(json);
    expect(error).toBeInstanceOf(WeixiError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.source).toBe(SOURCE);
    expect(error.pluginId).toBe('tactic-prepaid-boost');
    expect(error.message).toMatch(/^invalid manifest of plugin 'tactic-prepaid-boost' in \/srv\/plugins\/tactic-prepaid-boost\/package.json: /);
    expect(error.issues.map((i) => i.path)).toEqual(['weixi.displayName', 'weixi.capabilities[2]', 'weixi.contributes.jobs[0].cron']);
  });

  it('names the file when the manifest has no readable id', () => {
    const error = thrown({ displayName: 'x' });
    expect(error.message).toMatch(/^invalid plugin manifest in \/srv\/plugins\/tactic-prepaid-boost\/package.json: weixi\.description: is missing/);
    expect(error.message).toMatch(/\(and \d+ more\)$/);
    expect(error.pluginId).toBeUndefined();
  });

  it('reports a manifest that is not an object', () => {
    expect(issuesOf('tactic')).toEqual(['weixi: must be an object with the plugin manifest (id, displayName, description, engines, …), not string']);
    expect(issuesOf(null)).toEqual([expect.stringMatching(/not null$/)]);
  });
});

describe('manifest issues', () => {
  const broken = (change: (m: Record<string, any>) => void) => {
    const json = manifest();
    change(json);
    return issuesOf(json);
  };

  it('a missing field, saying what to add', () => {
    expect(broken((m) => delete m.engines)).toEqual(['weixi.engines: is missing: add an object: The SDK versions the plugin works with.']);
    expect(broken((m) => delete m.contributes.channels[0].kind)).toEqual([
      'weixi.contributes.channels[0].kind: is missing: add one of automated, human: "automated" sends by itself; "human" becomes a task in an agent\'s queue.',
    ]);
  });

  it('a wrong type, naming what was given', () => {
    expect(broken((m) => (m.description = 42))).toEqual(['weixi.description: must be a string, not a number (42)']);
    expect(broken((m) => (m.contributes.jobs = { daily: {} }))).toEqual(['weixi.contributes.jobs: must be an array, not an object']);
    expect(broken((m) => (m.displayName = ''))).toEqual(['weixi.displayName: must not be empty']);
  });

  it('an unknown key, suggesting the known one', () => {
    expect(broken((m) => (m.contributions = {}))).toEqual([expect.stringMatching(/^weixi\.contributions: is not a known key; did you mean "contributes"\?; accepted keys here: id, displayName, /)]);
    expect(broken((m) => (m.contributes.jobs[1].schedule = '0 6 * * *'))).toEqual([
      'weixi.contributes.jobs[1].schedule: is not a known key; accepted keys here: id, description, cron',
    ]);
  });

  it('ids and names in the wrong form', () => {
    expect(broken((m) => (m.id = 'Tactic_Prepaid'))).toEqual([
      'weixi.id: "Tactic_Prepaid" is not kebab-case: use lowercase letters and digits joined by single hyphens, e.g. "tactic-prepaid-boost"',
    ]);
    expect(broken((m) => (m.contributes.tactics[0].id = 'prepaid--boost'))).toEqual([expect.stringMatching(/^weixi\.contributes\.tactics\[0\]\.id: "prepaid--boost" is not kebab-case/)]);
    expect(broken((m) => (m.contributes.graphql[0].field = 'prepaid-boost'))).toEqual([
      'weixi.contributes.graphql[0].field: "prepaid-boost" is not a GraphQL name: use letters, digits and _, not starting with a digit or "__", e.g. "prepaidBoost"',
    ]);
    expect(broken((m) => (m.contributes.graphql[0].field = '__typename'))).toEqual([expect.stringMatching(/is not a GraphQL name/)]);
    expect(broken((m) => (m.namespace = '2boost'))).toEqual([expect.stringMatching(/^weixi\.namespace: "2boost" is not a GraphQL name/)]);
    expect(broken((m) => (m.contributes.graphql[1].type = 'Subscription'))).toEqual([
      'weixi.contributes.graphql[1].type: "Subscription" is not accepted; use one of: Customer, Segment, RetentionTask, Query, Mutation',
    ]);
  });

  it('a bad cron expression', () => {
    expect(broken((m) => (m.contributes.jobs[0].cron = '0 6 * *'))).toEqual([
      'weixi.contributes.jobs[0].cron: "0 6 * *" has 4 fields; a cron expression has five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * *" for 06:00 every day',
    ]);
    expect(broken((m) => (m.contributes.jobs[1].cron = '*/0 * * * *'))).toEqual([expect.stringMatching(/^weixi\.contributes\.jobs\[1\]\.cron: "\*\/0 \* \* \* \*": minute step/)]);
  });

  it('versions and ranges semver cannot read', () => {
    expect(broken((m) => (m.engines.weixi = 'latest'))).toEqual([
      'weixi.engines.weixi: "latest" is not a semver range; write the SDK versions the plugin works with, e.g. "^0.1.0"',
    ]);
    expect(broken((m) => (m.dependencies['warning-silent'] = '>=banana'))).toEqual([
      'weixi.dependencies.warning-silent: ">=banana" is not a semver range; write the versions of \'warning-silent\' this plugin works with, e.g. "^1.0.0"',
    ]);
    expect(broken((m) => (m.version = '1.2'))).toEqual(['weixi.version: "1.2" is not a semver version; write MAJOR.MINOR.PATCH, e.g. "1.0.0"']);
    expect(broken((m) => (m.dependencies = { 'Warning_Silent': '^1.0.0' }))).toEqual([expect.stringMatching(/^weixi\.dependencies\.Warning_Silent: key "Warning_Silent" is not kebab-case/)]);
    expect(broken((m) => (m.dependencies['tactic-prepaid-boost'] = '^1.0.0'))).toEqual([
      "weixi.dependencies.tactic-prepaid-boost: plugin 'tactic-prepaid-boost' depends on itself; remove this entry",
    ]);
  });

  it('an unknown capability, listing the accepted ones', () => {
    expect(broken((m) => m.capabilities.push('customers:write'))).toEqual([
      `weixi.capabilities[2]: "customers:write" is not accepted; did you mean "customers:read"?; use one of: ${CAPABILITIES.join(', ')}`,
    ]);
    expect(broken((m) => m.capabilities.push('customers:read'))).toEqual(['weixi.capabilities: lists "customers:read" twice (items 0 and 2); remove one']);
  });

  it('a contribution id declared twice within its kind', () => {
    expect(broken((m) => m.contributes.jobs.push({ id: 'daily', description: 'Again.' }))).toEqual([
      "weixi.contributes.jobs[2].id: plugin 'tactic-prepaid-boost' declares job 'daily' twice (also at jobs[0]); give each job its own id",
    ]);
    expect(broken((m) => m.contributes.graphql.push({ type: 'Customer', field: 'prepaidBoost', description: 'Again.' }))).toEqual([
      "weixi.contributes.graphql[2].field: plugin 'tactic-prepaid-boost' declares GraphQL field Customer.prepaidBoost twice (also at graphql[0]); remove one or rename the field",
    ]);
    // The same id in two kinds is fine: a tactic and a channel may share a name.
    expect(broken((m) => (m.contributes.channels[0].id = 'prepaid-boost'))).toEqual([]);
  });

  it('settings whose defaults do not match their schema', () => {
    expect(broken((m) => (m.settings.properties.minSilentMonths.default = 0))).toEqual([
      'weixi.settings.properties.minSilentMonths.default: the default 0 does not match the setting\'s own schema (must be >= 1); change the default or the schema',
    ]);
    expect(broken((m) => (m.settings.properties.startsOn.default = 'soon'))).toEqual([expect.stringMatching(/startsOn\.default: the default "soon" does not match the setting's own schema \(must match format "date"\)/)]);
  });

  it('settings that are not a usable JSON schema', () => {
    expect(broken((m) => (m.settings.properties.bonusCents = { type: 'integer', minimun: 0 }))).toEqual([
      'weixi.settings.properties.bonusCents.minimun: uses the unknown keyword "minimun"; did you mean "minimum"?; settings are JSON Schema draft 2020-12 and unknown keywords are refused so typos do not go unnoticed',
    ]);
    expect(broken((m) => (m.settings.properties.bonusCents = { type: 'int' }))).toEqual([
      'weixi.settings.properties.bonusCents.type: "int" is not accepted; use one of: array, boolean, integer, null, number, object, string (not a valid JSON schema)',
    ]);
    expect(broken((m) => (m.settings.required = ['minSilentMonth']))).toEqual([
      'weixi.settings.required: lists "minSilentMonth", which is not in properties; add the setting to properties or remove it from required',
    ]);
    expect(broken((m) => (m.settings.type = 'array'))).toEqual(['weixi.settings.type: must be "object", not "array"']);
  });

  it('activation events of unknown forms, jobs or events', () => {
    expect(broken((m) => m.activationEvents.push('onBoot'))).toEqual([
      'weixi.activationEvents[3]: "onBoot" is not an activation event: use "onStartup", "onJob:<job id>" or "onEvent:<event type>"',
    ]);
    expect(broken((m) => m.activationEvents.push('onJob:dayly'))).toEqual([
      'weixi.activationEvents[3]: "onJob:dayly" names job \'dayly\', which the plugin does not declare; did you mean "daily"?; declared jobs: daily, rescan',
    ]);
    expect(broken((m) => m.activationEvents.push('onEvent:usage.recordd'))).toEqual([
      'weixi.activationEvents[3]: "onEvent:usage.recordd" names an unknown event \'usage.recordd\'; did you mean "usage.recorded"?; known events: customers.imported, usage.recorded, task.completed, segment.refreshed, warning.raised, kpi.report.ready',
    ]);
  });

  it('declared GraphQL types: names, references to unknown or misplaced types, lists and non-null', () => {
    const types = (m: Record<string, any>) => m.contributes.graphqlTypes;
    expect(broken((m) => (types(m)[1].fields.state.type = 'OfferStat!'))).toEqual([
      'weixi.contributes.graphqlTypes[1].fields.state.type: names type \'OfferStat\', which is neither a scalar nor declared in contributes.graphqlTypes; did you mean "OfferState"?; usable here: String, Int, Float, Boolean, ID, Date, DateTime, JSON, OfferState, Offer, Step',
    ]);
    expect(broken((m) => (types(m)[1].fields.steps.type = '[[Step]]'))).toEqual([
      'weixi.contributes.graphqlTypes[1].fields.steps.type: "[[Step]]" is not a type reference: write a type name, with [ ] for a list and ! for non-null, e.g. "[Message!]"',
    ]);
    expect(broken((m) => (types(m)[1].fields.filter = { type: 'OfferFilter' }))).toEqual([
      "weixi.contributes.graphqlTypes[1].fields.filter.type: names input type 'OfferFilter': an input type cannot be returned; declare an object type for it",
    ]);
    expect(broken((m) => (types(m)[3].fields.offer = { type: '[Offer]' }))).toEqual([
      "weixi.contributes.graphqlTypes[3].fields.offer.type: names object type 'Offer': an object type cannot be taken as input; declare an input type for it",
    ]);
    expect(broken((m) => types(m).push({ kind: 'enum', name: 'Offer', description: 'Again.', values: { A: {} } }))).toEqual([
      "weixi.contributes.graphqlTypes[4].name: plugin 'tactic-prepaid-boost' declares GraphQL type 'Offer' twice (also at graphqlTypes[1]); each type, whatever its kind, needs its own name",
    ]);
    expect(broken((m) => Object.assign(types(m)[0], { name: 'offer_state', values: { open: {} } }))).toEqual([
      'weixi.contributes.graphqlTypes[0].name: "offer_state" is not a type name: use PascalCase letters and digits, e.g. "Message"; the schema adds the namespace',
      'weixi.contributes.graphqlTypes[0].values.open: key "open" is not an enum value: use UPPER_SNAKE_CASE, e.g. "DELIVERED"',
      expect.stringContaining("weixi.contributes.graphqlTypes[1].fields.state.type: names type 'OfferState'"),
      expect.stringContaining("weixi.contributes.graphqlTypes[3].fields.states.type: names type 'OfferState'"),
    ]);
    expect(broken((m) => Object.assign(types(m)[0], { fields: { a: { type: 'Int' } } }))).toEqual([
      'weixi.contributes.graphqlTypes[0].fields: an enum has values, not fields; list them under "values" or make it an object type',
    ]);
    expect(broken((m) => (delete types(m)[2].fields, (types(m)[0].values = {})))).toEqual([
      'weixi.contributes.graphqlTypes[0].values: is empty: a GraphQL enum needs at least one value',
      'weixi.contributes.graphqlTypes[2].fields: is missing: add the object type\'s fields, e.g. { "text": { "type": "String!" } }',
    ]);
    expect(broken((m) => (types(m)[3].fields.within.type = 'OfferFilter!'))).toEqual([
      "weixi.contributes.graphqlTypes[3]: input 'OfferFilter' requires itself through non-null fields (OfferFilter.within); make one of them nullable or a list",
    ]);
  });

  it('lists every problem at once, in the order of the manifest keys', () => {
    const issues = broken((m) => {
      m.version = 'one';
      m.capabilities = ['everything'];
      m.contributes.jobs[0].cron = 'daily';
    });
    expect(issues.map((i) => i.split(':')[0])).toEqual(['weixi.version', 'weixi.capabilities[0]', 'weixi.contributes.jobs[0].cron']);
  });
});
