/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment ApiKeyRecord on ApiKey {\n    prefix\n    name\n    role\n    regionCodes\n    agentId\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyRecordFragmentDoc,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  query ApiKeys($revoked: Boolean, $first: Int, $after: String) {\n    apiKeys(revoked: $revoked, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...ApiKeyRecord\n        }\n      }\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation RevokeApiKey($prefix: String!) {\n    revokeApiKey(prefix: $prefix) {\n      alreadyRevoked\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          at\n          actor\n          role\n          operation\n          objects\n          objectCount\n          plugin\n          outcome\n          errorCode\n          detail\n          requestId\n        }\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  fragment CustomerSummary on Customer {\n    id\n    msisdn\n    name\n    status\n    paymentType\n    plan\n    joinedOn\n    tenureMonths\n    balanceCents\n    tier\n    lifecycleStage\n    warnings\n    region {\n      code\n      name\n    }\n  }\n": typeof types.CustomerSummaryFragmentDoc,
    "\n  mutation UpsertCustomers($customers: [CustomerInput!]!) {\n    upsertCustomers(customers: $customers) {\n      created\n      updated\n    }\n  }\n": typeof types.UpsertCustomersDocument,
    "\n  query Customers($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int, $after: String) {\n    customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...CustomerSummary\n        }\n      }\n    }\n  }\n": typeof types.CustomersDocument,
    "\n  query CustomerByMsisdn($msisdn: String!, $usageMonths: Int = 6, $tasks: Int = 10, $segments: Int = 20) {\n    customerByMsisdn(msisdn: $msisdn) {\n      ...CustomerSummary\n      birthday\n      churnedOn\n      contractEndsOn\n      creditLimitCents\n      points\n      device\n      accountManager\n      groupId\n      groupKind\n      isCampus\n      attributes\n      valueRankPct\n      consent {\n        channel\n        granted\n      }\n      usage(months: $usageMonths) {\n        totalCount\n        edges {\n          node {\n            month\n            revenueCents\n            rechargeCents\n            voiceMinutes\n            dataMb\n            sms\n            activeDays\n            complaints\n            competitorContacts\n          }\n        }\n      }\n      tasks(first: $tasks) {\n        totalCount\n        edges {\n          node {\n            id\n            state\n            reason\n            tactic\n            channel\n            assignee\n            dueAt\n            outcome\n          }\n        }\n      }\n      segments(first: $segments) {\n        totalCount\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.CustomerByMsisdnDocument,
    "\n  query CustomersById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Customer {\n        ...CustomerSummary\n      }\n    }\n  }\n": typeof types.CustomersByIdDocument,
    "\n  mutation RecordUsage($usage: [UsageInput!]!) {\n    recordUsage(usage: $usage) {\n      recorded\n    }\n  }\n": typeof types.RecordUsageDocument,
    "\n  mutation RecordEvents($events: [CustomerEventInput!]!) {\n    recordEvents(events: $events) {\n      recorded\n      duplicates\n    }\n  }\n": typeof types.RecordEventsDocument,
    "\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": typeof types.PageFieldsFragmentDoc,
    "\n  fragment SegmentFields on Segment {\n    id\n    name\n    description\n    definition\n    version\n    count\n    stale\n    refreshedAt\n  }\n": typeof types.SegmentFieldsFragmentDoc,
    "\n  mutation CreateSegment($input: CreateSegmentInput!) {\n    createSegment(input: $input) {\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n": typeof types.CreateSegmentDocument,
    "\n  mutation RefreshSegment($id: ID!) {\n    refreshSegment(id: $id) {\n      entered\n      left\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n": typeof types.RefreshSegmentDocument,
    "\n  query SegmentCount($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      count\n      stale\n      refreshedAt\n    }\n  }\n": typeof types.SegmentCountDocument,
    "\n  query SegmentPreview($definition: SegmentCondition!) {\n    segmentPreview(definition: $definition)\n  }\n": typeof types.SegmentPreviewDocument,
    "\n  query SegmentMembers($id: ID!, $first: Int, $after: String) {\n    segment(id: $id) {\n      id\n      name\n      refreshedAt\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            ...CustomerSummary\n          }\n        }\n      }\n    }\n  }\n": typeof types.SegmentMembersDocument,
    "\n  query SegmentHistory($msisdn: String!, $first: Int, $after: String) {\n    customerByMsisdn(msisdn: $msisdn) {\n      id\n      msisdn\n      segments(includePast: true, first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.SegmentHistoryDocument,
    "\n  fragment TaskFields on RetentionTask {\n    id\n    state\n    reason\n    tactic\n    channel\n    script\n    assignee\n    dueAt\n    outcome\n    attemptCount\n    closedAt\n    idempotencyKey\n    customer {\n      id\n      msisdn\n    }\n  }\n": typeof types.TaskFieldsFragmentDoc,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      created\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": typeof types.CreateTaskDocument,
    "\n  mutation AssignTask($id: ID!, $assignee: String!) {\n    assignTask(id: $id, assignee: $assignee) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": typeof types.AssignTaskDocument,
    "\n  mutation StartTask($id: ID!) {\n    startTask(id: $id) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": typeof types.StartTaskDocument,
    "\n  mutation RecordTaskOutcome($id: ID!, $outcome: TaskOutcome!, $channel: String, $note: String) {\n    recordTaskOutcome(id: $id, outcome: $outcome, channel: $channel, note: $note) {\n      task {\n        ...TaskFields\n        transitions {\n          edges {\n            node {\n              fromState\n              toState\n              at\n              note\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.RecordTaskOutcomeDocument,
    "\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": typeof types.CancelTaskDocument,
    "\n  query Tasks($filter: TaskFilter, $first: Int, $after: String) {\n    tasks(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...TaskFields\n        }\n      }\n    }\n  }\n": typeof types.TasksDocument,
    "\n  fragment WarningFields on Warning {\n    id\n    rule\n    level\n    score\n    reason\n    evidence\n    status\n    asOfMonth\n    firstSeenAt\n    lastSeenAt\n    runId\n    region {\n      code\n    }\n    customer {\n      id\n      msisdn\n    }\n  }\n": typeof types.WarningFieldsFragmentDoc,
    "\n  query Warnings($filter: WarningFilter, $first: Int, $after: String) {\n    warnings(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...WarningFields\n        }\n      }\n    }\n  }\n": typeof types.WarningsDocument,
    "\n  query CustomerChurnRisk($id: ID!) {\n    customer(id: $id) {\n      id\n      churnRisk {\n        score\n        level\n        factors {\n          rule\n          feature\n          value\n          contribution\n        }\n      }\n      churnWarnings(first: 20) {\n        edges {\n          node {\n            ...WarningFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.CustomerChurnRiskDocument,
    "\n  mutation AcknowledgeWarning($id: ID!, $note: String) {\n    acknowledgeWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n": typeof types.AcknowledgeWarningDocument,
    "\n  mutation ResolveWarning($id: ID!, $note: String) {\n    resolveWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n": typeof types.ResolveWarningDocument,
    "\n  fragment WarningBacktestFiguresFields on WarningBacktestFigures {\n    flagged\n    churned\n    precision\n    recall\n    lift\n    top {\n      customers\n      churned\n      precision\n      lift\n    }\n  }\n": typeof types.WarningBacktestFiguresFieldsFragmentDoc,
    "\n  query WarningBacktest($asOf: String!, $horizon: Int!, $region: String, $monthsWithoutRevenue: Int) {\n    warningBacktest(asOf: $asOf, horizon: $horizon, region: $region, monthsWithoutRevenue: $monthsWithoutRevenue) {\n      asOf\n      horizon\n      region {\n        code\n      }\n      monthsWithoutRevenue\n      population\n      churned\n      baseRate\n      topSize\n      rules {\n        rule\n        title\n        cities\n        figures {\n          ...WarningBacktestFiguresFields\n        }\n      }\n      combined {\n        ...WarningBacktestFiguresFields\n      }\n    }\n  }\n": typeof types.WarningBacktestDocument,
    "\n  query ChurnModels($region: String, $first: Int) {\n    churnModels(region: $region, first: $first) {\n      id\n      rule\n      regionCode\n      version\n      kind\n      label\n      asOf\n      horizon\n      trainingRows\n      positives\n      trainedAt\n      auc\n      aucSd\n      liftAt10\n      liftAt20\n      calibrationError\n      calibration {\n        predicted\n        observed\n        count\n      }\n      importances {\n        feature\n        importance\n      }\n      candidates {\n        label\n        auc\n      }\n    }\n  }\n": typeof types.ChurnModelsDocument,
};
const documents: Documents = {
    "\n  fragment ApiKeyRecord on ApiKey {\n    prefix\n    name\n    role\n    regionCodes\n    agentId\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyRecordFragmentDoc,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  query ApiKeys($revoked: Boolean, $first: Int, $after: String) {\n    apiKeys(revoked: $revoked, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...ApiKeyRecord\n        }\n      }\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation RevokeApiKey($prefix: String!) {\n    revokeApiKey(prefix: $prefix) {\n      alreadyRevoked\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          at\n          actor\n          role\n          operation\n          objects\n          objectCount\n          plugin\n          outcome\n          errorCode\n          detail\n          requestId\n        }\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  fragment CustomerSummary on Customer {\n    id\n    msisdn\n    name\n    status\n    paymentType\n    plan\n    joinedOn\n    tenureMonths\n    balanceCents\n    tier\n    lifecycleStage\n    warnings\n    region {\n      code\n      name\n    }\n  }\n": types.CustomerSummaryFragmentDoc,
    "\n  mutation UpsertCustomers($customers: [CustomerInput!]!) {\n    upsertCustomers(customers: $customers) {\n      created\n      updated\n    }\n  }\n": types.UpsertCustomersDocument,
    "\n  query Customers($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int, $after: String) {\n    customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...CustomerSummary\n        }\n      }\n    }\n  }\n": types.CustomersDocument,
    "\n  query CustomerByMsisdn($msisdn: String!, $usageMonths: Int = 6, $tasks: Int = 10, $segments: Int = 20) {\n    customerByMsisdn(msisdn: $msisdn) {\n      ...CustomerSummary\n      birthday\n      churnedOn\n      contractEndsOn\n      creditLimitCents\n      points\n      device\n      accountManager\n      groupId\n      groupKind\n      isCampus\n      attributes\n      valueRankPct\n      consent {\n        channel\n        granted\n      }\n      usage(months: $usageMonths) {\n        totalCount\n        edges {\n          node {\n            month\n            revenueCents\n            rechargeCents\n            voiceMinutes\n            dataMb\n            sms\n            activeDays\n            complaints\n            competitorContacts\n          }\n        }\n      }\n      tasks(first: $tasks) {\n        totalCount\n        edges {\n          node {\n            id\n            state\n            reason\n            tactic\n            channel\n            assignee\n            dueAt\n            outcome\n          }\n        }\n      }\n      segments(first: $segments) {\n        totalCount\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.CustomerByMsisdnDocument,
    "\n  query CustomersById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Customer {\n        ...CustomerSummary\n      }\n    }\n  }\n": types.CustomersByIdDocument,
    "\n  mutation RecordUsage($usage: [UsageInput!]!) {\n    recordUsage(usage: $usage) {\n      recorded\n    }\n  }\n": types.RecordUsageDocument,
    "\n  mutation RecordEvents($events: [CustomerEventInput!]!) {\n    recordEvents(events: $events) {\n      recorded\n      duplicates\n    }\n  }\n": types.RecordEventsDocument,
    "\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": types.PageFieldsFragmentDoc,
    "\n  fragment SegmentFields on Segment {\n    id\n    name\n    description\n    definition\n    version\n    count\n    stale\n    refreshedAt\n  }\n": types.SegmentFieldsFragmentDoc,
    "\n  mutation CreateSegment($input: CreateSegmentInput!) {\n    createSegment(input: $input) {\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n": types.CreateSegmentDocument,
    "\n  mutation RefreshSegment($id: ID!) {\n    refreshSegment(id: $id) {\n      entered\n      left\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n": types.RefreshSegmentDocument,
    "\n  query SegmentCount($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      count\n      stale\n      refreshedAt\n    }\n  }\n": types.SegmentCountDocument,
    "\n  query SegmentPreview($definition: SegmentCondition!) {\n    segmentPreview(definition: $definition)\n  }\n": types.SegmentPreviewDocument,
    "\n  query SegmentMembers($id: ID!, $first: Int, $after: String) {\n    segment(id: $id) {\n      id\n      name\n      refreshedAt\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            ...CustomerSummary\n          }\n        }\n      }\n    }\n  }\n": types.SegmentMembersDocument,
    "\n  query SegmentHistory($msisdn: String!, $first: Int, $after: String) {\n    customerByMsisdn(msisdn: $msisdn) {\n      id\n      msisdn\n      segments(includePast: true, first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.SegmentHistoryDocument,
    "\n  fragment TaskFields on RetentionTask {\n    id\n    state\n    reason\n    tactic\n    channel\n    script\n    assignee\n    dueAt\n    outcome\n    attemptCount\n    closedAt\n    idempotencyKey\n    customer {\n      id\n      msisdn\n    }\n  }\n": types.TaskFieldsFragmentDoc,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      created\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": types.CreateTaskDocument,
    "\n  mutation AssignTask($id: ID!, $assignee: String!) {\n    assignTask(id: $id, assignee: $assignee) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": types.AssignTaskDocument,
    "\n  mutation StartTask($id: ID!) {\n    startTask(id: $id) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": types.StartTaskDocument,
    "\n  mutation RecordTaskOutcome($id: ID!, $outcome: TaskOutcome!, $channel: String, $note: String) {\n    recordTaskOutcome(id: $id, outcome: $outcome, channel: $channel, note: $note) {\n      task {\n        ...TaskFields\n        transitions {\n          edges {\n            node {\n              fromState\n              toState\n              at\n              note\n            }\n          }\n        }\n      }\n    }\n  }\n": types.RecordTaskOutcomeDocument,
    "\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n": types.CancelTaskDocument,
    "\n  query Tasks($filter: TaskFilter, $first: Int, $after: String) {\n    tasks(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...TaskFields\n        }\n      }\n    }\n  }\n": types.TasksDocument,
    "\n  fragment WarningFields on Warning {\n    id\n    rule\n    level\n    score\n    reason\n    evidence\n    status\n    asOfMonth\n    firstSeenAt\n    lastSeenAt\n    runId\n    region {\n      code\n    }\n    customer {\n      id\n      msisdn\n    }\n  }\n": types.WarningFieldsFragmentDoc,
    "\n  query Warnings($filter: WarningFilter, $first: Int, $after: String) {\n    warnings(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...WarningFields\n        }\n      }\n    }\n  }\n": types.WarningsDocument,
    "\n  query CustomerChurnRisk($id: ID!) {\n    customer(id: $id) {\n      id\n      churnRisk {\n        score\n        level\n        factors {\n          rule\n          feature\n          value\n          contribution\n        }\n      }\n      churnWarnings(first: 20) {\n        edges {\n          node {\n            ...WarningFields\n          }\n        }\n      }\n    }\n  }\n": types.CustomerChurnRiskDocument,
    "\n  mutation AcknowledgeWarning($id: ID!, $note: String) {\n    acknowledgeWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n": types.AcknowledgeWarningDocument,
    "\n  mutation ResolveWarning($id: ID!, $note: String) {\n    resolveWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n": types.ResolveWarningDocument,
    "\n  fragment WarningBacktestFiguresFields on WarningBacktestFigures {\n    flagged\n    churned\n    precision\n    recall\n    lift\n    top {\n      customers\n      churned\n      precision\n      lift\n    }\n  }\n": types.WarningBacktestFiguresFieldsFragmentDoc,
    "\n  query WarningBacktest($asOf: String!, $horizon: Int!, $region: String, $monthsWithoutRevenue: Int) {\n    warningBacktest(asOf: $asOf, horizon: $horizon, region: $region, monthsWithoutRevenue: $monthsWithoutRevenue) {\n      asOf\n      horizon\n      region {\n        code\n      }\n      monthsWithoutRevenue\n      population\n      churned\n      baseRate\n      topSize\n      rules {\n        rule\n        title\n        cities\n        figures {\n          ...WarningBacktestFiguresFields\n        }\n      }\n      combined {\n        ...WarningBacktestFiguresFields\n      }\n    }\n  }\n": types.WarningBacktestDocument,
    "\n  query ChurnModels($region: String, $first: Int) {\n    churnModels(region: $region, first: $first) {\n      id\n      rule\n      regionCode\n      version\n      kind\n      label\n      asOf\n      horizon\n      trainingRows\n      positives\n      trainedAt\n      auc\n      aucSd\n      liftAt10\n      liftAt20\n      calibrationError\n      calibration {\n        predicted\n        observed\n        count\n      }\n      importances {\n        feature\n        importance\n      }\n      candidates {\n        label\n        auc\n      }\n    }\n  }\n": types.ChurnModelsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyRecord on ApiKey {\n    prefix\n    name\n    role\n    regionCodes\n    agentId\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiKeyRecord on ApiKey {\n    prefix\n    name\n    role\n    regionCodes\n    agentId\n    scopes\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys($revoked: Boolean, $first: Int, $after: String) {\n    apiKeys(revoked: $revoked, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...ApiKeyRecord\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys($revoked: Boolean, $first: Int, $after: String) {\n    apiKeys(revoked: $revoked, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...ApiKeyRecord\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($prefix: String!) {\n    revokeApiKey(prefix: $prefix) {\n      alreadyRevoked\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($prefix: String!) {\n    revokeApiKey(prefix: $prefix) {\n      alreadyRevoked\n      apiKey {\n        ...ApiKeyRecord\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          at\n          actor\n          role\n          operation\n          objects\n          objectCount\n          plugin\n          outcome\n          errorCode\n          detail\n          requestId\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          at\n          actor\n          role\n          operation\n          objects\n          objectCount\n          plugin\n          outcome\n          errorCode\n          detail\n          requestId\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CustomerSummary on Customer {\n    id\n    msisdn\n    name\n    status\n    paymentType\n    plan\n    joinedOn\n    tenureMonths\n    balanceCents\n    tier\n    lifecycleStage\n    warnings\n    region {\n      code\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment CustomerSummary on Customer {\n    id\n    msisdn\n    name\n    status\n    paymentType\n    plan\n    joinedOn\n    tenureMonths\n    balanceCents\n    tier\n    lifecycleStage\n    warnings\n    region {\n      code\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpsertCustomers($customers: [CustomerInput!]!) {\n    upsertCustomers(customers: $customers) {\n      created\n      updated\n    }\n  }\n"): (typeof documents)["\n  mutation UpsertCustomers($customers: [CustomerInput!]!) {\n    upsertCustomers(customers: $customers) {\n      created\n      updated\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Customers($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int, $after: String) {\n    customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...CustomerSummary\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Customers($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int, $after: String) {\n    customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...CustomerSummary\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerByMsisdn($msisdn: String!, $usageMonths: Int = 6, $tasks: Int = 10, $segments: Int = 20) {\n    customerByMsisdn(msisdn: $msisdn) {\n      ...CustomerSummary\n      birthday\n      churnedOn\n      contractEndsOn\n      creditLimitCents\n      points\n      device\n      accountManager\n      groupId\n      groupKind\n      isCampus\n      attributes\n      valueRankPct\n      consent {\n        channel\n        granted\n      }\n      usage(months: $usageMonths) {\n        totalCount\n        edges {\n          node {\n            month\n            revenueCents\n            rechargeCents\n            voiceMinutes\n            dataMb\n            sms\n            activeDays\n            complaints\n            competitorContacts\n          }\n        }\n      }\n      tasks(first: $tasks) {\n        totalCount\n        edges {\n          node {\n            id\n            state\n            reason\n            tactic\n            channel\n            assignee\n            dueAt\n            outcome\n          }\n        }\n      }\n      segments(first: $segments) {\n        totalCount\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomerByMsisdn($msisdn: String!, $usageMonths: Int = 6, $tasks: Int = 10, $segments: Int = 20) {\n    customerByMsisdn(msisdn: $msisdn) {\n      ...CustomerSummary\n      birthday\n      churnedOn\n      contractEndsOn\n      creditLimitCents\n      points\n      device\n      accountManager\n      groupId\n      groupKind\n      isCampus\n      attributes\n      valueRankPct\n      consent {\n        channel\n        granted\n      }\n      usage(months: $usageMonths) {\n        totalCount\n        edges {\n          node {\n            month\n            revenueCents\n            rechargeCents\n            voiceMinutes\n            dataMb\n            sms\n            activeDays\n            complaints\n            competitorContacts\n          }\n        }\n      }\n      tasks(first: $tasks) {\n        totalCount\n        edges {\n          node {\n            id\n            state\n            reason\n            tactic\n            channel\n            assignee\n            dueAt\n            outcome\n          }\n        }\n      }\n      segments(first: $segments) {\n        totalCount\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomersById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Customer {\n        ...CustomerSummary\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomersById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Customer {\n        ...CustomerSummary\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordUsage($usage: [UsageInput!]!) {\n    recordUsage(usage: $usage) {\n      recorded\n    }\n  }\n"): (typeof documents)["\n  mutation RecordUsage($usage: [UsageInput!]!) {\n    recordUsage(usage: $usage) {\n      recorded\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordEvents($events: [CustomerEventInput!]!) {\n    recordEvents(events: $events) {\n      recorded\n      duplicates\n    }\n  }\n"): (typeof documents)["\n  mutation RecordEvents($events: [CustomerEventInput!]!) {\n    recordEvents(events: $events) {\n      recorded\n      duplicates\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"): (typeof documents)["\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SegmentFields on Segment {\n    id\n    name\n    description\n    definition\n    version\n    count\n    stale\n    refreshedAt\n  }\n"): (typeof documents)["\n  fragment SegmentFields on Segment {\n    id\n    name\n    description\n    definition\n    version\n    count\n    stale\n    refreshedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSegment($input: CreateSegmentInput!) {\n    createSegment(input: $input) {\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSegment($input: CreateSegmentInput!) {\n    createSegment(input: $input) {\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSegment($id: ID!) {\n    refreshSegment(id: $id) {\n      entered\n      left\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSegment($id: ID!) {\n    refreshSegment(id: $id) {\n      entered\n      left\n      segment {\n        ...SegmentFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SegmentCount($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      count\n      stale\n      refreshedAt\n    }\n  }\n"): (typeof documents)["\n  query SegmentCount($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      count\n      stale\n      refreshedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SegmentPreview($definition: SegmentCondition!) {\n    segmentPreview(definition: $definition)\n  }\n"): (typeof documents)["\n  query SegmentPreview($definition: SegmentCondition!) {\n    segmentPreview(definition: $definition)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SegmentMembers($id: ID!, $first: Int, $after: String) {\n    segment(id: $id) {\n      id\n      name\n      refreshedAt\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            ...CustomerSummary\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SegmentMembers($id: ID!, $first: Int, $after: String) {\n    segment(id: $id) {\n      id\n      name\n      refreshedAt\n      members(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            ...CustomerSummary\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SegmentHistory($msisdn: String!, $first: Int, $after: String) {\n    customerByMsisdn(msisdn: $msisdn) {\n      id\n      msisdn\n      segments(includePast: true, first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SegmentHistory($msisdn: String!, $first: Int, $after: String) {\n    customerByMsisdn(msisdn: $msisdn) {\n      id\n      msisdn\n      segments(includePast: true, first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          ...PageFields\n        }\n        edges {\n          node {\n            enteredAt\n            leftAt\n            segment {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskFields on RetentionTask {\n    id\n    state\n    reason\n    tactic\n    channel\n    script\n    assignee\n    dueAt\n    outcome\n    attemptCount\n    closedAt\n    idempotencyKey\n    customer {\n      id\n      msisdn\n    }\n  }\n"): (typeof documents)["\n  fragment TaskFields on RetentionTask {\n    id\n    state\n    reason\n    tactic\n    channel\n    script\n    assignee\n    dueAt\n    outcome\n    attemptCount\n    closedAt\n    idempotencyKey\n    customer {\n      id\n      msisdn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      created\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      created\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignTask($id: ID!, $assignee: String!) {\n    assignTask(id: $id, assignee: $assignee) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AssignTask($id: ID!, $assignee: String!) {\n    assignTask(id: $id, assignee: $assignee) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTask($id: ID!) {\n    startTask(id: $id) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation StartTask($id: ID!) {\n    startTask(id: $id) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordTaskOutcome($id: ID!, $outcome: TaskOutcome!, $channel: String, $note: String) {\n    recordTaskOutcome(id: $id, outcome: $outcome, channel: $channel, note: $note) {\n      task {\n        ...TaskFields\n        transitions {\n          edges {\n            node {\n              fromState\n              toState\n              at\n              note\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RecordTaskOutcome($id: ID!, $outcome: TaskOutcome!, $channel: String, $note: String) {\n    recordTaskOutcome(id: $id, outcome: $outcome, channel: $channel, note: $note) {\n      task {\n        ...TaskFields\n        transitions {\n          edges {\n            node {\n              fromState\n              toState\n              at\n              note\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      task {\n        ...TaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tasks($filter: TaskFilter, $first: Int, $after: String) {\n    tasks(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...TaskFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Tasks($filter: TaskFilter, $first: Int, $after: String) {\n    tasks(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        node {\n          ...TaskFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WarningFields on Warning {\n    id\n    rule\n    level\n    score\n    reason\n    evidence\n    status\n    asOfMonth\n    firstSeenAt\n    lastSeenAt\n    runId\n    region {\n      code\n    }\n    customer {\n      id\n      msisdn\n    }\n  }\n"): (typeof documents)["\n  fragment WarningFields on Warning {\n    id\n    rule\n    level\n    score\n    reason\n    evidence\n    status\n    asOfMonth\n    firstSeenAt\n    lastSeenAt\n    runId\n    region {\n      code\n    }\n    customer {\n      id\n      msisdn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Warnings($filter: WarningFilter, $first: Int, $after: String) {\n    warnings(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...WarningFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Warnings($filter: WarningFilter, $first: Int, $after: String) {\n    warnings(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...WarningFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerChurnRisk($id: ID!) {\n    customer(id: $id) {\n      id\n      churnRisk {\n        score\n        level\n        factors {\n          rule\n          feature\n          value\n          contribution\n        }\n      }\n      churnWarnings(first: 20) {\n        edges {\n          node {\n            ...WarningFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomerChurnRisk($id: ID!) {\n    customer(id: $id) {\n      id\n      churnRisk {\n        score\n        level\n        factors {\n          rule\n          feature\n          value\n          contribution\n        }\n      }\n      churnWarnings(first: 20) {\n        edges {\n          node {\n            ...WarningFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeWarning($id: ID!, $note: String) {\n    acknowledgeWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeWarning($id: ID!, $note: String) {\n    acknowledgeWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveWarning($id: ID!, $note: String) {\n    resolveWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveWarning($id: ID!, $note: String) {\n    resolveWarning(id: $id, note: $note) {\n      warning {\n        ...WarningFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WarningBacktestFiguresFields on WarningBacktestFigures {\n    flagged\n    churned\n    precision\n    recall\n    lift\n    top {\n      customers\n      churned\n      precision\n      lift\n    }\n  }\n"): (typeof documents)["\n  fragment WarningBacktestFiguresFields on WarningBacktestFigures {\n    flagged\n    churned\n    precision\n    recall\n    lift\n    top {\n      customers\n      churned\n      precision\n      lift\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WarningBacktest($asOf: String!, $horizon: Int!, $region: String, $monthsWithoutRevenue: Int) {\n    warningBacktest(asOf: $asOf, horizon: $horizon, region: $region, monthsWithoutRevenue: $monthsWithoutRevenue) {\n      asOf\n      horizon\n      region {\n        code\n      }\n      monthsWithoutRevenue\n      population\n      churned\n      baseRate\n      topSize\n      rules {\n        rule\n        title\n        cities\n        figures {\n          ...WarningBacktestFiguresFields\n        }\n      }\n      combined {\n        ...WarningBacktestFiguresFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query WarningBacktest($asOf: String!, $horizon: Int!, $region: String, $monthsWithoutRevenue: Int) {\n    warningBacktest(asOf: $asOf, horizon: $horizon, region: $region, monthsWithoutRevenue: $monthsWithoutRevenue) {\n      asOf\n      horizon\n      region {\n        code\n      }\n      monthsWithoutRevenue\n      population\n      churned\n      baseRate\n      topSize\n      rules {\n        rule\n        title\n        cities\n        figures {\n          ...WarningBacktestFiguresFields\n        }\n      }\n      combined {\n        ...WarningBacktestFiguresFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ChurnModels($region: String, $first: Int) {\n    churnModels(region: $region, first: $first) {\n      id\n      rule\n      regionCode\n      version\n      kind\n      label\n      asOf\n      horizon\n      trainingRows\n      positives\n      trainedAt\n      auc\n      aucSd\n      liftAt10\n      liftAt20\n      calibrationError\n      calibration {\n        predicted\n        observed\n        count\n      }\n      importances {\n        feature\n        importance\n      }\n      candidates {\n        label\n        auc\n      }\n    }\n  }\n"): (typeof documents)["\n  query ChurnModels($region: String, $first: Int) {\n    churnModels(region: $region, first: $first) {\n      id\n      rule\n      regionCode\n      version\n      kind\n      label\n      asOf\n      horizon\n      trainingRows\n      positives\n      trainedAt\n      auc\n      aucSd\n      liftAt10\n      liftAt20\n      calibrationError\n      calibration {\n        predicted\n        observed\n        count\n      }\n      importances {\n        feature\n        importance\n      }\n      candidates {\n        label\n        auc\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;