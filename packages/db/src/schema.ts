/**
 * The Weixi relational model. Money is in cents (integers), months are the first day of the month (`date`),
 * times are `timestamptz`. Check constraints keep bad rows out even when a caller skips validation.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  foreignKey,
  type AnyPgColumn,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const day = (name: string) => date(name, { mode: 'string' });

export const REGION_LEVELS = ['province', 'city', 'district', 'grid'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** The region tree (province → city → district or grid). `path` is `/JS/JS-NJ/` style, for subtree scans. */
export const regions = pgTable(
  'regions',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    parentId: integer('parent_id'),
    level: text('level', { enum: REGION_LEVELS }).notNull(),
    timeZone: text('time_zone').notNull(),
    path: text('path').notNull().unique(),
  },
  (t) => [
    foreignKey({ columns: [t.parentId], foreignColumns: [t.id] }),
    index('regions_parent_idx').on(t.parentId),
    index('regions_path_pattern_idx').using('btree', sql`${t.path} text_pattern_ops`),
    check('regions_level_check', sql`${t.level} in ('province', 'city', 'district', 'grid')`),
  ],
);

export const CUSTOMER_STATUSES = ['active', 'suspended', 'churned'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];
export const PAYMENT_TYPES = ['prepaid', 'postpaid'] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];
export const GROUP_KINDS = ['household', 'enterprise'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
/** 钻/金/银卡, 中高端, 普通: the value tiers, highest first. */
export const TIERS = ['diamond', 'gold', 'silver', 'mid_high', 'ordinary'] as const;
export type Tier = (typeof TIERS)[number];

/** A subscriber. `tier` and `valueRankPct` are materialised by the tier refresh, not written by callers. */
export const customers = pgTable(
  'customers',
  {
    id: serial('id').primaryKey(),
    msisdn: text('msisdn').notNull().unique(),
    name: text('name').notNull(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id),
    joinedOn: day('joined_on').notNull(),
    plan: text('plan').notNull(),
    paymentType: text('payment_type', { enum: PAYMENT_TYPES }).notNull(),
    balanceCents: integer('balance_cents').notNull().default(0),
    creditLimitCents: integer('credit_limit_cents').notNull().default(0),
    points: integer('points').notNull().default(0),
    contractEndsOn: day('contract_ends_on'),
    device: text('device'),
    birthday: day('birthday'),
    groupId: text('group_id'),
    groupKind: text('group_kind', { enum: GROUP_KINDS }),
    isCampus: boolean('is_campus').notNull().default(false),
    accountManager: text('account_manager'),
    /** Consent per channel id (`sms`, `call`, `app`, `email`, ...): true = may contact. */
    consent: jsonb('consent').$type<Record<string, boolean>>().notNull().default({}),
    status: text('status', { enum: CUSTOMER_STATUSES }).notNull().default('active'),
    churnedOn: day('churned_on'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    tier: text('tier', { enum: TIERS }).notNull().default('ordinary'),
    /** Share of the province's customers ranked above this one by revenue (0 = top). */
    valueRankPct: real('value_rank_pct'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('customers_region_idx').on(t.regionId, t.id),
    index('customers_status_idx').on(t.status),
    index('customers_tier_idx').on(t.tier, t.id),
    index('customers_contract_ends_idx').on(t.contractEndsOn),
    index('customers_group_idx').on(t.groupId),
    index('customers_joined_idx').on(t.joinedOn, t.id),
    index('customers_name_idx').on(t.name, t.id),
    check('customers_status_check', sql`${t.status} in ('active', 'suspended', 'churned')`),
    check('customers_churned_on_check', sql`(${t.status} = 'churned') = (${t.churnedOn} is not null)`),
    check('customers_payment_type_check', sql`${t.paymentType} in ('prepaid', 'postpaid')`),
    check('customers_group_check', sql`(${t.groupId} is null) = (${t.groupKind} is null)`),
    check('customers_credit_limit_check', sql`${t.creditLimitCents} >= 0`),
    check('customers_points_check', sql`${t.points} >= 0`),
  ],
);

/** Monthly facts per subscriber; `month` is the first day of the month. One row per customer and month. */
export const monthlyUsage = pgTable(
  'monthly_usage',
  {
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    month: day('month').notNull(),
    revenueCents: integer('revenue_cents').notNull().default(0),
    voiceMinutes: integer('voice_minutes').notNull().default(0),
    dataMb: integer('data_mb').notNull().default(0),
    sms: integer('sms').notNull().default(0),
    rechargeCents: integer('recharge_cents').notNull().default(0),
    activeDays: smallint('active_days').notNull().default(0),
    complaints: integer('complaints').notNull().default(0),
    competitorContacts: integer('competitor_contacts').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.month] }),
    index('monthly_usage_month_idx').on(t.month),
    check('monthly_usage_month_check', sql`extract(day from ${t.month}) = 1`),
    check(
      'monthly_usage_nonnegative_check',
      sql`${t.revenueCents} >= 0 and ${t.voiceMinutes} >= 0 and ${t.dataMb} >= 0 and ${t.sms} >= 0
        and ${t.rechargeCents} >= 0 and ${t.complaints} >= 0 and ${t.competitorContacts} >= 0`,
    ),
    check('monthly_usage_active_days_check', sql`${t.activeDays} between 0 and 31`),
  ],
);

