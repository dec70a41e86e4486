/**
 * The JSON schemas (draft 2020-12) of a plugin manifest, the `"weixi"` key of its package.json, and of each
 * contribution kind. They are data so docs, editors and tools can use them; `validateManifest` checks them
 * with ajv and then the rules a schema cannot say (cron, semver ranges, duplicate ids, settings defaults).
 * The type checks below keep each schema's properties in step with the SDK's interfaces.
 */
import {
  CAPABILITIES,
  type ChannelContribution,
  type GraphQLFieldContribution,
  type GraphQLTypeContribution,
  type JobContribution,
  type PluginManifest,
  type SettingsSchema,
  type TacticContribution,
  type WarningRuleContribution,
} from '@weixi/sdk';

/** Lowercase words of letters and digits joined by single hyphens: `tactic-prepaid-boost`. */
export const KEBAB_CASE = '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$';
/** A GraphQL name: a letter or _, then letters, digits or _; not starting with `__`, which GraphQL reserves. */
export const GRAPHQL_NAME = '^(?!__)[_A-Za-z][_0-9A-Za-z]*$';
/** A declared type's name: PascalCase letters and digits (the schema adds the namespace: `Sms_Message`). */
export const TYPE_NAME = '^[A-Z][A-Za-z0-9]*$';
/** A type reference: `Name`, `Name!`, `[Name]`, `[Name!]`, `[Name]!` or `[Name!]!`. */
export const TYPE_REFERENCE = '^(?:[_A-Za-z][_0-9A-Za-z]*|\\[[_A-Za-z][_0-9A-Za-z]*!?\\])!?$';
/** An enum value: UPPER_SNAKE_CASE. */
export const ENUM_VALUE = '^[A-Z][A-Z0-9_]*$';
/** `onStartup`, `onJob:<job id>` or `onEvent:<event type>`. */
export const ACTIVATION_EVENT = '^(?:onStartup|onJob:\\S+|onEvent:\\S+)$';

/** How a value failing each pattern should be written instead, for error messages. */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [KEBAB_CASE]: 'is not kebab-case: use lowercase letters and digits joined by single hyphens, e.g. "tactic-prepaid-boost"',
  [GRAPHQL_NAME]: 'is not a GraphQL name: use letters, digits and _, not starting with a digit or "__", e.g. "prepaidBoost"',
  [TYPE_NAME]: 'is not a type name: use PascalCase letters and digits, e.g. "Message"; the schema adds the namespace',
  [ENUM_VALUE]: 'is not an enum value: use UPPER_SNAKE_CASE, e.g. "DELIVERED"',
  [TYPE_REFERENCE]: 'is not a type reference: write a type name, with [ ] for a list and ! for non-null, e.g. "[Message!]"',
  [ACTIVATION_EVENT]: 'is not an activation event: use "onStartup", "onJob:<job id>" or "onEvent:<event type>"',
};

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** An object schema whose properties are exactly the interface's keys and whose `required` lists its required ones. */
interface ObjectSchemaFor<T> {
  type: 'object';
  title?: string;
  description?: string;
  properties: { [K in keyof T]-?: Record<string, unknown> };
  required: readonly RequiredKeys<T>[];
  additionalProperties: false;
}

/** Checks a schema against the SDK interface it validates; a missing required key fails to compile. */
function schemaFor<T>() {
  return <const S extends ObjectSchemaFor<T>>(
    schema: S & ([Exclude<RequiredKeys<T>, S['required'][number]>] extends [never] ? unknown : { missingRequired: Exclude<RequiredKeys<T>, S['required'][number]> }),
  ): S => schema;
}

const text = (description: string) => ({ type: 'string', minLength: 1, description }) as const;
const contributionId = (what: string) =>
  ({ type: 'string', pattern: KEBAB_CASE, description: `The ${what}'s id, unique within the plugin, kebab-case.` }) as const;

/** 流失预警: a churn-warning rule. */
export const WARNING_RULE_SCHEMA = schemaFor<WarningRuleContribution>()({
  type: 'object',
  title: 'Warning rule contribution',
  description: 'A churn-warning rule (流失预警) the plugin implements.',
  properties: {
    id: contributionId('warning rule'),
    title: text('The rule name shown to operators.'),
    description: text('What the rule detects and why it signals churn.'),
    schedule: { type: 'string', minLength: 1, description: "Five-field cron of the rule's run, in the region's time zone (default `0 7 * * *`)." },
  },
  required: ['id', 'title', 'description'],
  additionalProperties: false,
});

