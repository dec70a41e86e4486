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

import type { PluginWarnings, WarningsRaised } from './warnings.js';
import type { PluginTactics } from './tactics.js';
export * from './warnings.js';
export * from './churn-models.js';
export * from './tactics.js';
export * from './channels.js';
import type { ContactPurpose, ContactStatus, MessageTemplate, PluginChannels } from './channels.js';
export { defineWarningRules } from './warning-rule-plugin.js';
export { defineTactics } from './tactic-plugin.js';
export * from './tactic-settings.js';

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
  | 'warnings:raise'
  | 'models:train'
  | 'contact:send'
  | 'contacts:read'
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
  'warnings:raise',
  'models:train',
  'contact:send',
  'contacts:read',
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
  /**
   * Five-field cron, in each enabled region's time zone, of the rule's run (its job `warnings:<id>`);
   * default `0 7 * * *`. The rule also runs after a usage load for the last complete month.
   */
  schedule?: string;
}

/**
 * A retention tactic (维系招式) the plugin implements with `ctx.tactics.define` (see `tactics.ts`): the
 * planner considers it in every region where the plugin is enabled.
 */
export interface TacticContribution {
  id: string;
  title: string;
  description: string;
  /** Channels the tactic prefers, in order (the definition's `channels` are what the planner uses). */
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

/**
 * A GraphQL type the plugin declares, so its fields can return typed objects and take typed arguments
 * instead of `JSON`. The schema shows it as `<Namespace>_<name>`: the plugin's namespace with its first
 * letter capitalised, as `sms` + `Message` → `Sms_Message` (root fields are `<namespace>_<field>`). Inside
 * the plugin (here and in `FieldSpec`) a type is named without the prefix. Declared in the manifest, so the
 * platform lists and checks it without running code; it is in the schema while the plugin is enabled.
 *
 * @example
 * ```jsonc
 * "graphqlTypes": [
 *   { "kind": "enum", "name": "Status", "description": "Where a message is", "values": { "SENT": {}, "FAILED": { "description": "The gateway refused it" } } },
 *   { "kind": "object", "name": "Message", "description": "One SMS", "fields": {
 *       "text": { "type": "String!" }, "status": { "type": "Status!" }, "parts": { "type": "[Part!]!", "description": "Its segments" } } },
 *   { "kind": "input", "name": "Filter", "description": "Which messages", "fields": { "statuses": { "type": "[Status!]" } } }
 * ]
 * ```
 */
export interface GraphQLTypeContribution {
  /** `object`: a result fields return; `input`: an argument fields take; `enum`: a fixed set of values for either. */
  kind: 'object' | 'input' | 'enum';
  /** PascalCase letters and digits, unique within the plugin, e.g. `Message`. */
  name: string;
  description: string;
  /**
   * Objects and inputs: each field's type, a reference (`String!`, `Status`, `[Part!]!`) to a scalar
   * (`String`, `Int`, `Float`, `Boolean`, `ID`, `Date`, `DateTime`, `JSON`) or to another type of the plugin:
   * objects may hold objects and enums, inputs hold inputs and enums. `!` is non-null; one level of list.
   */
  fields?: Record<string, { type: string; description?: string }>;
  /** Enums: the values, UPPER_SNAKE_CASE; resolvers return and arguments receive the value's name. */
  values?: Record<string, { description?: string }>;
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
    graphqlTypes?: GraphQLTypeContribution[];
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
  /** The warnings one rule run newly raised in a region (one event per run, not per warning). */
  'warning.raised': WarningsRaised;
  /** A region's daily KPI report (每日通报) was stored by the core `kpi-report` job; for delivery to staff. */
  'kpi.report.ready': KpiReportReady;
}

/**
 * The daily KPI report of a province or city, as the `kpi-report` job stored it (07:30 local; also in the
 * API as `kpiReports`). Heard only by plugins enabled in `regionCode`, like every regional event. It carries
 * staff and team figures, no customer data, so no capability is needed to hear it. A rerun of the day
 * replaces the report and emits it again with the same `reportId`: a subscriber delivers once per id (the
 * email channel keeps what it sent in its storage), which also lets a rerun retry a delivery that failed.
 */
export interface KpiReportReady {
  regionCode: string;
  /** The stored report's id, the same for every run of the region's day. */
  reportId: number;
  /** The local day it was made for (`YYYY-MM-DD`); its month-to-date figures run to the day before. */
  day: string;
  /** A subject line, e.g. `维系日报 JS-NJ 2026-11-16`. */
  title: string;
  /** A self-contained HTML page (inline SVG charts, no scripts). */
  html: string;
  /** The same figures as CSV, one row per section and key, with a header row. */
  csv: string;
}

export interface PluginEvents {
  on<E extends keyof DomainEvents>(event: E, handler: (payload: DomainEvents[E]) => void | Promise<void>): Disposable;
}

/** The scalars plugin fields and declared types can use. */
export type ScalarType = 'String' | 'Int' | 'Float' | 'Boolean' | 'ID' | 'Date' | 'DateTime' | 'JSON';

/**
 * What a plugin field returns: a scalar, an object or enum the plugin declares in `contributes.graphqlTypes`
 * (by its own name, `Message`), or a list of either (`[Message!]`: a list of non-null messages). The field
 * itself is always nullable, so a failing plugin nulls only its field: no `!` at the end.
 */
export type FieldType = ScalarType | `[${ScalarType}]` | `[${ScalarType}!]` | (string & {});

/**
 * What an argument takes: a scalar, an input or enum the plugin declares (`Filter`, `Status`), or a list of
 * either (`[Status!]`). `required: true` (or a trailing `!`) makes it non-null.
 */
export type ArgType = ScalarType | (string & {});

/** The request a plugin resolver runs in. */
export interface FieldRequest {
  /** Regions the caller may see (codes); plugin data must stay inside them. */
  regionCodes: readonly string[] | 'all';
  /**
   * Regions where this plugin is enabled, among those the caller sees (codes, every level): the only
   * regions the resolver serves. `services` are confined to them; a root field asked about any other region
   * is refused by the platform before the resolver runs.
   */
  enabledRegionCodes: readonly string[];
  /** The region this field is asked about: the parent's, or a root field's region argument; null: none. */
  regionCode: string | null;
  /**
   * The plugin's services narrowed to the caller: reads return only customers the caller sees, a region
   * outside its scope is refused (FORBIDDEN), and a task or contact for a customer it cannot see is
   * NOT_FOUND. Resolvers use these rather than `ctx.services`, which work for the plugin itself.
   */
  services: PluginServices;
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
  /**
   * The argument of a root field that names the region it is about (default `regionCode`, when the field
   * has one). The platform refuses the call before `resolve` when the region does not exist (NOT_FOUND), is
   * outside the caller's regions, or the plugin is not enabled there (FORBIDDEN), and counts the
   * resolver's failures in that region for the circuit breaker.
   */
  regionArg?: string;
  /**
   * `args` as GraphQL coerced them (declared inputs are plain objects, enums their value names). What it
   * returns must fit `type`; a value that does not (a null where `!` promised one, a string for an `Int`,
   * an unknown enum value) fails the field as the plugin's error, like a throw.
   */
  resolve(parent: Parent, args: Record<string, unknown>, request: FieldRequest): Result | Promise<Result>;
}

export interface PluginGraphQL {
  /** Adds a field declared in `contributes.graphql` to a core type. */
  addField(type: 'Customer' | 'Segment' | 'RetentionTask', field: string, spec: FieldSpec<FieldParent, unknown>): Disposable;
  /** Adds a root field, shown as `<namespace>_<field>` on Query or Mutation. */
  addRootField(type: 'Query' | 'Mutation', field: string, spec: FieldSpec<null, unknown>): Disposable;
}

/** A customer as plugins see it; `name`, `msisdn`, `email` and `birthday` need `customers.pii:read`. */
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
  /** The address in the customer's `email` attribute, null when the BSS export has none. */
  email?: string | null;
  birthday?: string | null;
}

