/**
 * The Weixi plugin API: the only module a plugin imports. Like `vscode.d.ts`, this file is the whole
 * surface: a plugin declares what it contributes in its `package.json` (under `"weixi"`), and its code
 * registers implementations in `activate(ctx)` through the context below. Nothing here depends on the core.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@weixi/sdk';
 * export default definePlugin<{ minSilentMonths: number }>({
 *   activate(ctx) {
 *     ctx.jobs.handle('scan', async (run) => {
 *       const { minSilentMonths } = await ctx.settings.forRegion(run.regionCode);
 *       // ...
 *     });
 *   },
 * });
 * ```
 */

/** The version of this API. A plugin's `engines.weixi` range is checked against it before activation. */
export const SDK_VERSION = '0.1.0';

// ---------------------------------------------------------------------------------------------------
// Manifest: static data in the plugin's package.json, readable without running the plugin's code.
// ---------------------------------------------------------------------------------------------------

/**
 * What a plugin may reach through its context. A service call needing an undeclared capability is refused
 * at call time with a `CapabilityError`.
 */
export type Capability =
  | 'customers:read'
  | 'customers.pii:read'
  | 'usage:read'
  | 'events:read'
  | 'segments:read'
  | 'tasks:read'
  | 'tasks:write'
  | 'warnings:write'
  | 'contact:send'
  | 'offers:grant';

export const CAPABILITIES: readonly Capability[] = [
  'customers:read',
  'customers.pii:read',
  'usage:read',
  'events:read',
  'segments:read',
  'tasks:read',
  'tasks:write',
  'warnings:write',
  'contact:send',
  'offers:grant',
];

/**
 * When the host activates a plugin. `onStartup`: at boot, for every region that enables it.
 * `onJob:<jobId>` and `onEvent:<eventType>`: only once such a job or event first concerns it.
 */
export type ActivationEvent = 'onStartup' | `onJob:${string}` | `onEvent:${string}`;

/** A churn-warning rule (流失预警) the plugin implements. */
export interface WarningRuleContribution {
  /** Unique within the plugin, kebab-case. */
  id: string;
  title: string;
  description: string;
}

/** A retention tactic (维系招式) the plugin implements. */
export interface TacticContribution {
  id: string;
  title: string;
  description: string;
  /** Channels the tactic prefers, in order. */
  preferredChannels?: string[];
}

/** A contact channel (渠道): automated (SMS, push) or human (outbound call, hall, account manager). */
export interface ChannelContribution {
  id: string;
  title: string;
  kind: 'automated' | 'human';
  description: string;
}

/** A job: on demand, or on a cron schedule evaluated in each enabled region's time zone. */
export interface JobContribution {
  id: string;
  description: string;
  /** Five-field cron (`m h dom mon dow`), in the region's time zone. Absent: on demand only. */
  cron?: string;
}

/** The object types a plugin may add fields to; `Query`/`Mutation` fields live under its namespace. */
export type ExtensibleType = 'Customer' | 'Segment' | 'RetentionTask' | 'Query' | 'Mutation';

/** A GraphQL field the plugin adds, declared so the platform can list and check it without running code. */
export interface GraphQLFieldContribution {
  type: ExtensibleType;
  /** The field name; on Query/Mutation the schema shows it as `<namespace>_<field>`. */
  field: string;
  description: string;
}

/** A JSON schema for the plugin's settings: an object whose properties carry defaults. */
export interface SettingsSchema {
  type: 'object';
  properties: Record<string, JsonSchema & { default?: unknown; description?: string }>;
  required?: string[];
  additionalProperties?: boolean;
}

/** A JSON schema (draft 2020-12 subset the platform validates with). */
export type JsonSchema = Record<string, unknown>;

