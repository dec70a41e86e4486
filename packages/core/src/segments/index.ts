export {
  CUSTOMER_FIELDS,
  CUSTOMER_FIELD_KINDS,
  COMPARISON_OPS,
  CONDITION_KINDS,
  LIST_VALUE_OPS,
  METRIC_MEASURES,
  METRIC_OPS,
  OPS_BY_KIND,
  SEGMENT_LIMITS,
  SINGLE_VALUE_OPS,
  USAGE_METRICS,
  type AttributeCondition,
  type ComparisonOp,
  type ConditionKind,
  type CustomerField,
  type FieldCondition,
  type FieldKind,
  type MetricCondition,
  type MetricMeasure,
  type MetricOp,
  type SegmentCondition,
  type UsageMetric,
} from './definition.js';
export { parseSegmentDefinition, validateSegmentDefinition } from './validate.js';
export { compileCustomerPredicate, compileCustomerPredicates, type CompileOptions } from './compile.js';
export { countSegmentPreview, refreshSegment, type SegmentRefresh } from './refresh.js';
