import { CORE_JOB_PREFIX, createSegment, createTask, refreshSegment, refreshTiers, warningJobId, type Clock } from '@weixi/core';
import { customers, regions, type Database } from '@weixi/db';
import { seedDemoData } from '@weixi/demo';
import { and, asc, between, eq, isNull } from 'drizzle-orm';
import { DISPATCH_OWNER, KPIS_OWNER, PLANNER_JOB, PLANNER_OWNER, type Logger, type Platform } from '@weixi/platform';
import { DEMO_REGIONS } from '@weixi/demo';
import { SYSTEM_PRINCIPAL } from '@weixi/core/access';
import { DISPATCH_JOB, upsertAgents, upsertTeams } from '@weixi/dispatch';
import { addMonths, computeChurnFacts, DAILY_REPORT_JOB, lastCompleteMonth, seedControlGroupHistory, setKpiSettings } from '@weixi/kpis';
import { DEMO_AGENTS, DEMO_TEAMS } from './demo-roster.js';

/** Segments an operator would build first; they show each kind of condition. */
const DEMO_SEGMENTS = [
  {
    name: 'Contract ends within 60 days',
    description: '到期续约: renew before expiry.',
    definition: { and: [{ field: { field: 'contractEndsInDays', op: 'gte', value: '0' } }, { field: { field: 'contractEndsInDays', op: 'lte', value: '60' } }] },
  },
  {
    name: 'Silent last month',
    description: '沉默客户: no active day in the last complete month.',
    definition: { metric: { metric: 'activeDays', measure: 'monthsWithoutActivity', months: 6, op: 'gte', value: 1 } },
  },
  {
    name: 'ARPU down 30% over 3 months',
    description: 'Revenue of the last 3 months at most 70% of the 3 before.',
    definition: { metric: { metric: 'revenueCents', measure: 'changeRatio', months: 3, op: 'lte', value: -0.3 } },
  },
  {
    name: 'Nanjing campus',
    description: '校园客户 in Nanjing.',
    definition: { and: [{ region: { codes: ['JS-NJ'] } }, { field: { field: 'isCampus', op: 'eq', value: 'true' } }] },
  },
  {
    name: 'High value in Zhejiang',
    definition: { and: [{ region: { codes: ['ZJ'] } }, { tier: { in: ['diamond', 'gold', 'silver', 'mid_high'] } }] },
  },
];

/** Seeds the demo population, ranks tiers, builds and refreshes demo segments and opens a few tasks. */
export async function seedDemo(database: Database, clock: Clock, size: number, logger: Logger): Promise<void> {
  let lastLogged = 0;
  await seedDemoData(database, {
    customers: size,
    now: clock.now(),
    onProgress: (p) => {
      if (p.done === p.total || Date.now() - lastLogged > 1000) {
        lastLogged = Date.now();
        logger.info('seeding demo data', { phase: p.phase, done: p.done, total: p.total });
      }
    },
  });
  const { db } = database;
  const now = clock.now();
  const tiers = await refreshTiers(db, { now });
  logger.info('value tiers ranked', { customers: tiers.updated });
  for (const segment of DEMO_SEGMENTS) {
    const created = await createSegment(db, clock, segment);
    const refreshed = await refreshSegment(db, created.id, { now });
    logger.info('demo segment refreshed', { segment: segment.name, members: refreshed.memberCount });
  }
  // Three past months of a tactic offered with a control group held out (the planner keeps holding out the
  // same share), and the churn facts, so the KPIs and their uplift have something to show on first look.
  const DEMO_TACTIC = 'tactic-prepaid-boost/prepaid-boost';
  const history = await seedControlGroupHistory(db, { now, tactic: DEMO_TACTIC });
  const provinces = await db.select().from(regions).where(isNull(regions.parentId));
  for (const province of provinces) {
    await setKpiSettings(db, province, { controlGroups: { tactics: { [DEMO_TACTIC]: 0.2 } } });
    const last = lastCompleteMonth(now, province.timeZone);
    await computeChurnFacts(db, { region: province, from: addMonths(last, -11), to: last });
  }
  logger.info('demo treatment and control history', history);
  // A few renewal calls, so the task queue is not empty on first look.
  const in30Days = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  const expiring = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.status, 'active'), between(customers.contractEndsOn, today, in30Days)))
    .orderBy(asc(customers.contractEndsOn))
    .limit(20);
  for (const [i, c] of expiring.entries()) {
    await createTask(db, clock, {
      customerId: c.id,
      reason: 'contract ends within 30 days',
      tactic: 'contract-renewal',
      channel: 'call',
      assignee: i % 2 ? DEMO_AGENTS[2 + (i % 2)]!.agentId : null,
      dueAt: new Date(now.getTime() + 3 * 86_400_000),
      idempotencyKey: `demo-renewal-${c.id}`,
    });
  }
}

