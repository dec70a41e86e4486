/**
 * A segment definition: a typed, recursive condition over customers and their monthly usage. The GraphQL
 * input mirrors it 1:1 (a oneOf input: exactly one key set per condition). Values are strings, parsed by
 * the field's kind, so one input type serves every field.
 */
import { CUSTOMER_STATUSES, GROUP_KINDS, PAYMENT_TYPES, type Tier } from '@weixi/db';

export const CUSTOMER_FIELDS = [
  'msisdn',
  'name',
  'plan',
  'paymentType',
  'balanceCents',
  'creditLimitCents',
  'points',
  'joinedOn',
  'tenureMonths',
  'contractEndsOn',
  'contractEndsInDays',
  'device',
  'birthdayInDays',
  'groupKind',
  'isCampus',
  'accountManager',
  'status',
  'churnedOn',
] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

export const COMPARISON_OPS = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'notIn',
  'isNull',
  'isNotNull',
  'startsWith',
  'contains',
] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** The ops a usage metric is compared with (a metric value is always a number). */
export const METRIC_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const;
export type MetricOp = (typeof METRIC_OPS)[number];

export const METRIC_MEASURES = ['total', 'average', 'changeRatio', 'monthsWithoutActivity'] as const;
export type MetricMeasure = (typeof METRIC_MEASURES)[number];

export const USAGE_METRICS = [
  'revenueCents',
  'voiceMinutes',
  'dataMb',
  'sms',
  'rechargeCents',
  'activeDays',
  'complaints',
  'competitorContacts',
] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export type FieldKind =
  | { kind: 'text' }
  | { kind: 'number' }
  | { kind: 'date' }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] };

const text = { kind: 'text' } as const;
const number = { kind: 'number' } as const;
const date = { kind: 'date' } as const;

/** How each field's values are parsed and compared. Derived fields (`...InDays`, `tenureMonths`) count from today. */
export const CUSTOMER_FIELD_KINDS: Readonly<Record<CustomerField, FieldKind>> = {
  msisdn: text,
  name: text,
  plan: text,
  paymentType: { kind: 'enum', values: PAYMENT_TYPES },
  balanceCents: number,
  creditLimitCents: number,
  points: number,
  joinedOn: date,
  tenureMonths: number,
  contractEndsOn: date,
  contractEndsInDays: number,
  device: text,
  birthdayInDays: number,
  groupKind: { kind: 'enum', values: GROUP_KINDS },
  isCampus: { kind: 'boolean' },
  accountManager: text,
  status: { kind: 'enum', values: CUSTOMER_STATUSES },
  churnedOn: date,
};

/** Which ops apply to which kind: ordering needs an order, pattern ops need text. */
export const OPS_BY_KIND: Readonly<Record<FieldKind['kind'], readonly ComparisonOp[]>> = {
  text: COMPARISON_OPS,
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'notIn', 'isNull', 'isNotNull'],
  date: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'notIn', 'isNull', 'isNotNull'],
  boolean: ['eq', 'ne', 'isNull', 'isNotNull'],
  enum: ['eq', 'ne', 'in', 'notIn', 'isNull', 'isNotNull'],
};

/** Ops that take `value`, ops that take `values`; the rest (`isNull`, `isNotNull`) take neither. */
export const SINGLE_VALUE_OPS: readonly ComparisonOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'startsWith', 'contains'];
export const LIST_VALUE_OPS: readonly ComparisonOp[] = ['in', 'notIn'];

/** Limits that keep a definition cheap to validate and compile. */
export const SEGMENT_LIMITS = { maxDepth: 12, maxConditions: 500, minMonths: 1, maxMonths: 24, maxListLength: 1000 } as const;

/**
 * Comparison semantics: a missing value (SQL null) only matches `isNull`/`isNotNull`, except that `ne` and
 * `notIn` are the exact complements of `eq` and `in` (so they match missing values), as `not` is of its
 * condition. Text comparisons are case-sensitive.
 */
export interface FieldCondition {
  field: CustomerField;
  op: ComparisonOp;
  value?: string | null;
  values?: string[] | null;
}

/** A text comparison on `customers.attributes ->> key`. */
export interface AttributeCondition {
  key: string;
  op: ComparisonOp;
  value?: string | null;
  values?: string[] | null;
}

/**
 * A usage condition over the complete months before the current one ("last N months" is
 * [monthStart(now, -N), monthStart(now, 0))), missing month rows counting as 0:
 * - `total`, `average`: sum / average over the last `months`;
 * - `changeRatio`: (sum of the last `months` − sum of the `months` before) / the sum before; false when that
 *   sum is 0. "Revenue dropped 30% over 3 months" is `{ measure: 'changeRatio', months: 3, op: 'lte', value: -0.3 }`;
 * - `monthsWithoutActivity`: trailing consecutive months (at most `months`) where the metric is 0.
 */
export interface MetricCondition {
  metric: UsageMetric;
  measure: MetricMeasure;
  months: number;
  op: MetricOp;
  value: number;
}

/** Exactly one key is set. `region` matches the subtree of any of the codes. */
export interface SegmentCondition {
  and?: SegmentCondition[];
  or?: SegmentCondition[];
  not?: SegmentCondition;
  field?: FieldCondition;
  attribute?: AttributeCondition;
  region?: { codes: string[] };
  tier?: { in: Tier[] };
  metric?: MetricCondition;
}

export const CONDITION_KINDS = ['and', 'or', 'not', 'field', 'attribute', 'region', 'tier', 'metric'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];
