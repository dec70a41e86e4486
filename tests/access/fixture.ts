/**
 * The sweep's data, created through the API as admin, in two disjoint scopes: "in scope" is the JS-NJ
 * subtree, "out of scope" is ZJ-HZ and JS-SZ (a sibling city under the same province, which a path prefix
 * bug would let through). The out-of-scope side is larger than the in-scope side in every kind of row,
 * so a count that leaks is always above what the caller may see; its names, reasons and plugin settings
 * carry the marker words `ZJOUT` and `SZOUT`, so a leak shows even where no id does.
 */
import { sql } from 'drizzle-orm';
import type { GraphQLSchema } from 'graphql';
import type { TestApi } from '../api/harness.js';
import { IN_SCOPE_AGENT, OUT_OF_SCOPE_AGENT } from './roles.js';

/** What a probe aims at on one side: a global ID per object type, and the natural keys. */
export interface Targets {
  /** GraphQL object type → global ID of one object of that type on this side. */
  ids: Record<string, string>;
  msisdn: string;
  regionCode: string;
  /** The top of this side's region subtree (it has regions below it). */
  treeRoot: string;
  agent: string;
  /** A word in this side's names and reasons (empty for the in-scope side, which has none). */
  marker: string;
  pluginId: string;
  jobId: string;
}

export interface Fixture {
  in: Targets;
  out: Targets;
  /** Out-of-scope tasks in the state each task mutation needs, so that a leak would really change one. */
  outTasks: { open: string; cancellable: string; assigned: string; inProgress: string; inProgressForAttempt: string };
  /** An out-of-scope pending quality audit (another done task there is left undrawn for drawQualityAudits). */
  outAudit: number;
  /** Out-of-scope open warnings: one to acknowledge, one to resolve. */
  outWarnings: { toAcknowledge: string; toResolve: string };
  /** Out-of-scope segments: one to change or refresh, one to delete. */
  outSegments: { owned: string; toDelete: string; national: string };
  /** Plugins enabled in the out-of-scope region, and one that is not. */
  plugins: { enabledOutside: string; disabledOutside: string; withSettings: string };
  /** The prefix of a live key for an out-of-scope operator, for key management samples to revoke. */
  outKeyPrefix: string;
  /** Marker words of the out-of-scope rows. */
  markers: readonly string[];
}

export const PLUGIN = { sms: 'channel-sms', care: 'tactic-proactive-care', silent: 'warning-silent-customers' } as const;
const JOB = 'birthday-greetings';
const TODAY_BIRTHDAY = '1990-11-15';

interface Person {
  key: string;
  msisdn: string;
  region: string;
  marker?: string;
  birthday?: string;
}

// Out of scope first, so their ids come first and a leak shows even on a short page.
const PEOPLE: Person[] = [
  ...[1, 2, 3, 4, 5].map((i) => ({ key: `z${i}`, msisdn: `1392000000${i}`, region: 'ZJ-HZ', marker: 'ZJOUT', birthday: i <= 2 ? TODAY_BIRTHDAY : undefined })),
  ...[1, 2].map((i) => ({ key: `s${i}`, msisdn: `1393000000${i}`, region: 'JS-SZ', marker: 'SZOUT' })),
  { key: 'n1', msisdn: '13910000001', region: 'JS-NJ-GL', birthday: TODAY_BIRTHDAY },
  { key: 'n2', msisdn: '13910000002', region: 'JS-NJ' },
  { key: 'n3', msisdn: '13910000003', region: 'JS-NJ-GL' },
];

interface TaskPlan {
  key: string;
  customer: string;
  assignee?: string;
  /** Moves after creation: start, then an outcome. */
  then?: Array<'start' | 'UNREACHABLE' | 'RETAINED'>;
}