/**
 * The demo's operator installs every warning-rule plugin found in each demo province and runs each rule
 * once now (after that, on its schedule), so a first start shows warnings, churn risk and backtests.
 */
export async function installDemoWarningRules(platform: Platform, logger: Logger): Promise<void> {
  for (const state of platform.plugins.list()) {
    const rules = state.manifest?.contributes?.warningRules ?? [];
    if (rules.length === 0 || state.status === 'refused') continue;
    for (const province of DEMO_REGIONS) await platform.plugins.enable(state.id, province.code);
    const cities = await platform.plugins.jobRegions(state.id);
    for (const rule of rules) for (const city of cities) await platform.jobs.runNow(state.id, warningJobId(rule.id), city.regionId);
    logger.info('demo warning rules enabled', { plugin: state.id, rules: rules.map((r) => r.id), cities: cities.length });
  }
}

/** The platform's own jobs, as the job runner names them (`core:<name>`). */
const PLANNER = { owner: `${CORE_JOB_PREFIX}${PLANNER_OWNER}`, job: PLANNER_JOB.id };
const DISPATCH = { owner: `${CORE_JOB_PREFIX}${DISPATCH_OWNER}`, job: DISPATCH_JOB.id };
const KPI_REPORT = { owner: `${CORE_JOB_PREFIX}${KPIS_OWNER}-report`, job: DAILY_REPORT_JOB.id };

/**
 * The demo's operator loads the roster, enables each of `pluginIds` that has tactics or channels in each demo
 * province (the planner only uses channels enabled in the city), and queues one planner run and then one
 * dispatch run per city, then a daily KPI report per province and city. Queued after the warning runs (the
 * runner takes due runs oldest first, one at a time), so the first plan sees the warnings, the first
 * dispatch its tasks, and the first report both.
 */
export async function installDemoTactics(platform: Platform, database: Database, logger: Logger, pluginIds: readonly string[]): Promise<void> {
  await upsertTeams(database.db, SYSTEM_PRINCIPAL, DEMO_TEAMS);
  await upsertAgents(database.db, SYSTEM_PRINCIPAL, DEMO_AGENTS);
  const tactics: string[] = [];
  const channels: string[] = [];
  for (const state of platform.plugins.list()) {
    const contributes = state.manifest?.contributes;
    const kind = (contributes?.tactics ?? []).length > 0 ? tactics : (contributes?.channels ?? []).length > 0 ? channels : null;
    if (!pluginIds.includes(state.id) || !kind || state.status === 'refused') continue;
    for (const province of DEMO_REGIONS) await platform.plugins.enable(state.id, province.code);
    kind.push(state.id);
  }
  const cities = await platform.plugins.jobRegions(PLANNER.owner);
  for (const city of cities) await platform.jobs.runNow(PLANNER.owner, PLANNER.job, city.regionId);
  for (const city of cities) await platform.jobs.runNow(DISPATCH.owner, DISPATCH.job, city.regionId);
  for (const region of await platform.plugins.jobRegions(KPI_REPORT.owner)) await platform.jobs.runNow(KPI_REPORT.owner, KPI_REPORT.job, region.regionId);
  logger.info('demo tactics enabled', { plugins: tactics, channels, teams: DEMO_TEAMS.length, agents: DEMO_AGENTS.length, cities: cities.length });
}