/** Things that happened to a customer (port-out inquiry, complaint, plan change, ...), as reported by integrators. */
export const customerEvents = pgTable(
  'customer_events',
  {
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    /** Lets an integrator resend a batch without duplicating events; unique per customer. */
    idempotencyKey: text('idempotency_key'),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('customer_events_idempotency_idx').on(t.customerId, t.idempotencyKey),
    index('customer_events_customer_idx').on(t.customerId, t.occurredAt),
    index('customer_events_type_idx').on(t.type, t.occurredAt),
  ],
);

/**
 * A dynamic segment: a typed definition compiled to SQL. `version` grows on every definition change.
 * `region_id` is its owner: null for a national segment (created by admins), else the region whose
 * operators manage it; a refresh then only admits customers in that region's subtree.
 */
export const segments = pgTable('segments', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  regionId: integer('region_id').references(() => regions.id, { onDelete: 'restrict' }),
  definition: jsonb('definition').$type<unknown>().notNull(),
  version: integer('version').notNull().default(1),
  /** The definition version the current membership was computed from (null: never refreshed). */
  refreshedVersion: integer('refreshed_version'),
  refreshedAt: ts('refreshed_at'),
  memberCount: integer('member_count').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Membership history: a row per stay in a segment; the open stay has `left_at` null. */
export const segmentMemberships = pgTable(
  'segment_memberships',
  {
    id: serial('id').primaryKey(),
    segmentId: integer('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    enteredAt: ts('entered_at').notNull(),
    leftAt: ts('left_at'),
  },
  (t) => [
    uniqueIndex('segment_memberships_current_idx')
      .on(t.segmentId, t.customerId)
      .where(sql`${t.leftAt} is null`),
    index('segment_memberships_customer_idx').on(t.customerId).where(sql`${t.leftAt} is null`),
  ],
);

export const TASK_STATES = ['open', 'assigned', 'in_progress', 'done', 'cancelled', 'expired'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TASK_OUTCOMES = [
  'retained',
  'declined',
  'unreachable',
  'wrong_number',
  'callback_requested',
  'not_eligible',
] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** A retention work order (派单): who to contact, why, with which tactic and channel, by when. */
export const retentionTasks = pgTable(
  'retention_tasks',
  {
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /**
     * The customer's region, copied and kept equal by the database (migration 0024): region scope tests the
     * task's own row. Never null in the database; optional here because a trigger sets it on every insert.
     */
    regionId: integer('region_id'),
    reason: text('reason').notNull(),
    tactic: text('tactic'),
    channel: text('channel'),
    assignee: text('assignee'),
    state: text('state', { enum: TASK_STATES }).notNull().default('open'),
    outcome: text('outcome', { enum: TASK_OUTCOMES }),
    dueAt: ts('due_at').notNull(),
    script: text('script'),
    /** Unique per customer: a replayed create returns the first task, and no other region's key collides. */
    idempotencyKey: text('idempotency_key'),
    attemptCount: integer('attempt_count').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    closedAt: ts('closed_at'),
    // Written by dispatch control (packages/dispatch, migration 0014).
    /** The team the task was dispatched to (its lead takes escalations). */
    teamId: integer('team_id').references((): AnyPgColumn => teams.id, { onDelete: 'set null' }),
    /** When dispatch routed it; null: not yet dispatched. Counts against the agent's capacity that day. */
    dispatchedAt: ts('dispatched_at'),
    /** The tier's SLA deadline (never after `dueAt`); past it, the task is escalated to the team lead. */
    slaDueAt: ts('sla_due_at'),
    /** Not before: the next contact window after an unreachable attempt. */
    nextAttemptAt: ts('next_attempt_at'),
    escalatedAt: ts('escalated_at'),
    // Written by the planner (packages/planner, migration 0015).
    /** The plugin of `tactic` (`tactic` is `<pluginId>/<tacticId>`). */
    pluginId: text('plugin_id'),
    /** The offer made: title, cost and the benefit granted on success. */
    offer: jsonb('offer').$type<TaskOffer>(),
    /** What each outcome triggers (the tactic's `outcomes` when planned). */
    outcomes: jsonb('outcomes').$type<Record<string, unknown[]>>(),
    costCents: integer('cost_cents'),
    /** The open warnings the task answers (closed by a `closeWarnings` outcome). */
    warningIds: integer('warning_ids').array(),
    // Not a foreign key: deleting planner runs clears it by a statement-level trigger (migration 0016).
    plannerRunId: integer('planner_run_id'),
    /** Skills an agent needs to work it (migration 0018): dispatch gives it only to an agent having them all. */
    requiredSkills: text('required_skills').array().notNull().default(sql`'{}'`),
  },
  (t) => [
    uniqueIndex('retention_tasks_idempotency_idx').on(t.customerId, t.idempotencyKey),
    index('retention_tasks_customer_idx').on(t.customerId, t.id),
    index('retention_tasks_region_due_idx').on(t.regionId, t.dueAt, t.id),
    index('retention_tasks_due_idx').on(t.dueAt, t.id),
    index('retention_tasks_assignee_due_idx').on(t.assignee, t.dueAt, t.id),
    index('retention_tasks_state_due_idx').on(t.state, t.dueAt),
    index('retention_tasks_assignee_idx').on(t.assignee, t.state),
    index('retention_tasks_dispatched_idx').on(t.assignee, t.dispatchedAt),
    index('retention_tasks_tactic_idx').on(t.tactic, t.createdAt),
    index('retention_tasks_open_undispatched_idx').on(t.customerId).where(sql`${t.state} = 'open' and ${t.dispatchedAt} is null`),
    index('retention_tasks_planner_run_idx').on(t.plannerRunId).where(sql`${t.plannerRunId} is not null`),
    check(
      'retention_tasks_state_check',
      sql`${t.state} in ('open', 'assigned', 'in_progress', 'done', 'cancelled', 'expired')`,
    ),
    check('retention_tasks_outcome_check', sql`(${t.state} = 'done') = (${t.outcome} is not null)`),
    check('retention_tasks_assignee_check', sql`${t.state} not in ('assigned', 'in_progress') or ${t.assignee} is not null`),
  ],
);

/** What dispatch control did in a transition: routed, escalated, re-dispatched, handed to the account manager, reopened, expired. */
export const TRANSITION_KINDS = ['dispatch', 'escalation', 'redispatch', 'handoff', 'reopen', 'expiry'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];
/** A contact attempt's disposition code; the middle three mean the customer was not reached. */
export const DISPOSITIONS = ['reached', 'no_answer', 'powered_off', 'suspended', 'refused', 'promised', 'accepted'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Every state change of a task, in order: the audit trail that dispatch control reads. */
export const taskTransitions = pgTable(
  'task_transitions',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => retentionTasks.id, { onDelete: 'cascade' }),
    fromState: text('from_state', { enum: TASK_STATES }),
    toState: text('to_state', { enum: TASK_STATES }).notNull(),
    at: ts('at').notNull(),
    actor: text('actor'),
    note: text('note'),
    /** What dispatch control did (null: a plain state change). */
    kind: text('kind', { enum: TRANSITION_KINDS }),
  },
  (t) => [
    index('task_transitions_task_idx').on(t.taskId, t.id),
    check('task_transitions_kind_check', sql`${t.kind} in ('dispatch', 'escalation', 'redispatch', 'handoff', 'reopen', 'expiry')`),
  ],
);

/** Each contact attempt made for a task, with its result. */
export const taskAttempts = pgTable(
  'task_attempts',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => retentionTasks.id, { onDelete: 'cascade' }),
    attemptedAt: ts('attempted_at').notNull(),
    channel: text('channel'),
    outcome: text('outcome', { enum: TASK_OUTCOMES }).notNull(),
    note: text('note'),
    actor: text('actor'),
    /** What happened on the line (dispatch control); null for attempts recorded with an outcome only. */
    disposition: text('disposition', { enum: DISPOSITIONS }),
  },
  (t) => [
    index('task_attempts_task_idx').on(t.taskId, t.id),
    check('task_attempts_disposition_check', sql`${t.disposition} in ('reached', 'no_answer', 'powered_off', 'suspended', 'refused', 'promised', 'accepted')`),
  ],
);