/** 维系招式: a retention tactic. */
export const TACTIC_SCHEMA = schemaFor<TacticContribution>()({
  type: 'object',
  title: 'Tactic contribution',
  description: 'A retention tactic (维系招式) the plugin implements.',
  properties: {
    id: contributionId('tactic'),
    title: text('The tactic name shown to operators.'),
    description: text('What the tactic offers and to whom.'),
    preferredChannels: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description: 'Channel ids the tactic prefers, in order.',
    },
  },
  required: ['id', 'title', 'description'],
  additionalProperties: false,
});

/** 渠道: a contact channel. */
export const CHANNEL_SCHEMA = schemaFor<ChannelContribution>()({
  type: 'object',
  title: 'Channel contribution',
  description: 'A contact channel (渠道): automated (SMS, push) or human (outbound call, hall, account manager).',
  properties: {
    id: contributionId('channel'),
    title: text('The channel name shown to operators.'),
    kind: { enum: ['automated', 'human'], description: '"automated" sends by itself; "human" becomes a task in an agent\'s queue.' },
    description: text('How the channel reaches customers.'),
  },
  required: ['id', 'title', 'kind', 'description'],
  additionalProperties: false,
});

export const JOB_SCHEMA = schemaFor<JobContribution>()({
  type: 'object',
  title: 'Job contribution',
  description: 'A job: on demand, or on a cron schedule evaluated in each enabled region\'s time zone.',
  properties: {
    id: contributionId('job'),
    description: text('What one run does.'),
    cron: { type: 'string', description: 'Five-field cron ("m h dom mon dow") in the region\'s time zone; absent: on demand only.' },
  },
  required: ['id', 'description'],
  additionalProperties: false,
});

export const GRAPHQL_FIELD_SCHEMA = schemaFor<GraphQLFieldContribution>()({
  type: 'object',
  title: 'GraphQL field contribution',
  description: 'A GraphQL field the plugin adds; on Query and Mutation it is shown as <namespace>_<field>.',
  properties: {
    type: { enum: ['Customer', 'Segment', 'RetentionTask', 'Query', 'Mutation'], description: 'The type the field is added to.' },
    field: { type: 'string', pattern: GRAPHQL_NAME, description: 'The field name, a GraphQL name.' },
    description: text('The field description shown in the schema.'),
  },
  required: ['type', 'field', 'description'],
  additionalProperties: false,
});

export const GRAPHQL_TYPE_SCHEMA = schemaFor<GraphQLTypeContribution>()({
  type: 'object',
  title: 'GraphQL type contribution',
  description: 'An object, input or enum type the plugin declares; the schema shows it as <Namespace>_<name>, e.g. Sms_Message.',
  properties: {
    kind: { enum: ['object', 'input', 'enum'], description: '"object" is returned by fields, "input" taken as an argument, "enum" either.' },
    name: { type: 'string', pattern: TYPE_NAME, description: 'The type name within the plugin, PascalCase, e.g. "Message".' },
    description: text('The type description shown in the schema.'),
    fields: {
      type: 'object',
      propertyNames: { pattern: GRAPHQL_NAME },
      additionalProperties: {
        type: 'object',
        properties: {
          type: { type: 'string', pattern: TYPE_REFERENCE, description: 'A scalar or a type of this plugin, e.g. "String!", "[Part!]!".' },
          description: { type: 'string', description: 'The field description shown in the schema.' },
        },
        required: ['type'],
        additionalProperties: false,
      },
      description: 'Objects and inputs: each field by name with its type.',
    },
    values: {
      type: 'object',
      propertyNames: { pattern: ENUM_VALUE },
      additionalProperties: {
        type: 'object',
        properties: { description: { type: 'string', description: 'What the value means.' } },
        additionalProperties: false,
      },
      description: 'Enums: each value by name, UPPER_SNAKE_CASE.',
    },
  },
  required: ['kind', 'name', 'description'],
  additionalProperties: false,
});

/** The shape of `settings`; the settings schema is then compiled as a JSON schema of its own. */
export const SETTINGS_SCHEMA = schemaFor<SettingsSchema>()({
  type: 'object',
  title: 'Plugin settings schema',
  description: 'A JSON schema (draft 2020-12) for the plugin\'s settings: an object whose properties carry defaults.',
  properties: {
    type: { const: 'object', description: 'Settings are always an object.' },
    properties: {
      type: 'object',
      additionalProperties: { type: 'object' },
      description: 'One JSON schema per setting, each with a "default" and a "description".',
    },
    required: { type: 'array', items: { type: 'string' }, uniqueItems: true, description: 'Settings that must have a value.' },
    additionalProperties: { type: 'boolean', description: 'Whether settings not listed in "properties" are accepted.' },
  },
  required: ['type', 'properties'],
  additionalProperties: false,
});