const TASKS: TaskPlan[] = [
  { key: 'zOpen', customer: 'z1' },
  { key: 'zCancel', customer: 'z1' },
  { key: 'zAssigned', customer: 'z2', assignee: OUT_OF_SCOPE_AGENT },
  { key: 'zInProgress', customer: 'z2', assignee: OUT_OF_SCOPE_AGENT, then: ['start', 'UNREACHABLE'] },
  { key: 'zInProgress2', customer: 'z2', assignee: OUT_OF_SCOPE_AGENT, then: ['start', 'UNREACHABLE'] },
  { key: 'zDone', customer: 'z3', assignee: OUT_OF_SCOPE_AGENT, then: ['start', 'RETAINED'] },
  { key: 'zDone2', customer: 'z4', assignee: OUT_OF_SCOPE_AGENT, then: ['start', 'RETAINED'] },
  { key: 'sOpen', customer: 's1', assignee: 'a-sz' },
  { key: 'nMine', customer: 'n1', assignee: IN_SCOPE_AGENT, then: ['start', 'UNREACHABLE'] },
  { key: 'nMine2', customer: 'n1', assignee: IN_SCOPE_AGENT },
  // The agent sees n1 through its own tasks, never this one of a colleague's.
  { key: 'nColleague', customer: 'n1', assignee: 'a-other' },
  { key: 'nOther', customer: 'n2', assignee: 'a-other' },
  { key: 'nOpen', customer: 'n3' },
];

const ACTIVE = { field: { field: 'STATUS', op: 'EQ', value: 'active' } };
const SEGMENTS = [
  { key: 'national', name: 'Everyone active', owner: null, definition: ACTIVE },
  { key: 'zjOwned', name: 'ZJOUT Hangzhou active', owner: 'ZJ-HZ', definition: ACTIVE },
  { key: 'zjToDelete', name: 'ZJOUT Hangzhou to delete', owner: 'ZJ-HZ', definition: ACTIVE },
  { key: 'szOwned', name: 'SZOUT Suzhou active', owner: 'JS-SZ', definition: ACTIVE },
  { key: 'njOwned', name: 'Nanjing active', owner: 'JS-NJ', definition: ACTIVE },
] as const;

/** The field of CreateSegmentInput that names an owner region, if the schema has one yet. */
export function segmentOwnerField(schema: GraphQLSchema): string | undefined {
  const input = schema.getType('CreateSegmentInput') as { getFields?: () => Record<string, unknown> } | undefined;
  return Object.keys(input?.getFields?.() ?? {}).find((name) => /region/i.test(name));
}

/** Creates the fixture; `schema` tells how segments get an owner region. */
export async function createFixture(api: TestApi, schema: GraphQLSchema): Promise<Fixture> {
  const customers = await upsertPeople(api);
  await recordFacts(api);
  const tasks = await createTasks(api, customers);
  const segments = await createSegments(api, schema);
  await configurePlugins(api);
  const runs = await runJobs(api);
  const warnings = await createWarnings(api, customers);
  await createChurnModels(api);
  const outAudit = await createRoster(api);
  await createPlannerRuns(api);
  await createContactRecords(api);
  await createKpiReports(api);
  const regions = await api.ok(`{ regions(first: 100) { edges { node { id code } } } }`);
  const regionId = (code: string) => regions.regions.edges.find((e: any) => e.node.code === code).node.id as string;
  const side = (customer: string, task: string, segment: string, region: string, treeRoot: string, run: string, agent: string, marker: string): Targets => ({
    ids: { Customer: customers.get(customer)!, RetentionTask: tasks.get(task)!, Segment: segments.get(segment)!, Region: regionId(region), JobRun: run, Warning: warnings.get(customer)! },
    msisdn: PEOPLE.find((p) => p.key === customer)!.msisdn,
    regionCode: region,
    treeRoot,
    agent,
    marker,
    pluginId: PLUGIN.care,
    jobId: JOB,
  });
  return {
    in: side('n1', 'nMine', 'njOwned', 'JS-NJ', 'JS-NJ', runs.in, IN_SCOPE_AGENT, ''),
    // z2: its tasks are assigned to the out-of-scope agent, so every aimed filter finds them together.
    out: side('z2', 'zAssigned', 'zjOwned', 'ZJ-HZ', 'ZJ', runs.out, OUT_OF_SCOPE_AGENT, 'ZJOUT'),
    outTasks: { open: tasks.get('zOpen')!, cancellable: tasks.get('zCancel')!, assigned: tasks.get('zAssigned')!, inProgress: tasks.get('zInProgress')!, inProgressForAttempt: tasks.get('zInProgress2')! },
    outAudit,
    outWarnings: { toAcknowledge: warnings.get('z1')!, toResolve: warnings.get('z3')! },
    outSegments: { owned: segments.get('zjOwned')!, toDelete: segments.get('zjToDelete')!, national: segments.get('national')! },
    plugins: { enabledOutside: PLUGIN.sms, disabledOutside: PLUGIN.silent, withSettings: PLUGIN.care },
    outKeyPrefix: /^wx_([a-z0-9]+)_/.exec(await api.key({ role: 'operator', regionCodes: ['ZJ-HZ'], name: 'ZJOUT operator' }))![1]!,
    markers: ['ZJOUT', 'SZOUT'],
  };
}

