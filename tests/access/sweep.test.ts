/**
 * The scope sweep, generated from the running schema so that new fields (plugin fields included) are
 * covered the day they appear: for every root query and mutation and every role, no out-of-scope row is
 * returned or changed. See tests/README.md for how the pieces fit.
 */
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '@weixi/platform';
import { changedTables, fingerprint } from './fingerprint.js';
import { probesFor, selectionFor, type GenerateOptions, type Probe } from './generate.js';
import { findLeaks } from './leaks.js';
import { MUTATION_SAMPLES, type MutationSample } from './mutation-samples.js';
import { formatReport, inBatches, type Failure } from './report.js';
import { ADMIN, type SweepRole } from './roles.js';
import { MissingSample } from './samples.js';
import { cost, depth, field, printOperation, splitWithin, tokens, type Sel } from './selection.js';
import { segmentOwnerField } from './fixture.js';
import { startSweep, type Sweep, type SweepClient } from './setup.js';

/**
 * Error codes that refuse a read without showing anything (an out-of-scope region is "not found" to
 * `regions(within:)`; plugin fields reading a region through the caller's services get FORBIDDEN). Not
 * UNAUTHENTICATED: every role's credential is valid, so that would mean the probe never ran. Not
 * PLUGIN_ERROR: a plugin failing is not a refusal.
 */
const READ_REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT']);
/** Error codes a write outside the caller's scope must fail with (anything else says the target exists). */
const WRITE_REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND']);

/**
 * Root query fields the sweep does not probe, with the reason. Keep it empty: a field listed here is a
 * field nobody checks.
 */
const UNPROBED_QUERIES: Record<string, string> = {};

/** Root query fields whose `out` probe shows even an admin nothing the oracle can recognise, with the reason. */
const OPAQUE_TO_ADMIN: Record<string, string> = {
  tacticProactiveCare_upcomingBirthdays: 'per-day counts without ids; its refusal of an out-of-scope region is still swept for every other role',
  dispatchRules: 'rules hold no ids, names or customer data; its refusal of an out-of-scope region is still swept for every other role',
  contactPolicy: 'a policy holds no ids, names or customer data; its refusal of an out-of-scope region is still swept for every other role',
  kpiSettings: 'settings hold no ids, names or customer data; its refusal of an out-of-scope region is still swept for every other role',
  myTasks: "an agent's own queue, empty for an admin (no agent id); the agents' queues are swept against the oracle",
  trustedPublishers: 'publisher keys hold no ids, names or customer data; its refusal for every other role is still swept',
};

/** Mutation samples (`name: label`) that change nothing out of scope even as admin, with the reason. Keep it empty. */
const HARMLESS_AS_ADMIN: Record<string, string> = {};

const LIMITS = DEFAULT_QUERY_LIMITS;
/** Room left under the server's limits for what the estimate does not see. */
const BUDGET = { cost: Math.floor(LIMITS.maxCost * 0.9), tokens: LIMITS.maxTokens - 50 };

let sweep: Sweep;
let options: GenerateOptions;
const probes = new Map<string, Probe[] | MissingSample>();

beforeAll(async () => {
  sweep = await startSweep();
  options = { schema: sweep.schema, sides: { in: sweep.fixture.in, out: sweep.fixture.out }, maxDepth: LIMITS.maxDepth, missing: new Set() };
  const query = sweep.schema.getQueryType()!;
  for (const name of Object.keys(query.getFields()).filter((n) => !(n in UNPROBED_QUERIES))) {
    try {
      probes.set(name, probesFor(query, name, options));
    } catch (error) {
      if (!(error instanceof MissingSample)) throw error;
      probes.set(name, error);
    }
  }
}, 300_000);
afterAll(() => sweep?.close());

const mutationType = () => sweep.schema.getMutationType()!;
const operator = () => sweep.clients.find((c) => c.role.grant.role === 'operator')!;
const problemsOf = (errors: Array<{ message: string; extensions?: { code?: string } }> | undefined, accepted?: Set<string>) =>
  (errors ?? []).filter((e) => !accepted?.has(e.extensions?.code ?? '')).map((e) => `error ${e.extensions?.code ?? '(no code)'}: ${e.message}`);