/**
 * A condition over customers and their monthly usage, as JSON: the same shape as a segment definition
 * (the `SegmentCondition` GraphQL input). Exactly one key is set per condition; values are strings parsed
 * by the field's kind (`'2026-03-31'`, `'1200'`, `'true'`). The core validates it and compiles it to one
 * SQL statement, so a warning rule or an eligibility check never loops over customers in JavaScript.
 *
 * @example
 * ```ts
 * // active customers who joined before May and had no active day in the last 2 complete months (沉默客户)
 * const silent: SegmentCondition = { and: [
 *   { field: { field: 'status', op: 'eq', value: 'active' } },
 *   { field: { field: 'joinedOn', op: 'lt', value: '2026-05-01' } },
 *   { metric: { metric: 'activeDays', measure: 'monthsWithoutActivity', months: 2, op: 'gte', value: 2 } },
 * ] };
 * ```
 */
export interface SegmentCondition {
  and?: SegmentCondition[];
  or?: SegmentCondition[];
  not?: SegmentCondition;
  field?: SegmentFieldCondition;
  /** A text comparison on `customers.attributes ->> key`. */
  attribute?: { key: string; op: ComparisonOp; value?: string | null; values?: string[] | null };
  /** The customer lives in the subtree of one of these regions. */
  region?: { codes: string[] };
  tier?: { in: CustomerTier[] };
  metric?: SegmentMetricCondition;
}

