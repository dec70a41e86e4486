import {
  CUSTOMER_STATUSES,
  GROUP_KINDS,
  PAYMENT_TYPES,
  REGION_LEVELS,
  TASK_OUTCOMES,
  TASK_STATES,
  TIERS,
} from '@weixi/db';
import { LIFECYCLE_STAGES, WARNING_INDICATORS } from '@weixi/core';
import type { WeixiBuilder } from '../builder.js';

/** `midHigh`, `mid_high` → `MID_HIGH`: GraphQL enum names for the database's values. */
export function enumName(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** An enum whose GraphQL names are upper case and whose internal values are the database's strings. */
export function enumOf<const V extends string>(builder: WeixiBuilder, name: string, values: readonly V[], description: string, docs: Partial<Record<V, string>> = {}) {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(values.map((v) => [enumName(v), { value: v, description: docs[v] }])) as Record<string, { value: V }>,
  });
}

export function registerEnums(builder: WeixiBuilder) {
  return {
    CustomerStatus: enumOf(builder, 'CustomerStatus', CUSTOMER_STATUSES, 'Subscriber status.', {
      active: 'In service.',
      suspended: '停机: suspended, e.g. for arrears.',
      churned: '离网: left the network (churnedOn says when).',
    }),
    PaymentType: enumOf(builder, 'PaymentType', PAYMENT_TYPES, 'Prepaid or postpaid billing.'),
    GroupKind: enumOf(builder, 'GroupKind', GROUP_KINDS, 'What kind of group a customer belongs to.', {
      household: '家庭: a household sharing a group id.',
      enterprise: '集团客户: an enterprise group account.',
    }),
    Tier: enumOf(builder, 'Tier', TIERS, 'Value tier (分层), from revenue rank within the province.', {
      diamond: '钻卡 VIP: top 1% by default.',
      gold: '金卡 VIP: next, to the top 5%.',
      silver: '银卡 VIP: next, to the top 10%.',
      mid_high: '中高端: next, to the top 20%.',
      ordinary: 'Everyone else.',
    }),
    RegionLevel: enumOf(builder, 'RegionLevel', REGION_LEVELS, 'Level in the region tree.'),
    TaskState: enumOf(builder, 'TaskState', TASK_STATES, 'Where a retention task is in its lifecycle.'),
    TaskOutcome: enumOf(builder, 'TaskOutcome', TASK_OUTCOMES, 'What a contact attempt achieved. UNREACHABLE and CALLBACK_REQUESTED keep the task open for another attempt (up to 3).'),
    LifecycleStage: enumOf(builder, 'LifecycleStage', LIFECYCLE_STAGES, 'Lifecycle stage (客户生命周期), from tenure, status and warning indicators.', {
      onboarding: '入网期: in the first month.',
      introduction: '导入期: one to three months on the network.',
      mature: '成熟期: settled, no warning indicator.',
      warning: '预警期: at least one warning indicator holds.',
      churned: '离网: has left.',
    }),
    WarningIndicator: enumOf(builder, 'WarningIndicator', WARNING_INDICATORS, 'A churn warning sign (流失预警) seen in the facts.'),
    SortDirection: enumOf(builder, 'SortDirection', ['asc', 'desc'] as const, 'Sort order.'),
  };
}

export type Enums = ReturnType<typeof registerEnums>;