/** The `"weixi"` key of a plugin's package.json. */
export interface PluginManifest {
  /** Unique id, kebab-case, e.g. `tactic-proactive-care`. */
  id: string;
  displayName: string;
  description: string;
  /** The plugin's own version (semver). Defaults to the package version. */
  version: string;
  /** SDK versions the plugin works with, a semver range such as `^0.1.0`. */
  engines: { weixi: string };
  /** Other plugins it needs, by id, with semver ranges; they are activated first. */
  dependencies?: Record<string, string>;
  activationEvents?: ActivationEvent[];
  capabilities?: Capability[];
  /** GraphQL namespace for root fields; defaults to the id in camelCase. */
  namespace?: string;
  settings?: SettingsSchema;
  contributes?: {
    warningRules?: WarningRuleContribution[];
    tactics?: TacticContribution[];
    channels?: ChannelContribution[];
    jobs?: JobContribution[];
    graphql?: GraphQLFieldContribution[];
  };
}

// ---------------------------------------------------------------------------------------------------
// Runtime: what activate() gets.
// ---------------------------------------------------------------------------------------------------

/** Something that can be undone: every registration returns one. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** Groups functions into one Disposable. */
export function disposable(...steps: Array<() => void | Promise<void>>): Disposable {
  return {
    async dispose() {
      for (const step of steps.reverse()) await step();
    },
  };
}

export interface PluginLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Settings resolved for a region: its own values over its province's, over the global ones, over defaults. */
export interface PluginSettings<S> {
  forRegion(regionCode: string): Promise<S>;
}

/** Key-value storage private to the plugin, per region (`null`: global). Values are JSON. */
export interface PluginStorage {
  get<T = unknown>(regionCode: string | null, key: string): Promise<T | undefined>;
  set(regionCode: string | null, key: string, value: unknown): Promise<void>;
  delete(regionCode: string | null, key: string): Promise<void>;
}

/** One run of a job, as its handler sees it. */
export interface JobRun {
  runId: number;
  jobId: string;
  /** The region the run is for (jobs run per enabled region). */
  regionCode: string;
  /** The schedule slot this run is for (the cron time), or the request time for on-demand runs. */
  scheduledFor: Date;
  attempt: number;
  /** Reports progress between 0 and 1, shown in `jobRuns`. Also renews the run's lease. */
  progress(fraction: number, message?: string): Promise<void>;
  /** Aborted when the run's lease is lost or the host stops; long handlers should check it between chunks. */
  signal: AbortSignal;
}

export interface PluginJobs {
  /** Implements a job declared in `contributes.jobs`. Handlers must be idempotent per (region, scheduledFor). */
  handle(jobId: string, handler: (run: JobRun) => Promise<void>): Disposable;
}

/** Domain events plugins can subscribe to. */
export interface DomainEvents {
  'customers.imported': { regionCode: string; customerIds: number[] };
  'usage.recorded': { regionCode: string; customerIds: number[]; months: string[] };
  'task.completed': { regionCode: string; taskId: number; outcome: string };
  'segment.refreshed': { segmentId: number; entered: number; left: number };
}

export interface PluginEvents {
  on<E extends keyof DomainEvents>(event: E, handler: (payload: DomainEvents[E]) => void | Promise<void>): Disposable;
}

/** A GraphQL output type a plugin field can return. Lists are written `[Int]`. */
export type FieldType =
  | 'String'
  | 'Int'
  | 'Float'
  | 'Boolean'
  | 'ID'
  | 'Date'
  | 'DateTime'
  | 'JSON'
  | '[String]'
  | '[Int]'
  | '[Float]'
  | '[JSON]';

export type ArgType = 'String' | 'Int' | 'Float' | 'Boolean' | 'ID' | 'Date' | 'DateTime' | 'JSON';

/** The request a plugin resolver runs in. */
export interface FieldRequest {
  /** Regions the caller may see (codes); plugin data must stay inside them. */
  regionCodes: readonly string[] | 'all';
}

/** The parent object a field on Customer / Segment / RetentionTask receives: its id and region. */
export interface FieldParent {
  id: number;
  regionCode: string;
}

export interface FieldSpec<Parent, Result> {
  type: FieldType;
  description: string;
  nullable?: boolean;
  args?: Record<string, { type: ArgType; required?: boolean; description?: string }>;
  resolve(parent: Parent, args: Record<string, unknown>, request: FieldRequest): Result | Promise<Result>;
}