/** Value tiers, highest first: 钻/金/银卡 (diamond, gold, silver), 中高端 (mid_high), 普通 (ordinary). */
export type CustomerTier = 'diamond' | 'gold' | 'silver' | 'mid_high' | 'ordinary';

/** `in`/`notIn` take `values`; `isNull`/`isNotNull` take nothing; the rest take `value`. */
export type ComparisonOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'notIn' | 'isNull' | 'isNotNull' | 'startsWith' | 'contains';

/** A customer field compared with a value. `...InDays` and `tenureMonths` count from the evaluation day. */
export interface SegmentFieldCondition {
  field:
    | 'msisdn' | 'name' | 'plan' | 'paymentType' | 'balanceCents' | 'creditLimitCents' | 'points' | 'joinedOn'
    | 'tenureMonths' | 'contractEndsOn' | 'contractEndsInDays' | 'device' | 'birthdayInDays' | 'groupKind'
    | 'isCampus' | 'accountManager' | 'status' | 'churnedOn';
  op: ComparisonOp;
  value?: string | null;
  values?: string[] | null;
}

/**
 * A usage figure over the last `months` complete months before the evaluation month (missing months count
 * as 0): `total`, `average`, `changeRatio` (recent vs the `months` before: -0.3 is a 30% drop), or
 * `monthsWithoutActivity` (trailing months, at most `months`, where the metric is 0).
 */
export interface SegmentMetricCondition {
  metric: UsageMetric;
  measure: 'total' | 'average' | 'changeRatio' | 'monthsWithoutActivity';
  months: number;
  op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';
  value: number;
}

export type UsageMetric = 'revenueCents' | 'voiceMinutes' | 'dataMb' | 'sms' | 'rechargeCents' | 'activeDays' | 'complaints' | 'competitorContacts';

export interface SegmentQueryOptions {
  /**
   * When to evaluate the condition (default now): day-based fields and usage months count from the calendar
   * day of this instant in the region's time zone. Jobs pass `run.scheduledFor`, so a retry sees the same day.
   */
  asOf?: Date;
}

export interface SegmentPageOptions extends SegmentQueryOptions {
  /** Keyset paging: only customers with an id above this one. */
  afterId?: number;
  /** At most this many ids (1 to 10,000); absent: all of them. */
  limit?: number;
}

/** One month of a customer's facts (月度账单/话单汇总). */
export interface UsageMonthView {
  customerId: number;
  /** `YYYY-MM`. */
  month: string;
  revenueCents: number;
  voiceMinutes: number;
  dataMb: number;
  sms: number;
  rechargeCents: number;
  activeDays: number;
  complaints: number;
  competitorContacts: number;
}

/** A calendar day of a region, in its time zone: what "today" means for a region's customers. */
export interface RegionDay {
  regionCode: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** The first instant of the day. */
  start: Date;
  /** The first instant of the next day. */
  end: Date;
}