async function upsertPeople(api: TestApi): Promise<Map<string, string>> {
  const input = PEOPLE.map((p) => ({
    msisdn: p.msisdn,
    name: `${p.marker ?? 'NJ'} 客户 ${p.key}`,
    regionCode: p.region,
    joinedOn: '2020-03-01',
    plan: 'P99',
    paymentType: 'POSTPAID',
    birthday: p.birthday,
    attributes: p.marker ? { note: p.marker } : {},
    consent: [{ channel: 'sms', granted: true }],
  }));
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id msisdn } } }`, { c: input });
  const byMsisdn = new Map<string, string>(r.upsertCustomers.customers.map((c: any) => [c.msisdn, c.id]));
  return new Map(PEOPLE.map((p) => [p.key, byMsisdn.get(p.msisdn)!]));
}

async function recordFacts(api: TestApi): Promise<void> {
  const usage = PEOPLE.flatMap((p, i) =>
    ['2026-08', '2026-09', '2026-10'].map((month, m) => ({ msisdn: p.msisdn, month, revenueCents: 1000 * (i + 1) + 100 * m, activeDays: 10 + m })),
  );
  await api.ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, { u: usage });
  const events = PEOPLE.map((p) => ({
    msisdn: p.msisdn,
    type: 'complaint',
    occurredAt: '2026-11-02T10:00:00+08:00',
    payload: { note: p.marker ?? 'nj' },
    idempotencyKey: `sweep-event-${p.key}`,
  }));
  await api.ok(`mutation ($e: [CustomerEventInput!]!) { recordEvents(events: $e) { recorded } }`, { e: events });
}

async function createTasks(api: TestApi, customers: Map<string, string>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const plan of TASKS) {
    const marker = PEOPLE.find((p) => p.key === plan.customer)!.marker ?? 'NJ';
    const created = await api.ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, {
      input: { customerId: customers.get(plan.customer), reason: `${marker} renewal`, tactic: 'contract-renewal', channel: 'call', dueAt: '2026-12-01T09:00:00+08:00', assignee: plan.assignee, idempotencyKey: `sweep-${plan.key}` },
    });
    const id = created.createTask.task.id as string;
    for (const step of plan.then ?? []) {
      if (step === 'start') await api.ok(`mutation ($id: ID!) { startTask(id: $id) { task { id } } }`, { id });
      else await api.ok(`mutation ($id: ID!, $o: TaskOutcome!) { recordTaskOutcome(id: $id, outcome: $o, note: "${marker} note") { task { id } } }`, { id, o: step });
    }
    ids.set(plan.key, id);
  }
  return ids;
}

/** Owned segments get their owner through the API when it takes one, else straight in the table. */
async function createSegments(api: TestApi, schema: GraphQLSchema): Promise<Map<string, string>> {
  const ownerField = segmentOwnerField(schema);
  const ids = new Map<string, string>();
  for (const s of SEGMENTS) {
    const input = { name: s.name, definition: s.definition, ...(ownerField && s.owner ? { [ownerField]: s.owner } : {}) };
    const created = await api.ok(`mutation ($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }`, { input });
    const id = created.createSegment.segment.id as string;
    if (!ownerField && s.owner) {
      const local = Number(Buffer.from(id, 'base64').toString('utf8').split(':')[1]);
      await api.database.rows(sql`update segments set region_id = (select id from regions where code = ${s.owner}) where id = ${local} returning id`);
    }
    await api.ok(`mutation ($id: ID!) { refreshSegment(id: $id) { entered } }`, { id });
    ids.set(s.key, id);
  }
  return ids;
}

async function configurePlugins(api: TestApi): Promise<void> {
  const enable = async (id: string, regionCode: string) => api.ok(`mutation ($id: String!, $r: String) { enablePlugin(id: $id, regionCode: $r) { plugin { id } } }`, { id, r: regionCode });
  const settings = async (id: string, regionCode: string, value: Record<string, unknown>) =>
    api.ok(`mutation ($id: String!, $r: String, $s: JSONObject!) { updatePluginSettings(id: $id, regionCode: $r, settings: $s) { plugin { id } } }`, { id, r: regionCode, s: value });
  for (const region of ['JS-NJ', 'ZJ-HZ', 'JS-SZ']) {
    await enable(PLUGIN.sms, region);
    await enable(PLUGIN.care, region);
  }
  await enable(PLUGIN.silent, 'JS-NJ');
  await settings(PLUGIN.sms, 'ZJ-HZ', { senderId: '10655002' });
  await settings(PLUGIN.care, 'ZJ-HZ', { message: 'ZJOUT 生日快乐，{name}！' });
  await settings(PLUGIN.care, 'JS-SZ', { message: 'SZOUT 生日快乐，{name}！' });
  await settings(PLUGIN.care, 'JS-NJ', { message: 'NJ 生日快乐，{name}！' });
}

/** Birthday greetings in both scopes, worked (they send SMS: contacts and an outbox), then one left queued. */
async function runJobs(api: TestApi): Promise<{ in: string; out: string }> {
  const run = async (regionCode: string) =>
    (await api.ok(`mutation ($r: String!) { runJob(pluginId: "${PLUGIN.care}", jobId: "${JOB}", regionCode: $r) { run { id } } }`, { r: regionCode })).runJob.run.id as string;
  const out = await run('ZJ-HZ');
  await run('JS-SZ');
  const inScope = await run('JS-NJ');
  await api.jobs.work();
  await run('ZJ-HZ');
  return { in: inScope, out };
}

/** A churn model version per side's city, as `weixi model train` stores one; labels carry the side's marker. */
async function createChurnModels(api: TestApi): Promise<void> {
  const metrics = JSON.stringify({ auc: 0.8, aucSd: 0.01, liftAt10: 2, liftAt20: 1.8, logLoss: 0.4, brier: 0.1, ece: 0.02, calibration: [], importances: [], folds: 5, repeats: 1, candidates: [] });
  for (const [code, marker] of [['JS-NJ', 'NJ'], ['JS-SZ', 'SZOUT'], ['ZJ-HZ', 'ZJOUT']]) {
    await api.database.rows(sql`
      insert into churn_models (region_id, plugin_id, rule_id, version, kind, label, features, parameters, metrics, as_of_month, horizon_months, training_rows, positives, trained_at)
      select id, 'warning-churn-model', 'churn-model', 1, 'logistic', ${`${marker} model`}, '["tenureMonths"]'::jsonb, '{}'::jsonb, ${metrics}::jsonb, '2026-10-01', 3, 100, 20, now()
      from regions where code = ${code} returning id`);
  }
}

/**
 * One open warning per person but the second Suzhou one, under the plugin the probes aim at, written as the warning engine would (a rule run
 * is covered by the warning plugins' own tests); reasons carry the side's marker. Global IDs by person.
 */
async function createWarnings(api: TestApi, customers: Map<string, string>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const person of PEOPLE.filter((p) => p.key !== 's2')) {
    const local = Number(Buffer.from(customers.get(person.key)!, 'base64').toString().split(':')[1]);
    const [row] = await api.database.rows<{ id: number }>(sql`
      insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, evidence, as_of_month, first_seen_at, last_seen_at)
      select c.id, ${PLUGIN.care}, 'sweep-rule', c.region_id, 'medium', 50, ${`${person.marker ?? ''} silent`.trim()}, '{"silentMonths": 1}'::jsonb,
             '2026-10-01', now(), now()
      from customers c where c.id = ${local} returning id`);
    ids.set(person.key, Buffer.from(`Warning:${row!.id}`).toString('base64'));
  }
  return ids;
}

/**
 * Dispatch teams and agents on each side (names carry the side's marker), dispatch rules in ZJ-HZ, and one
 * pending quality audit of the two done tasks in ZJ-HZ; returns the audit's id.
 */
async function createRoster(api: TestApi): Promise<number> {
  await api.ok(`mutation ($t: [TeamInput!]!) { upsertTeams(input: $t) { id } }`, {
    t: [
      { regionCode: 'ZJ-HZ', name: 'ZJOUT call center', kind: 'CALL_CENTER', leadAgentId: OUT_OF_SCOPE_AGENT },
      { regionCode: 'JS-SZ', name: 'SZOUT call center', kind: 'CALL_CENTER' },
      { regionCode: 'JS-NJ', name: 'NJ call center', kind: 'CALL_CENTER', leadAgentId: IN_SCOPE_AGENT },
    ],
  });
  await api.ok(`mutation ($a: [AgentInput!]!) { upsertAgents(input: $a) { agentId } }`, {
    a: [
      { agentId: OUT_OF_SCOPE_AGENT, name: 'ZJOUT agent', regionCode: 'ZJ-HZ', team: 'ZJOUT call center' },
      { agentId: 'a-sz', name: 'SZOUT agent', regionCode: 'JS-SZ', team: 'SZOUT call center' },
      { agentId: IN_SCOPE_AGENT, name: 'NJ agent', regionCode: 'JS-NJ', team: 'NJ call center' },
    ],
  });
  await api.ok(`mutation { setDispatchRules(regionCode: "ZJ-HZ", rules: { maxAttempts: 4 }) }`);
  const drawn = await api.ok(`mutation { drawQualityAudits(regionCode: "ZJ-HZ", rate: 0.5) { id } }`);
  return drawn.drawQualityAudits[0].id as number;
}

/**
 * Consent records for every person (sources carry the side's marker), a contact policy in ZJ-HZ and the
 * out-of-scope customer on the do-not-disturb list. Contacts and their decisions come from the birthday job.
 */
async function createContactRecords(api: TestApi): Promise<void> {
  await api.database.rows(sql`
    insert into contact_consents (customer_id, channel, purpose, granted, source)
    select c.id, 'sms', 'marketing', true, coalesce(c.attributes->>'note', 'NJ') || ' form' from customers c`);
  await api.ok(`mutation { setContactPolicy(regionCode: "ZJ-HZ", policy: { frequencyCap: { perDay: 2 } }) }`);
  await api.ok(`mutation { addDoNotDisturb(entries: [{ msisdn: "${PEOPLE.find((p) => p.key === 'z2')!.msisdn}", reason: "ZJOUT complaint", source: "sweep" }]) }`);
}

/** A planner run in each side's city, as the planner job records them (the out-of-scope one names a skipped ZJOUT tactic). */
async function createPlannerRuns(api: TestApi): Promise<void> {
  await api.database.rows(sql`
    insert into planner_runs (region_id, day, started_at, finished_at, status, tactics, considered, eligible, chosen, created, skipped)
    select r.id, '2026-11-15', now(), now(), 'succeeded', 1, 2, 1, 1, 1,
      case when r.code = 'ZJ-HZ' then '[{"tactic": "zjout/tactic", "error": "ZJOUT build failed"}]'::jsonb else '[]'::jsonb end
    from regions r where r.code in ('JS-NJ', 'ZJ-HZ')`);
}

/** A daily KPI report in each side's city, as the kpis-report job stores them (the out-of-scope one names ZJOUT). */
async function createKpiReports(api: TestApi): Promise<void> {
  await api.database.rows(sql`
    insert into kpi_reports (region_id, day, month, figures, html, csv)
    select r.id, '2026-11-15', '2026-11-01', '{}'::jsonb, '<p>' || r.code || case when r.code = 'ZJ-HZ' then ' ZJOUT' else '' end || '</p>', 'section,key'
    from regions r where r.code in ('JS-NJ', 'ZJ-HZ')`);
}
