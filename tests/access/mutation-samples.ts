/**
 * For every root mutation, arguments that aim at out-of-scope rows: the sweep runs each as every role but
 * admin and checks that nothing it may not change did change; then runs it as admin, where it must change
 * something out of scope (so each sample is proven able to do harm). A mutation missing here fails the
 * sweep, naming it: add a sample that targets the out-of-scope side of the fixture.
 */
import type { Fixture } from './fixture.js';
import { generatePublisherKeys } from '@weixi/plugin-store';
import { SWEEP_PUBLISHER } from './plugin-installs.js';
import { IN_SCOPE_AGENT, OUT_OF_SCOPE_AGENT } from './roles.js';

export interface MutationSample {
  /** What the sample tries, for messages. */
  label: string;
  args: Record<string, unknown>;
  /** Moves or deletes its target: the admin runs it after the others, so they still find theirs. */
  destructive?: boolean;
}

export interface SampleContext {
  fixture: Fixture;
  /** Unique per run, for names, msisdns and idempotency keys. */
  n: number;
  /** The CreateSegmentInput field naming an owner region, when the schema has one. */
  segmentOwner?: string;
}

const ACTIVE = { field: { field: 'STATUS', op: 'EQ', value: 'active' } };
/** Region codes a plugin or job change may name: the out-of-scope city, the shared province, none (global). */
const OUTSIDE_LEVELS: Array<{ label: string; regionCode?: string }> = [{ label: 'in ZJ-HZ', regionCode: 'ZJ-HZ' }, { label: 'in JS (above the caller)', regionCode: 'JS' }, { label: 'globally' }];
const levels = (args: Record<string, unknown>) => OUTSIDE_LEVELS.map((l) => ({ label: l.label, args: { ...args, ...(l.regionCode ? { regionCode: l.regionCode } : {}) } }));

const customer = (msisdn: string, regionCode: string, n: number) => ({
  msisdn,
  name: `sweep ${n}`,
  regionCode,
  joinedOn: '2021-01-01',
  plan: 'P59',
  paymentType: 'PREPAID',
});