export interface PluginGraphQL {
  /** Adds a field declared in `contributes.graphql` to a core type. */
  addField(type: 'Customer' | 'Segment' | 'RetentionTask', field: string, spec: FieldSpec<FieldParent, unknown>): Disposable;
  /** Adds a root field, shown as `<namespace>_<field>` on Query or Mutation. */
  addRootField(type: 'Query' | 'Mutation', field: string, spec: FieldSpec<null, unknown>): Disposable;
}

/** A customer as plugins see it; `name`, `msisdn` and `birthday` need `customers.pii:read`. */
export interface CustomerView {
  id: number;
  regionCode: string;
  tier: string;
  status: string;
  joinedOn: string;
  plan: string;
  paymentType: string;
  contractEndsOn: string | null;
  consent: Record<string, boolean>;
  name?: string;
  msisdn?: string;
  birthday?: string | null;
}

/** Domain services; each method checks the capability it names. */
export interface PluginServices {
  customers: {
    /** `customers:read` (and `customers.pii:read` for PII fields). */
    byIds(ids: readonly number[]): Promise<CustomerView[]>;
    /** `customers:read`: ids of customers of a region subtree whose birthday falls within `days` days. */
    withBirthdayWithin(regionCode: string, days: number): Promise<number[]>;
  };
  tasks: {
    /** `tasks:write`: creates a task once per idempotency key. */
    create(input: { customerId: number; reason: string; tactic?: string; channel?: string; dueAt: Date; script?: string; idempotencyKey: string }): Promise<{ taskId: number; created: boolean }>;
  };
  contacts: {
    /**
     * `contact:send`: hands a message to the channel plugin that registered `channel`. A customer who
     * withdrew consent for the channel is not contacted (status `suppressed`). Once per idempotency key.
     */
    send(input: { channel: string; customerId: number; message: string; idempotencyKey: string }): Promise<{ contactId: number; status: string }>;
  };
}

/** What a channel plugin implements for each channel it contributes. */
export interface ChannelSender {
  /** Delivers one contact; the returned status is stored on the contact. Must be idempotent per contactId. */
  send(contact: { contactId: number; customerId: number; regionCode: string; message: string }): Promise<{ status: 'sent' | 'delivered' | 'failed'; detail?: string }>;
}

export interface PluginChannels {
  /** Implements a channel declared in `contributes.channels`. */
  register(channelId: string, sender: ChannelSender): Disposable;
}

/** What `activate` receives. */
export interface PluginContext<S = Record<string, unknown>> {
  readonly plugin: { id: string; version: string; namespace: string };
  /** Push Disposables here; they are disposed, last first, when the plugin is disabled or the host stops. */
  readonly subscriptions: Disposable[];
  readonly logger: PluginLogger;
  readonly settings: PluginSettings<S>;
  readonly storage: PluginStorage;
  readonly graphql: PluginGraphQL;
  readonly jobs: PluginJobs;
  readonly events: PluginEvents;
  readonly channels: PluginChannels;
  readonly services: PluginServices;
}

/** A plugin module's default export. */
export interface WeixiPlugin<S = Record<string, unknown>> {
  activate(ctx: PluginContext<S>): void | Promise<void>;
  deactivate?(): void | Promise<void>;
}

/** Defines a plugin; use it as the default export of the plugin's entry module. */
export function definePlugin<S = Record<string, unknown>>(plugin: WeixiPlugin<S>): WeixiPlugin<S> {
  if (typeof plugin?.activate !== 'function') throw new TypeError('definePlugin needs an object with an activate(ctx) function');
  return plugin;
}

/** Thrown when a plugin calls a service its manifest did not ask for. */
export class CapabilityError extends Error {
  readonly code = 'CAPABILITY_DENIED';
  constructor(
    readonly pluginId: string,
    readonly capability: Capability,
    readonly operation: string,
  ) {
    super(`plugin '${pluginId}' called ${operation}, which needs capability '${capability}'; add it to "capabilities" in its manifest`);
    this.name = 'CapabilityError';
  }
}