// ---------------------------------------------------------------------------------------------------
// Plugins: installation is global (code on disk); enablement, settings, storage and health are per region.
// `region_id` null means the global level, which every region inherits from.
// ---------------------------------------------------------------------------------------------------

/** Enablement and settings of a plugin at one level (global or a region); unset values inherit. */
export const pluginConfigs = pgTable(
  'plugin_configs',
  {
    id: serial('id').primaryKey(),
    pluginId: text('plugin_id').notNull(),
    regionId: integer('region_id').references(() => regions.id, { onDelete: 'cascade' }),
    /** null: inherit from the parent level (the global default is disabled). */
    enabled: boolean('enabled'),
    /** Only the keys set at this level; resolution merges them over the parent's. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plugin_configs_scope_idx').on(t.pluginId, sql`coalesce(${t.regionId}, 0)`)],
);

/** Key-value storage private to a plugin, per region. */
export const pluginStorage = pgTable(
  'plugin_storage',
  {
    id: serial('id').primaryKey(),
    pluginId: text('plugin_id').notNull(),
    regionId: integer('region_id').references(() => regions.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plugin_storage_key_idx').on(t.pluginId, sql`coalesce(${t.regionId}, 0)`, t.key)],
);

/** Plugins installed from a private npm registry into the plugin store (migration 0022), one version each. */
export const installedPlugins = pgTable('installed_plugins', {
  pluginId: text('plugin_id').primaryKey(),
  packageName: text('package_name').notNull().unique(),
  version: text('version').notNull(),
  /** The version before the last upgrade. */
  previousVersion: text('previous_version'),
  /** The tarball's `dist.integrity` (sha512 SRI) checked at install; every process checks its copy against it. */
  integrity: text('integrity').notNull(),
  registry: text('registry').notNull(),
  publisher: text('publisher'),
  keyId: text('key_id'),
  signatureState: text('signature_state', { enum: ['verified', 'unsigned', 'unknown_publisher', 'bad_signature'] }).notNull(),
  installedBy: text('installed_by').notNull(),
  installedAt: ts('installed_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Publishers whose ed25519 keys may sign plugins installed here (the allow-list). */
export const trustedPublishers = pgTable('trusted_publishers', {
  keyId: text('key_id').primaryKey(),
  publisher: text('publisher').notNull(),
  /** SPKI PEM. */
  publicKey: text('public_key').notNull(),
  addedBy: text('added_by').notNull(),
  addedAt: ts('added_at').notNull().defaultNow(),
});

/** Failure counts per plugin and region; the circuit breaker trips a plugin off where it keeps failing. */
export const pluginHealth = pgTable(
  'plugin_health',
  {
    id: serial('id').primaryKey(),
    pluginId: text('plugin_id').notNull(),
    regionId: integer('region_id').references(() => regions.id, { onDelete: 'cascade' }),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastError: text('last_error'),
    lastFailureAt: ts('last_failure_at'),
    /** Set when the breaker switched the plugin off here; cleared when an operator enables it again. */
    trippedAt: ts('tripped_at'),
  },
  (t) => [uniqueIndex('plugin_health_scope_idx').on(t.pluginId, sql`coalesce(${t.regionId}, 0)`)],
);

// ---------------------------------------------------------------------------------------------------
// Jobs: one table is the queue and the run history. A run is claimed with a lease that its worker renews;
// a scheduled slot is unique, so many instances enqueue it once.
// ---------------------------------------------------------------------------------------------------

export const JOB_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

export const jobRuns = pgTable(
  'job_runs',
  {
    id: serial('id').primaryKey(),
    pluginId: text('plugin_id').notNull(),
    jobId: text('job_id').notNull(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    /** The cron slot (or request time) this run is for; unique per job and region for scheduled runs. */
    scheduledFor: ts('scheduled_for').notNull(),
    status: text('status', { enum: JOB_RUN_STATUSES }).notNull().default('queued'),
    attempt: integer('attempt').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    /** Not before this time (backoff after a failed attempt). */
    runAfter: ts('run_after').notNull(),
    progress: real('progress').notNull().default(0),
    progressMessage: text('progress_message'),
    error: text('error'),
    workerId: text('worker_id'),
    /** A running run whose lease passed is taken over by another worker. */
    leaseUntil: ts('lease_until'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('job_runs_slot_idx').on(t.pluginId, t.jobId, t.regionId, t.scheduledFor).where(sql`${t.trigger} = 'schedule'`),
    index('job_runs_claim_idx').on(t.status, t.runAfter),
    index('job_runs_job_idx').on(t.pluginId, t.jobId, t.regionId, t.id),
    check('job_runs_status_check', sql`${t.status} in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
    check('job_runs_progress_check', sql`${t.progress} between 0 and 1`),
  ],
);

/** A job's schedule state per region: paused, and the last slot enqueued (to run a missed slot once). */
export const jobSchedules = pgTable(
  'job_schedules',
  {
    pluginId: text('plugin_id').notNull(),
    jobId: text('job_id').notNull(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
    paused: boolean('paused').notNull().default(false),
    lastSlot: ts('last_slot'),
  },
  (t) => [primaryKey({ columns: [t.pluginId, t.jobId, t.regionId] })],
);

export const CONTACT_STATUSES = ['queued', 'deferred', 'suppressed', 'sent', 'delivered', 'failed', 'rejected'] as const;
export const CONTACT_PURPOSES = ['service', 'marketing'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/**
 * Every contact a plugin asked for, through which channel, and what became of it: the outbox. A `queued`
 * row is delivered under a lease and retried with backoff until the channel answers (see core's contacts).
 */
export const contacts = pgTable(
  'contacts',
  {
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    /** The plugin that asked for the contact. */
    pluginId: text('plugin_id').notNull(),
    message: text('message').notNull(),
    purpose: text('purpose', { enum: CONTACT_PURPOSES }).notNull().default('marketing'),
    language: text('language'),
    subject: text('subject'),
    /** The retention task the contact serves. */
    taskId: integer('task_id'),
    status: text('status', { enum: CONTACT_STATUSES }).notNull().default('queued'),
    detail: text('detail'),
    providerCode: text('provider_code'),
    /** The provider's id for the message, which its receipts quote. */
    providerRef: text('provider_ref'),
    /** A human channel's disposition (`no_answer`, `accepted`, ...). */
    disposition: text('disposition'),
    /** Channels still to try, in order, when this one is undeliverable. */
    fallbackChannels: text('fallback_channels').array().notNull().default(sql`'{}'`),
    /** The contact this one falls back from. */
    fallbackOf: integer('fallback_of'),
    deferredUntil: ts('deferred_until'),
    /** When the contact-policy gate let it through: what the frequency cap counts. */
    gatedAt: ts('gated_at'),
    /** Unique per plugin and customer. */
    idempotencyKey: text('idempotency_key').notNull(),
    /** Channel calls made so far. */
    attempts: integer('attempts').notNull().default(0),
    /** A queued contact is (re)delivered from this time on. */
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** Set while a process delivers the contact; a lapsed lease (a crashed sender) lets another take it. */
    leaseUntil: ts('lease_until'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contacts_idempotency_idx').on(t.pluginId, t.customerId, t.idempotencyKey),
    index('contacts_customer_idx').on(t.customerId, t.id),
    index('contacts_channel_idx').on(t.channel, t.status),
    index('contacts_outbox_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'deferred')`),
    index('contacts_provider_ref_idx').on(t.channel, t.providerRef).where(sql`${t.providerRef} is not null`),
    index('contacts_gated_idx').on(t.customerId, t.gatedAt).where(sql`${t.gatedAt} is not null`),
    check('contacts_purpose_check', sql`${t.purpose} in ('service', 'marketing')`),
    check('contacts_status_check', sql`${t.status} in ('queued', 'deferred', 'suppressed', 'sent', 'delivered', 'failed', 'rejected')`),
  ],
);

/** Consent per channel (`*` = every channel) and purpose, as the customer last expressed it (newest wins). */
export const contactConsents = pgTable(
  'contact_consents',
  {
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    purpose: text('purpose', { enum: CONTACT_PURPOSES }).notNull(),
    granted: boolean('granted').notNull(),
    source: text('source').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'contact_consents_pk', columns: [t.customerId, t.channel, t.purpose] }), check('contact_consents_purpose_check', sql`${t.purpose} in ('service', 'marketing')`)],
);

/** Do-not-disturb numbers (免打扰): no marketing reaches them. */
export const doNotDisturb = pgTable('do_not_disturb', {
  msisdn: text('msisdn').primaryKey(),
  reason: text('reason').notNull(),
  source: text('source').notNull(),
  addedAt: ts('added_at').notNull().defaultNow(),
  expiresAt: ts('expires_at'),
});

/** A region's contact policy: only what it sets; the rest is inherited (see packages/contact-policy). */
export const contactPolicies = pgTable('contact_policies', {
  regionId: integer('region_id')
    .primaryKey()
    .references(() => regions.id, { onDelete: 'cascade' }),
  policy: jsonb('policy').$type<Record<string, unknown>>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const CONTACT_DECISIONS = ['sent', 'deferred', 'suppressed'] as const;

/** Every decision of the contact-policy gate, with its rule and reason. */
export const contactDecisions = pgTable(
  'contact_decisions',
  {
    id: serial('id').primaryKey(),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    customerId: integer('customer_id').notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    decision: text('decision', { enum: CONTACT_DECISIONS }).notNull(),
    rule: text('rule'),
    reason: text('reason'),
    until: ts('until'),
    decidedAt: ts('decided_at').notNull().defaultNow(),
  },
  (t) => [
    index('contact_decisions_customer_idx').on(t.customerId, t.id),
    index('contact_decisions_contact_idx').on(t.contactId),
    check('contact_decisions_decision_check', sql`${t.decision} in ('sent', 'deferred', 'suppressed')`),
  ],
);

// ---------------------------------------------------------------------------------------------------
// Access: API keys (stored hashed) and the audit log of every mutation.
// ---------------------------------------------------------------------------------------------------

export const ROLES = ['admin', 'operator', 'agent', 'integrator'] as const;
export type Role = (typeof ROLES)[number];

/** An API key: only its public prefix and the SHA-256 of its secret are stored; the key is shown once. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: serial('id').primaryKey(),
    /** Public, unique part of the key (`wx_<prefix>_<secret>`), used to find the row. */
    prefix: text('prefix').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    name: text('name'),
    role: text('role', { enum: ROLES }).notNull(),
    /** Region codes whose subtrees the key may see (operators; empty for admins). */
    regionCodes: jsonb('region_codes').$type<string[]>().notNull().default([]),
    /** The agent whose tasks an agent key may see. */
    agentId: text('agent_id'),
    /** Integrator scopes, e.g. `read`, `ingest`. */
    scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [check('api_keys_role_check', sql`${t.role} in ('admin', 'operator', 'agent', 'integrator')`)],
);

/** Revoked JWTs: one token by its `jti`, or every token of a subject issued up to `revokedAt`. */
export const jwtRevocations = pgTable(
  'jwt_revocations',
  {
    kind: text('kind', { enum: ['jti', 'subject'] }).notNull(),
    value: text('value').notNull(),
    revokedAt: ts('revoked_at').notNull(),
    /** The actor who revoked it (`key:<prefix>`, `jwt:<sub>`, `system`). */
    revokedBy: text('revoked_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.value] }), check('jwt_revocations_kind_check', sql`${t.kind} in ('jti', 'subject')`)],
);

/** Append-only record of every mutation: who, what, which objects, which plugin, when. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    at: ts('at').notNull().defaultNow(),
    /** `key:<prefix>`, `jwt:<subject>` or `system`. */
    actor: text('actor').notNull(),
    role: text('role'),
    operation: text('operation').notNull(),
    /** Global ids or natural keys of the objects touched. */
    objects: jsonb('objects').$type<string[]>().notNull().default([]),
    pluginId: text('plugin_id'),
    outcome: text('outcome', { enum: ['ok', 'error'] }).notNull(),
    detail: text('detail'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actor, t.at),
    // `auditLog(filter: { objectId })` asks "who touched this object": objects @> '["Customer:42"]'.
    index('audit_log_objects_idx').using('gin', t.objects),
  ],
);

export const WARNING_STATUSES = ['open', 'acknowledged', 'resolved', 'expired'] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];
export const WARNING_LEVELS = ['low', 'medium', 'high'] as const;

/**
 * A churn warning (流失预警) a rule raised for a customer. At most one open or acknowledged warning per
 * customer and rule (partial unique index): a rerun refreshes it, a run where the condition no longer
 * holds resolves it. `region_id` is the customer's region when last seen.
 */
export const warnings = pgTable(
  'warnings',
  {
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    pluginId: text('plugin_id').notNull(),
    ruleId: text('rule_id').notNull(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id),
    level: text('level', { enum: WARNING_LEVELS }).notNull(),
    /** 0 to 100. */
    score: real('score').notNull(),
    reason: text('reason').notNull(),
    evidence: jsonb('evidence').$type<Record<string, number | null>>().notNull().default({}),
    status: text('status', { enum: WARNING_STATUSES }).notNull().default('open'),
    /** `YYYY-MM-01` of the last complete month the raising run counted. */
    asOfMonth: day('as_of_month').notNull(),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    raisedByRun: integer('raised_by_run').references(() => jobRuns.id, { onDelete: 'set null' }),
    acknowledgedAt: ts('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: ts('resolved_at'),
    resolvedBy: text('resolved_by'),
    note: text('note'),
    /** A model's warning: the top factors of its score (feature, value, log-odds contribution). */
    factors: jsonb('factors').$type<Array<{ feature: string; value: number; contribution: number }>>(),
  },
  (t) => [
    uniqueIndex('warnings_one_live_idx').on(t.customerId, t.pluginId, t.ruleId).where(sql`${t.status} in ('open', 'acknowledged')`),
    index('warnings_rule_region_idx').on(t.pluginId, t.ruleId, t.regionId).where(sql`${t.status} in ('open', 'acknowledged')`),
    index('warnings_region_idx').on(t.regionId, t.id),
    index('warnings_customer_idx').on(t.customerId, t.id),
    check('warnings_status_check', sql`${t.status} in ('open', 'acknowledged', 'resolved', 'expired')`),
    check('warnings_level_check', sql`${t.level} in ('low', 'medium', 'high')`),
    check('warnings_score_check', sql`${t.score} between 0 and 100`),
    check('warnings_resolved_check', sql`(${t.status} in ('resolved', 'expired')) = (${t.resolvedAt} is not null)`),
  ],
);

/**
 * Churn models (流失模型), versioned per region and model rule: what a plugin's `defineModel` trained on the
 * region subtree's customers with known outcomes. `parameters` is the plugin's JSON, opaque to the core.
 */
export const churnModels = pgTable(
  'churn_models',
  {
    id: serial('id').primaryKey(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
    pluginId: text('plugin_id').notNull(),
    ruleId: text('rule_id').notNull(),
    version: integer('version').notNull(),
    kind: text('kind').notNull(),
    label: text('label').notNull(),
    features: jsonb('features').$type<string[]>().notNull(),
    parameters: jsonb('parameters').$type<unknown>().notNull(),
    metrics: jsonb('metrics').$type<Record<string, unknown>>().notNull(),
    asOfMonth: day('as_of_month').notNull(),
    horizonMonths: integer('horizon_months').notNull(),
    trainingRows: integer('training_rows').notNull(),
    positives: integer('positives').notNull(),
    trainedAt: ts('trained_at').notNull(),
  },
  (t) => [
    uniqueIndex('churn_models_version_idx').on(t.regionId, t.pluginId, t.ruleId, t.version),
    check('churn_models_version_check', sql`${t.version} >= 1`),
    check('churn_models_rows_check', sql`${t.positives} between 0 and ${t.trainingRows}`),
  ],
);

// ---------------------------------------------------------------------------------------------------
// Dispatch control (派单管控, packages/dispatch, migration 0014): teams and agents, rules per region, audits.
// ---------------------------------------------------------------------------------------------------

export const TEAM_KINDS = ['account_managers', 'call_center', 'automated'] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

/** A team of a region: account managers (客户经理), a call-center queue (外呼), or an automated channel. */
export const teams = pgTable(
  'teams',
  {
    id: serial('id').primaryKey(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: TEAM_KINDS }).notNull(),
    /** Takes escalations and, for account managers, customers whose own manager is not an active agent. */
    leadAgentId: text('lead_agent_id'),
    skills: text('skills').array().notNull().default(sql`'{}'`),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('teams_region_name_idx').on(t.regionId, t.name),
    check('teams_kind_check', sql`${t.kind} in ('account_managers', 'call_center', 'automated')`),
  ],
);

/** An agent: the id its agent key names and `retention_tasks.assignee` holds. */
export const agents = pgTable(
  'agents',
  {
    agentId: text('agent_id').primaryKey(),
    name: text('name').notNull(),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** The team's region. */
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
    /** Tasks dispatch may give it per local day. */
    capacityPerDay: integer('capacity_per_day').notNull().default(40),
    skills: text('skills').array().notNull().default(sql`'{}'`),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('agents_team_idx').on(t.teamId, t.agentId),
    index('agents_region_idx').on(t.regionId, t.agentId),
    check('agents_capacity_check', sql`${t.capacityPerDay} >= 0`),
  ],
);

/** Dispatch rules set at one region; unset keys inherit from the ancestors, then the defaults. */
export const dispatchRules = pgTable('dispatch_rules', {
  regionId: integer('region_id')
    .primaryKey()
    .references(() => regions.id, { onDelete: 'cascade' }),
  rules: jsonb('rules').$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const AUDIT_STATUSES = ['pending', 'passed', 'failed'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** A quality audit (回访抽检): a done task drawn for a callback check; a failed check reopens the task. */
export const taskAudits = pgTable(
  'task_audits',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => retentionTasks.id, { onDelete: 'cascade' }),
    /** Who did the task. */
    agentId: text('agent_id'),
    /** The closing drawn: one audit per time the task is done. */
    taskClosedAt: ts('task_closed_at').notNull(),
    status: text('status', { enum: AUDIT_STATUSES }).notNull().default('pending'),
    drawnAt: ts('drawn_at').notNull(),
    drawnBy: text('drawn_by'),
    checkedAt: ts('checked_at'),
    checkedBy: text('checked_by'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('task_audits_task_closing_idx').on(t.taskId, t.taskClosedAt),
    index('task_audits_task_idx').on(t.taskId, t.id),
    check('task_audits_status_check', sql`${t.status} in ('pending', 'passed', 'failed')`),
    check('task_audits_checked_check', sql`(${t.status} = 'pending') = (${t.checkedAt} is null)`),
  ],
);

// ---------------------------------------------------------------------------------------------------
// Next-best-action arbitration (packages/planner, migration 0015): runs, decisions, benefit grants.
// ---------------------------------------------------------------------------------------------------

/** The offer a planned task carries. */
export interface TaskOffer {
  title: string;
  costCents: number;
  benefit: { kind: string; valueCents: number; description: string };
}

export const PLANNER_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;

/** A planner run over one city: what it considered, found eligible, chose and created. */
export const plannerRuns = pgTable(
  'planner_runs',
  {
    id: serial('id').primaryKey(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
    jobRunId: integer('job_run_id').references(() => jobRuns.id, { onDelete: 'set null' }),
    /** The planned day in the region (the idempotency window). */
    day: day('day').notNull(),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at'),
    status: text('status', { enum: PLANNER_RUN_STATUSES }).notNull().default('running'),
    tactics: integer('tactics').notNull().default(0),
    considered: integer('considered').notNull().default(0),
    eligible: integer('eligible').notNull().default(0),
    chosen: integer('chosen').notNull().default(0),
    created: integer('created').notNull().default(0),
    /** Tactics not planned, each with why (its build threw, or its definition has problems). */
    skipped: jsonb('skipped').$type<Array<{ tactic: string; error: string }>>().notNull().default([]),
    error: text('error'),
  },
  (t) => [index('planner_runs_region_idx').on(t.regionId, t.id), check('planner_runs_status_check', sql`${t.status} in ('running', 'succeeded', 'failed')`)],
);

/** A candidate a run considered: customer and tactic, rank, score, eligibility with the reason, chosen. */
export const plannerDecisions = pgTable(
  'planner_decisions',
  {
    // No foreign keys: statement-level triggers cascade deletes of runs and customers (migration 0016).
    runId: integer('run_id').notNull(),
    customerId: integer('customer_id').notNull(),
    tactic: text('tactic').notNull(),
    rank: integer('rank'),
    score: doublePrecision('score').notNull(),
    costCents: integer('cost_cents').notNull(),
    valueCents: integer('value_cents').notNull(),
    eligible: boolean('eligible').notNull(),
    reason: text('reason'),
    chosen: boolean('chosen').notNull().default(false),
    trigger: text('trigger').notNull(),
    warningIds: integer('warning_ids').array().notNull().default(sql`'{}'`),
    variables: jsonb('variables').$type<Record<string, string | number | null>>().notNull().default({}),
  },
  (t) => [primaryKey({ name: 'planner_decisions_pk', columns: [t.runId, t.customerId, t.tactic] }), index('planner_decisions_customer_idx').on(t.customerId, t.runId)],
);

/** A benefit granted when a planned task succeeded; the gift policy counts a customer's last 365 days. */
export const benefitGrants = pgTable(
  'benefit_grants',
  {
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    taskId: integer('task_id')
      .notNull()
      .references(() => retentionTasks.id, { onDelete: 'cascade' }),
    tactic: text('tactic').notNull(),
    kind: text('kind').notNull(),
    valueCents: integer('value_cents').notNull(),
    grantedAt: ts('granted_at').notNull(),
  },
  (t) => [
    uniqueIndex('benefit_grants_task_idx').on(t.taskId),
    index('benefit_grants_customer_idx').on(t.customerId, t.grantedAt),
    check('benefit_grants_value_check', sql`${t.valueCents} >= 0`),
  ],
);

// ---------------------------------------------------------------------------------------------------
// KPIs and control groups (packages/kpis, migration 0019): settings per region, churn facts.
// ---------------------------------------------------------------------------------------------------

/** KPI settings set at one region (churn definition, control-group shares); the rest is inherited. */
export const kpiSettings = pgTable('kpi_settings', {
  regionId: integer('region_id')
    .primaryKey()
    .references(() => regions.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const CHURN_REASONS = ['status', 'no_revenue', 'port_out'] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];

/** A customer's month (离网事实): one row per month it began as a customer; `churned` in its churn month, none after. */
export const churnFacts = pgTable(
  'churn_facts',
  {
    // No foreign keys: statement-level triggers cascade deletes of customers and regions (migration 0019).
    customerId: integer('customer_id').notNull(),
    month: day('month').notNull(),
    regionId: integer('region_id').notNull(),
    tier: text('tier', { enum: TIERS }).notNull(),
    churned: boolean('churned').notNull(),
    reason: text('reason', { enum: CHURN_REASONS }),
    revenueCents: integer('revenue_cents').notNull().default(0),
    computedAt: ts('computed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'churn_facts_pk', columns: [t.customerId, t.month] }),
    index('churn_facts_month_region_idx').on(t.month, t.regionId),
    check('churn_facts_month_check', sql`extract(day from ${t.month}) = 1`),
    check('churn_facts_reason_check', sql`(${t.reason} is not null) = ${t.churned} and ${t.reason} in ('status', 'no_revenue', 'port_out')`),
  ],
);

/** The daily KPI report of a region (每日通报): figures, HTML with charts, CSV; one per region and local day. */
export const kpiReports = pgTable(
  'kpi_reports',
  {
    id: serial('id').primaryKey(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
    /** The local day the report was made for (its figures run to the day before). */
    day: day('day').notNull(),
    /** The month of the month-to-date figures. */
    month: day('month').notNull(),
    figures: jsonb('figures').$type<unknown>().notNull(),
    html: text('html').notNull(),
    csv: text('csv').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('kpi_reports_region_day_idx').on(t.regionId, t.day)],
);