export const MUTATION_SAMPLES: Record<string, (c: SampleContext) => MutationSample[]> = {
  upsertTeams: ({ n }) => [
    { label: 'a new team in ZJ-HZ', args: { input: [{ regionCode: 'ZJ-HZ', name: `sweep ${n}`, kind: 'CALL_CENTER' }] } },
    { label: 'an out-of-scope team, its lead changed', args: { input: [{ regionCode: 'ZJ-HZ', name: 'ZJOUT call center', kind: 'CALL_CENTER', leadAgentId: `sweep-${n}` }] } },
  ],
  upsertAgents: ({ n }) => [
    { label: 'a new agent in ZJ-HZ', args: { input: [{ agentId: `sweep-${n}`, name: 'sweep', regionCode: 'ZJ-HZ', team: 'ZJOUT call center' }] } },
    { label: 'an out-of-scope agent moved into scope', args: { input: [{ agentId: OUT_OF_SCOPE_AGENT, name: 'sweep', regionCode: 'JS-NJ', team: 'NJ call center' }] }, destructive: true },
  ],
  setDispatchRules: ({ n }) => [
    { label: 'in ZJ-HZ', args: { regionCode: 'ZJ-HZ', rules: { auditWindowDays: 1 + (n % 300) } } },
    { label: 'in JS (above the caller)', args: { regionCode: 'JS', rules: { auditWindowDays: 1 + (n % 300) } } },
  ],
  setContactPolicy: ({ n }) => [
    { label: 'in ZJ-HZ', args: { regionCode: 'ZJ-HZ', policy: { frequencyCap: { perDay: 3 + (n % 20) } } } },
    { label: 'in JS (above the caller)', args: { regionCode: 'JS', policy: { frequencyCap: { perDay: 3 + (n % 20) } } } },
  ],
  setContactConsent: ({ fixture, n }) => [
    { label: 'an out-of-scope customer\'s opt-out', args: { consents: [{ customerId: fixture.out.ids.Customer, channel: 'sms', purpose: 'MARKETING', granted: false, source: `sweep ${n}` }] } },
  ],
  addDoNotDisturb: ({ fixture, n }) => [{ label: 'the out-of-scope customer\'s number, a new reason', args: { entries: [{ msisdn: fixture.out.msisdn, reason: `sweep ${n}`, source: 'sweep' }] } }],
  removeDoNotDisturb: ({ fixture }) => [{ label: 'the out-of-scope customer\'s number', args: { msisdns: [fixture.out.msisdn] }, destructive: true }],
  setKpiSettings: ({ n }) => [
    { label: 'in ZJ-HZ', args: { regionCode: 'ZJ-HZ', settings: { horizonMonths: 1 + (n % 12) } } },
    { label: 'in JS (above the caller)', args: { regionCode: 'JS', settings: { horizonMonths: 1 + (n % 12) } } },
  ],
  runDispatch: () => [{ label: 'in ZJ-HZ', args: { regionCode: 'ZJ-HZ' } }],
  runPlanner: () => [{ label: 'in ZJ-HZ', args: { regionCode: 'ZJ-HZ' } }],
  drawQualityAudits: () => [{ label: 'in ZJ-HZ', args: { regionCode: 'ZJ-HZ', rate: 1 } }],
  recordAuditResult: ({ fixture }) => [{ label: 'a pending out-of-scope audit, failed (reopens its task)', args: { auditId: fixture.outAudit, passed: false, note: 'sweep' }, destructive: true }],
  recordContactAttempt: ({ fixture }) => [{ label: 'an out-of-scope task in progress', args: { taskId: fixture.outTasks.inProgressForAttempt, disposition: 'ACCEPTED', note: 'sweep' } }],
  assignTask: ({ fixture }) => [{ label: 'an out-of-scope open task, to the caller\'s agent', args: { id: fixture.outTasks.open, assignee: IN_SCOPE_AGENT } }],
  cancelTask: ({ fixture }) => [{ label: 'an out-of-scope open task', args: { id: fixture.outTasks.cancellable, reason: 'sweep' } }],
  acknowledgeWarning: ({ fixture }) => [{ label: 'an out-of-scope open warning', args: { id: fixture.outWarnings.toAcknowledge, note: 'sweep' } }],
  resolveWarning: ({ fixture }) => [{ label: 'an out-of-scope open warning', args: { id: fixture.outWarnings.toResolve, note: 'sweep' } }],
  startTask: ({ fixture }) => [{ label: 'an out-of-scope assigned task', args: { id: fixture.outTasks.assigned } }],
  recordTaskOutcome: ({ fixture }) => [{ label: 'an out-of-scope task in progress', args: { id: fixture.outTasks.inProgress, outcome: 'RETAINED', note: 'sweep' } }],
  createTask: ({ fixture, n }) => [
    {
      label: 'for an out-of-scope customer',
      args: { input: { customerId: fixture.out.ids.Customer, reason: 'sweep', dueAt: '2026-12-20T09:00:00+08:00', assignee: IN_SCOPE_AGENT, idempotencyKey: `sweep-create-${n}` } },
    },
  ],
  createSegment: ({ n, segmentOwner }) => [
    { label: 'national', args: { input: { name: `sweep national ${n}`, definition: ACTIVE } } },
    ...(segmentOwner ? [{ label: 'owned by ZJ-HZ', args: { input: { name: `sweep zj ${n}`, definition: ACTIVE, [segmentOwner]: 'ZJ-HZ' } } }] : []),
  ],
  updateSegment: ({ fixture, n }) => [
    { label: 'owned by ZJ-HZ', args: { id: fixture.outSegments.owned, input: { description: `sweep ${n}` } } },
    { label: 'national', args: { id: fixture.outSegments.national, input: { description: `sweep ${n}` } } },
  ],
  refreshSegment: ({ fixture }) => [
    { label: 'owned by ZJ-HZ', args: { id: fixture.outSegments.owned } },
    { label: 'national', args: { id: fixture.outSegments.national } },
  ],
  deleteSegment: ({ fixture }) => [
    { label: 'owned by ZJ-HZ', args: { id: fixture.outSegments.toDelete }, destructive: true },
    { label: 'national', args: { id: fixture.outSegments.national }, destructive: true },
  ],
  refreshTiers: () => [{ label: 'ranks every province', args: {} }],
  enablePlugin: ({ fixture }) => levels({ id: fixture.plugins.disabledOutside }),
  disablePlugin: ({ fixture }) => levels({ id: fixture.plugins.enabledOutside }),
  updatePluginSettings: ({ fixture, n }) => levels({ id: fixture.plugins.withSettings, settings: { daysAhead: n % 30 } }),
  runJob: ({ fixture }) => [{ label: 'in ZJ-HZ', args: { pluginId: fixture.out.pluginId, jobId: fixture.out.jobId, regionCode: 'ZJ-HZ' } }],
  pauseJob: ({ fixture }) => [{ label: 'in ZJ-HZ', args: { pluginId: fixture.out.pluginId, jobId: fixture.out.jobId, regionCode: 'ZJ-HZ' } }],
  resumeJob: ({ fixture }) => [{ label: 'in ZJ-HZ', args: { pluginId: fixture.out.pluginId, jobId: fixture.out.jobId, regionCode: 'ZJ-HZ' } }],
  upsertCustomers: ({ fixture, n }) => [
    { label: 'a new customer in ZJ-HZ', args: { customers: [customer(`1392900${String(n).padStart(4, '0')}`, 'ZJ-HZ', n)] } },
    { label: 'replacing an out-of-scope customer', args: { customers: [customer(fixture.out.msisdn, 'ZJ-HZ', n)] } },
    { label: 'moving an out-of-scope customer into scope', args: { customers: [customer(fixture.out.msisdn, 'JS-NJ-GL', n)] }, destructive: true },
    { label: 'moving an in-scope customer out of scope', args: { customers: [customer(fixture.in.msisdn, 'ZJ-HZ', n)] }, destructive: true },
  ],
  recordUsage: ({ fixture, n }) => [
    { label: 'by the MSISDN of an out-of-scope customer', args: { usage: [{ msisdn: fixture.out.msisdn, month: '2026-10', revenueCents: n }] } },
    { label: 'by the id of an out-of-scope customer', args: { usage: [{ customerId: fixture.out.ids.Customer, month: '2026-09', revenueCents: n }] } },
  ],
  createApiKey: ({ n }) => [
    { label: 'an admin key', args: { input: { role: 'ADMIN', name: `sweep admin ${n}` } } },
    { label: 'an operator key for ZJ-HZ', args: { input: { role: 'OPERATOR', regionCodes: ['ZJ-HZ'], name: `sweep zj ${n}` } } },
  ],
  upsertRegions: ({ n }) => [
    { label: 'a new city under ZJ', args: { input: [{ code: `ZJ-S${n}`, name: `sweep ${n}`, level: 'CITY', parentCode: 'ZJ' }] } },
    { label: 'renaming the shared province JS', args: { input: [{ code: 'JS', name: `江苏 ${n}`, level: 'PROVINCE' }] } },
  ],
  revokeApiKey: ({ fixture }) => [{ label: 'the key of an out-of-scope operator', args: { prefix: fixture.outKeyPrefix } }],
  revokeJwt: ({ n }) => [{ label: "a subject's JWTs", args: { subject: `sweep-subject-${n}` } }],
  // Plugin installs (admin only) act on what plugin-installs.ts prepared.
  installPlugin: () => [{ label: 'a signed plugin from the registry', args: { name: 'weixi-plugin-arriving' } }],
  upgradePlugin: () => [{ label: 'an installed plugin to 1.1.0', args: { id: 'greeting', range: '~1.1.0' } }],
  uninstallPlugin: () => [{ label: 'an installed plugin', args: { id: 'parting' }, destructive: true }],
  purgePlugin: () => [{ label: "an uninstalled plugin's settings", args: { id: 'departed' }, destructive: true }],
  trustPublisher: ({ n }) => [{ label: 'a new publisher key', args: { publisher: `sweep-${n}`, publicKey: generatePublisherKeys().publicKey } }],
  untrustPublisher: () => [{ label: 'a trusted key', args: { keyId: SWEEP_PUBLISHER.keyId }, destructive: true }],
  // An upload (the test client sends a Blob variable as a multipart request) of a month of the out-of-scope customer's usage.
  importFile: ({ fixture, n }) => {
    const file = (cents: number) => new Blob([`msisdn,month,revenue_cents\n${fixture.out.msisdn},2026-10,${cents}\n`]);
    return [
      { label: 'into ZJ-HZ', args: { kind: 'USAGE', file: file(n), regionCode: 'ZJ-HZ' } },
      { label: 'globally', args: { kind: 'USAGE', file: file(n + 1) } },
    ];
  },
  recordEvents: ({ fixture, n }) => [
    { label: 'by the MSISDN of an out-of-scope customer', args: { events: [{ msisdn: fixture.out.msisdn, type: 'complaint', occurredAt: '2026-11-10T10:00:00+08:00', idempotencyKey: `sweep-msisdn-${n}` }] } },
    { label: 'by the id of an out-of-scope customer', args: { events: [{ customerId: fixture.out.ids.Customer, type: 'complaint', occurredAt: '2026-11-10T10:00:00+08:00', idempotencyKey: `sweep-id-${n}` }] } },
  ],
};