/** A recorded contact (the outbox of every message any plugin asked the core to send). */
export interface ContactView {
  contactId: number;
  customerId: number;
  /** The customer's region. */
  regionCode: string;
  channel: string;
  /** The plugin that asked for the contact. */
  pluginId: string;
  message: string;
  purpose: ContactPurpose;
  status: ContactStatus;
  detail: string | null;
  /** The provider's code and message id, as the channel reported them. */
  providerCode: string | null;
  providerRef: string | null;
  /** A deferred contact goes through the gate again from this instant. */
  deferredUntil: Date | null;
  /** The contact this one falls back from (the previous preferred channel was undeliverable). */
  fallbackOf: number | null;
  /** The retention task the contact serves, if the sender named one. */
  taskId: number | null;
  createdAt: Date;
}

export interface ContactFilter {
  /** Contacts of customers in this region's subtree. */
  regionCode?: string;
  /** One contact (a receipt or an outcome names it): a list of at most one. */
  contactId?: number;
  customerId?: number;
  channel?: string;
  statuses?: ContactStatus[];
  /** Only contacts recorded at or after this instant. */
  since?: Date;
  /** Newest first, at most this many (default 50, at most 500). */
  limit?: number;
}

/** Domain services; each method checks the capability it names. */
export interface PluginServices {
  customers: {
    /** `customers:read` (and `customers.pii:read` for PII fields). */
    byIds(ids: readonly number[]): Promise<CustomerView[]>;
    /**
     * `customers:read`: ids of active customers of a region subtree whose next birthday falls within `days`
     * days of the region's calendar day at `asOf` (default now): 0 is today only. Feb 29 counts as Feb 28.
     */
    withBirthdayWithin(regionCode: string, days: number, options?: { asOf?: Date }): Promise<number[]>;
    /**
     * `customers:read`: the ids of customers by number (a hall, a reply, a partner names a customer by it),
     * among the caller's customers; a number not found is missing from the map.
     */
    idsByMsisdn(msisdns: readonly string[]): Promise<Map<string, number>>;
  };
  segments: {
    /**
     * `segments:read`: ids (ascending) of the customers in the region's subtree who match `condition`,
     * evaluated set-based in the database. An invalid condition is refused with every problem listed.
     *
     * @example
     * ```ts
     * for (let afterId = 0; ; ) {
     *   const ids = await ctx.services.segments.matching(run.regionCode, condition, { asOf: run.scheduledFor, afterId, limit: 500 });
     *   if (ids.length === 0) break;
     *   afterId = ids.at(-1)!;
     *   // ... act on this batch, idempotently
     * }
     * ```
     */
    matching(regionCode: string, condition: SegmentCondition, options?: SegmentPageOptions): Promise<number[]>;
    /** `segments:read`: how many customers in the region's subtree match `condition`. */
    count(regionCode: string, condition: SegmentCondition, options?: SegmentQueryOptions): Promise<number>;
  };
  usage: {
    /**
     * `usage:read`: the monthly facts of these customers for the months `from`..`to` (`YYYY-MM`, inclusive, at
     * most 36 months), by customer and month. A month without a row for a customer is absent (count it as 0).
     */
    monthly(customerIds: readonly number[], months: { from: string; to: string }): Promise<UsageMonthView[]>;
  };
  regions: {
    /** No capability (the region tree is not customer data): the region's calendar day at `at` (default now). */
    day(regionCode: string, at?: Date): Promise<RegionDay>;
  };
  tasks: {
    /** `tasks:write`: creates a task once per idempotency key. */
    create(input: { customerId: number; reason: string; tactic?: string; channel?: string; dueAt: Date; script?: string; idempotencyKey: string }): Promise<{ taskId: number; created: boolean }>;
  };
  contacts: {
    /**
     * `contact:send`: records the contact in the outbox and hands it to the channel plugin that implements
     * `channel`, after the contact-policy gate: consent for the channel and purpose, do-not-disturb lists, the
     * frequency cap across every tactic and channel, quiet hours and holidays, the port-out rule. A stopped
     * contact is `suppressed` (its reason in `detail`), one in quiet hours `deferred` until they end.
     * `channel` may list channels in preference order: when one is undeliverable (`failed`, `rejected`, now or
     * on a later receipt), the next is tried, through the gate again.
     * Once per plugin, customer and idempotency key: `created` is false when the key was already used, and
     * `status` is then the first contact's. A channel that throws leaves the contact `queued`; the platform
     * retries it with backoff, as it does a contact whose sender crashed before the channel answered.
     */
    send(input: {
      channel: string | readonly string[];
      customerId: number;
      /** The text, or a template in several languages with its variables. */
      message: string | MessageTemplate;
      /** Default `marketing`. */
      purpose?: ContactPurpose;
      /** The retention task the contact serves. */
      taskId?: number;
      idempotencyKey: string;
    }): Promise<{ contactId: number; status: ContactStatus; created: boolean }>;
    /**
     * `contacts:read`: recorded contacts, newest first, filtered. A channel uses it for frequency limits, a
     * tactic for its cooldown, both to show what went out.
     */
    list(filter: ContactFilter): Promise<ContactView[]>;
  };
}

