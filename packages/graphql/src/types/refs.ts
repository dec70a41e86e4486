import type { WeixiBuilder } from '../builder.js';
import type { AttemptRow, CustomerRow, EventRow, MembershipRow, RegionRow, SegmentRow, TaskRow, TransitionRow, UsageRow } from '../loaders.js';

/** The object types of the core schema, created once per builder so modules can refer to each other. */
export function createRefs(builder: WeixiBuilder) {
  const refs = {
    Customer: builder.objectRef<CustomerRow>('Customer'),
    Region: builder.objectRef<RegionRow>('Region'),
    Segment: builder.objectRef<SegmentRow>('Segment'),
    SegmentMembership: builder.objectRef<MembershipRow>('SegmentMembership'),
    RetentionTask: builder.objectRef<TaskRow>('RetentionTask'),
    TaskTransition: builder.objectRef<TransitionRow>('TaskTransition'),
    TaskAttempt: builder.objectRef<AttemptRow>('TaskAttempt'),
    MonthlyUsage: builder.objectRef<UsageRow>('MonthlyUsage'),
    CustomerEvent: builder.objectRef<EventRow>('CustomerEvent'),
  };
  /** One connection type per node type (`CustomerConnection`, `CustomerEdge`), shared by every field. */
  const connection = <T extends (typeof refs)[keyof typeof refs]>(type: T) =>
    builder.connectionObject({ type, name: `${type.name}Connection` }, { name: `${type.name}Edge` });
  return {
    ...refs,
    connections: {
      Customer: connection(refs.Customer),
      Region: connection(refs.Region),
      Segment: connection(refs.Segment),
      SegmentMembership: connection(refs.SegmentMembership),
      RetentionTask: connection(refs.RetentionTask),
      TaskTransition: connection(refs.TaskTransition),
      TaskAttempt: connection(refs.TaskAttempt),
      MonthlyUsage: connection(refs.MonthlyUsage),
      CustomerEvent: connection(refs.CustomerEvent),
    },
  };
}

export type Refs = ReturnType<typeof createRefs>;