const list = (items: Record<string, unknown>, description: string) => ({ type: 'array', items, description }) as const;

/** The `"weixi"` key of a plugin's package.json, with `version` filled from the package when absent. */
export const MANIFEST_SCHEMA = schemaFor<PluginManifest>()({
  type: 'object',
  title: 'Weixi plugin manifest',
  description: 'The "weixi" key of a plugin package.json: what the plugin is, needs and contributes, readable without running it.',
  properties: {
    id: { type: 'string', pattern: KEBAB_CASE, description: 'Unique plugin id, kebab-case, e.g. "tactic-proactive-care".' },
    displayName: text('The plugin name shown to operators.'),
    description: text('What the plugin does, in a sentence.'),
    version: { type: 'string', description: 'The plugin version (semver); defaults to the package version.' },
    engines: {
      type: 'object',
      properties: { weixi: { type: 'string', minLength: 1, description: 'The Weixi SDK versions the plugin works with, a semver range such as "^0.1.0".' } },
      required: ['weixi'],
      additionalProperties: false,
      description: 'The SDK versions the plugin works with.',
    },
    dependencies: {
      type: 'object',
      propertyNames: { pattern: KEBAB_CASE },
      additionalProperties: { type: 'string', minLength: 1 },
      description: 'Other plugins it needs, by id, each with a semver range; they are activated first.',
    },
    activationEvents: {
      type: 'array',
      items: { type: 'string', pattern: ACTIVATION_EVENT },
      uniqueItems: true,
      description: 'When to activate: "onStartup", "onJob:<job id>", "onEvent:<event type>".',
    },
    capabilities: {
      type: 'array',
      items: { enum: [...CAPABILITIES] },
      uniqueItems: true,
      description: 'What the plugin may reach through its context.',
    },
    namespace: { type: 'string', pattern: GRAPHQL_NAME, description: 'GraphQL namespace for root fields; defaults to the id in camelCase.' },
    settings: SETTINGS_SCHEMA,
    contributes: {
      type: 'object',
      properties: {
        warningRules: list(WARNING_RULE_SCHEMA, 'Churn-warning rules (流失预警).'),
        tactics: list(TACTIC_SCHEMA, 'Retention tactics (维系招式).'),
        channels: list(CHANNEL_SCHEMA, 'Contact channels (渠道).'),
        jobs: list(JOB_SCHEMA, 'Scheduled or on-demand jobs.'),
        graphql: list(GRAPHQL_FIELD_SCHEMA, 'GraphQL fields added to core types.'),
        graphqlTypes: list(GRAPHQL_TYPE_SCHEMA, 'GraphQL object, input and enum types the plugin\'s fields return and take.'),
      },
      additionalProperties: false,
      description: 'Static contributions, listed and checked without running the plugin.',
    },
  },
  required: ['id', 'displayName', 'description', 'version', 'engines'],
  additionalProperties: false,
});

/** The full manifest schema as a standalone document, for editors (`"$schema"`) and docs. */
export const MANIFEST_JSON_SCHEMA = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...MANIFEST_SCHEMA } as const;

/** One schema per contribution kind, keyed as in `contributes`, plus the settings schema's shape. */
export const CONTRIBUTION_SCHEMAS = {
  warningRules: WARNING_RULE_SCHEMA,
  tactics: TACTIC_SCHEMA,
  channels: CHANNEL_SCHEMA,
  jobs: JOB_SCHEMA,
  graphql: GRAPHQL_FIELD_SCHEMA,
  graphqlTypes: GRAPHQL_TYPE_SCHEMA,
  settings: SETTINGS_SCHEMA,
} as const;

export type ContributionKind = keyof NonNullable<PluginManifest['contributes']>;

/** The singular noun for one item of each kind, for messages ("declares job 'daily' twice"). */
export const CONTRIBUTION_NOUNS: Record<ContributionKind, string> = {
  warningRules: 'warning rule',
  tactics: 'tactic',
  channels: 'channel',
  jobs: 'job',
  graphql: 'GraphQL field',
  graphqlTypes: 'GraphQL type',
};