/** What `activate` receives. */
export interface PluginContext<S = Record<string, unknown>> {
  /**
   * Who the plugin is: its id, version, GraphQL namespace, and its manifest as validated (a frozen copy, as
   * VS Code's `extension.packageJSON`), for code that adapts to what it declares.
   */
  readonly plugin: { id: string; version: string; namespace: string; manifest: Readonly<PluginManifest> };
  /** Push Disposables here; they are disposed, last first, when the plugin is disabled or the host stops. */
  readonly subscriptions: Disposable[];
  readonly logger: PluginLogger;
  readonly settings: PluginSettings<S>;
  readonly storage: PluginStorage;
  readonly graphql: PluginGraphQL;
  readonly jobs: PluginJobs;
  readonly events: PluginEvents;
  readonly channels: PluginChannels;
  /** Churn-warning rules (流失预警) as data the core compiles to SQL; see `warnings.ts`. */
  readonly warnings: PluginWarnings<S>;
  /** Retention tactics (维系招式) as data the planner evaluates set-based; see `tactics.ts`. */
  readonly tactics: PluginTactics<S>;
  readonly services: PluginServices;
}

/** A plugin module's default export. */
export interface WeixiPlugin<S = Record<string, unknown>> {
  activate(ctx: PluginContext<S>): void | Promise<void>;
  deactivate?(): void | Promise<void>;
  /**
   * Run once per stored settings level (global and each region that set any) when this version replaces
   * `fromVersion` through an upgrade, before it activates; all levels change in one transaction, and an
   * upgrade that fails to activate restores them. `settings` holds only the keys set at that level; return
   * them in this version's shape (they are checked against its settings schema). Pure: no `ctx` here.
   *
   * @example
   * ```ts
   * migrateSettings: (fromVersion, { greeting, ...rest }) => (greeting === undefined ? rest : { ...rest, salutation: greeting }),
   * ```
   */
  migrateSettings?(fromVersion: string, settings: Record<string, unknown>): Record<string, unknown>;
}

/** Defines a plugin; use it as the default export of the plugin's entry module. */
export function definePlugin<S = Record<string, unknown>>(plugin: WeixiPlugin<S>): WeixiPlugin<S> {
  if (typeof plugin?.activate !== 'function') throw new TypeError('definePlugin needs an object with an activate(ctx) function');
  return plugin;
}

/**
 * Thrown by a resolver when the caller's input is wrong: the client gets `BAD_USER_INPUT` with the message
 * and the issue's path (an argument name such as `days`), and it does not count against the plugin's health.
 *
 * @example
 * ```ts
 * if (days < 1 || days > 31) throw new PluginInputError(`must be 1 to 31, got ${days}`, { path: 'days' });
 * ```
 */
export class PluginInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  constructor(message: string, options: { path?: string } = {}) {
    super(options.path ? `${options.path}: ${message}` : message);
    this.name = 'PluginInputError';
    this.issues = [{ path: options.path ?? '', message }];
  }
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