describe('scope sweep over every root field and role', () => {
  it('has a sample for every argument of every root field (new fields are swept, never skipped)', () => {
    const missing = [...options.missing];
    for (const result of probes.values()) if (result instanceof MissingSample) missing.push(result.message);
    const mutations = Object.keys(mutationType().getFields());
    for (const name of mutations) if (!MUTATION_SAMPLES[name]) missing.push(`Mutation.${name}: no sample; add one to tests/access/mutation-samples.ts that targets the out-of-scope side`);
    for (const name of Object.keys(MUTATION_SAMPLES)) if (!mutations.includes(name)) missing.push(`Mutation.${name} is gone from the schema; remove its sample`);
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('no root query shows a row out of the caller\'s scope, whoever asks', async () => {
    const failures: Failure[] = [];
    for (const [name, result] of probes) {
      if (result instanceof MissingSample) continue;
      // A field whose arguments cannot aim anywhere probes the same on both sides: run it once.
      const distinct = new Map<string, Probe>();
      for (const p of result) {
        const key = JSON.stringify(printOperation('query', [p.root]));
        if (!distinct.has(key)) distinct.set(key, p);
      }
      for (const probe of distinct.values()) failures.push(...(await sweepQuery(name, probe)));
    }
    const report = formatReport('Root queries that show out-of-scope rows', failures);
    if (report) throw new Error(report);
  }, 600_000);

  it('no root mutation changes a row out of the caller\'s scope, for any role but admin', async () => {
    // Later than the fixture: a refresh or a stamp written now differs from the fixture's.
    sweep.api.clock.set('2026-11-16T04:00:00Z');
    const failures: Failure[] = [];
    for (const name of sampledMutations()) {
      for (const c of sweep.clients.filter((c) => c.role !== ADMIN)) {
        for (const sample of samplesOf(name)) failures.push(...(await tryMutation(name, sample, c)));
      }
    }
    const report = formatReport('Root mutations that change out-of-scope rows or fail the wrong way', failures);
    if (report) throw new Error(report);
  }, 600_000);

  it('as admin, every mutation sample does change out-of-scope rows (so the fingerprint can see harm)', async () => {
    const failures: Failure[] = [];
    const all = sampledMutations().flatMap((name) => samplesOf(name).map((sample) => ({ name, sample })));
    const ordered = [...all.filter((s) => !s.sample.destructive), ...all.filter((s) => s.sample.destructive)];
    for (const { name, sample } of ordered) failures.push(...(await adminControl(name, sample)));
    const report = formatReport('Mutation samples that cannot show harm', failures);
    if (report) throw new Error(report);
  }, 600_000);
});

/** Runs every piece of a probe as every role; returns what leaked or failed. */
async function sweepQuery(name: string, probe: Probe): Promise<Failure[]> {
  const failures: Failure[] = [];
  const pieces = splitWithin(probe.root, BUDGET);
  for (const piece of pieces) {
    const over = [cost(piece) > LIMITS.maxCost && `cost ${cost(piece)}`, depth(piece) > LIMITS.maxDepth && `depth ${depth(piece)}`, tokens(piece) > LIMITS.maxTokens && `${tokens(piece)} tokens`].filter(Boolean);
    if (over.length > 0) failures.push({ field: name, label: probe.label, role: 'generator', problems: [`a piece stays over the query limits (${over.join(', ')}): lower NESTED_PAGE or the depth`] });
  }
  const operations = pieces.map((root) => printOperation('query', [root]));
  for (const op of operations) {
    const invalid = validate(sweep.schema, parse(op.text)).map((e) => `generated operation is invalid: ${e.message}`);
    if (invalid.length > 0) return [{ field: name, label: probe.label, role: 'generator', problems: invalid, operation: op }];
  }
  const runs = sweep.clients.flatMap((c) => operations.map((op) => ({ c, op })));
  const results = await inBatches(runs, 8, async ({ c, op }) => ({ c, op, response: await c.client.gql(op.text, op.variables) }));
  let shownToAdmin = 0;
  for (const { c, op, response } of results) {
    const admin = c.role === ADMIN;
    const problems = [
      ...problemsOf(response.errors, admin ? undefined : READ_REFUSALS),
      ...findLeaks(response.data, c.visibility, sweep.connections, 'Query').map((f) => `${f.path}: ${f.what}`),
    ];
    if (admin) shownToAdmin += findLeaks(response.data, operator().visibility, sweep.connections, 'Query').length;
    if (problems.length > 0) failures.push({ field: name, label: probe.label, role: c.role.name, problems, operation: op });
  }
  if (probe.side === 'out' && shownToAdmin === 0 && !(name in OPAQUE_TO_ADMIN)) {
    failures.push({
      field: name,
      label: probe.label,
      role: ADMIN.name,
      problems: ['shows an admin nothing out of the operator\'s scope: the probe does not reach the out-of-scope rows; fix its samples (or explain in OPAQUE_TO_ADMIN)'],
      operation: operations[0],
    });
  }
  return failures;
}

let sampleRun = 0;

function sampledMutations(): string[] {
  return Object.keys(mutationType().getFields())
    .filter((name) => MUTATION_SAMPLES[name])
    .sort();
}

function samplesOf(name: string): MutationSample[] {
  return MUTATION_SAMPLES[name]!({ fixture: sweep.fixture, n: ++sampleRun, segmentOwner: segmentOwnerField(sweep.schema) });
}

/** The mutation with the sample's arguments, selecting its whole payload (as an out-of-scope probe). */
function mutationOperation(name: string, sample: MutationSample) {
  const definition = mutationType().getFields()[name]!;
  const unknown = Object.keys(sample.args).filter((a) => !definition.args.some((d) => d.name === a));
  if (unknown.length > 0) throw new Error(`the sample "${sample.label}" of Mutation.${name} has arguments the mutation does not take: ${unknown.join(', ')}`);
  const args = definition.args.filter((a) => a.name in sample.args).map((a) => ({ name: a.name, type: String(a.type), value: sample.args[a.name] }));
  const payload: Sel[] = selectionFor(definition, { ...options, maxDepth: 5 }, 'out');
  return printOperation('mutation', [field(name, payload, args)]);
}

/** Runs the sample as `c`, with the fingerprint of the rows `writes` may not change taken around it. */
async function runFingerprinted(name: string, sample: MutationSample, c: SweepClient, writes: SweepRole['writes']) {
  const { api, tables } = sweep;
  const op = mutationOperation(name, sample);
  const before = await fingerprint(api, tables, writes);
  const response = await c.client.gql(op.text, op.variables);
  return { op, response, changed: changedTables(before, await fingerprint(api, tables, writes)) };
}

async function tryMutation(name: string, sample: MutationSample, c: SweepClient): Promise<Failure[]> {
  const { op, response, changed } = await runFingerprinted(name, sample, c, c.role.writes);
  const refused = (response.errors ?? []).length > 0 || response.data?.[name] == null;
  const problems = [
    ...(changed.length > 0 ? [`changed rows it may not change, in ${changed.join(', ')}`] : []),
    ...problemsOf(response.errors, WRITE_REFUSALS).map(
      (p) => `${p} (a write outside the caller's scope must fail FORBIDDEN or NOT_FOUND, before anything else${changed.length === 0 ? '; nothing out of scope changed' : ''})`,
    ),
    ...(refused ? [] : ['succeeded']),
    ...findLeaks(response.data, c.visibility, sweep.connections, 'Mutation').map((f) => `${f.path}: ${f.what}`),
  ];
  return problems.length > 0 ? [{ field: `Mutation.${name}`, label: sample.label, role: c.role.name, problems, operation: op }] : [];
}

/** The positive control: as admin, the sample changes rows outside the operator's scope. */
async function adminControl(name: string, sample: MutationSample): Promise<Failure[]> {
  const admin = sweep.clients.find((c) => c.role === ADMIN)!;
  const { op, response, changed } = await runFingerprinted(name, sample, admin, operator().role.writes);
  const problems = [
    ...problemsOf(response.errors).map((p) => `${p} (the sample must work for an admin, or it proves nothing for the others)`),
    ...(changed.length === 0 && !(`${name}: ${sample.label}` in HARMLESS_AS_ADMIN) ? ['changed nothing out of the operator\'s scope: the sample cannot show harm; aim it at out-of-scope rows'] : []),
  ];
  return problems.length > 0 ? [{ field: `Mutation.${name}`, label: sample.label, role: ADMIN.name, problems, operation: op }] : [];
}
