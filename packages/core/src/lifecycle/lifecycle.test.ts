import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, monthlyUsage, regions } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { lifecycleOf } from './lifecycle.js';
import { LIFECYCLE_STAGES, stageOf } from './stages.js';
import { parseSegmentDefinition } from '../segments/validate.js';
import { WARNING_CONDITIONS, WARNING_INDICATORS } from './warnings.js';

const now = new Date('2026-11-15T12:00:00Z');
let database: TestDatabase;
const ids: Record<string, number> = {};

type Usage = { month: string; revenueCents?: number; activeDays?: number; complaints?: number; competitorContacts?: number };
const active = (months: string[], extra: Partial<Usage> = {}): Usage[] => months.map((month) => ({ month, activeDays: 20, revenueCents: 1000, ...extra }));
const SIX = ['2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01'];

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const [region] = await db.insert(regions).values({ code: 'JS', name: 'Jiangsu', level: 'province', timeZone: 'Asia/Shanghai', path: '/JS/' }).returning();
  let n = 0;
  const add = async (name: string, fields: Partial<typeof customers.$inferInsert>, usage: Usage[]) => {
    const [row] = await db
      .insert(customers)
      .values({ msisdn: `1380000${String(++n).padStart(4, '0')}`, name, regionId: region!.id, joinedOn: '2020-01-01', plan: 'A', paymentType: 'prepaid', ...fields })
      .returning();
    ids[name] = row!.id;
    if (usage.length) await db.insert(monthlyUsage).values(usage.map((u) => ({ customerId: row!.id, ...u })));
  };
  await add('new', { joinedOn: '2026-11-01' }, []);
  await add('newInOctober', { joinedOn: '2026-10-20' }, []);
  await add('twoMonths', { joinedOn: '2026-09-10' }, active(['2026-09-01', '2026-10-01']));
  await add('threeMonths', { joinedOn: '2026-08-15' }, active(['2026-08-01', '2026-09-01', '2026-10-01']));
  await add('fourMonths', { joinedOn: '2026-07-15' }, active(['2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01']));
  await add('mature', { contractEndsOn: '2027-01-15' }, active(SIX, { complaints: 1 }));
  await add('silent', {}, [...active(SIX.slice(0, 5)), { month: '2026-10-01', activeDays: 0, revenueCents: 1000 }]);
  await add('silentNoRow', { joinedOn: '2026-10-10' }, []);
  await add('revenueDrop', {}, [...active(SIX.slice(0, 3)), ...active(SIX.slice(3), { revenueCents: 700 })]);
  await add('almostDrop', {}, [...active(SIX.slice(0, 3)), ...active(SIX.slice(3), { revenueCents: 701 })]);
  await add('contractIn60Days', { contractEndsOn: '2027-01-14' }, active(SIX));
  await add('contractToday', { contractEndsOn: '2026-11-15' }, active(SIX));
  await add('contractEnded', { contractEndsOn: '2026-11-14' }, active(SIX));
  await add('suspended', { status: 'suspended' }, active(SIX));
  await add('complaints', {}, [...active(SIX.slice(0, 5)), ...active(['2026-10-01'], { complaints: 2 })]);
  await add('competitor', {}, [...active(SIX.slice(0, 5)), ...active(['2026-10-01'], { competitorContacts: 1 })]);
  await add('everything', { status: 'suspended', contractEndsOn: '2026-12-01' }, [
    ...active(SIX.slice(0, 3), { revenueCents: 5000 }),
    { month: '2026-10-01', activeDays: 0, complaints: 3, competitorContacts: 2 },
  ]);
  await add('churned', { status: 'churned', churnedOn: '2026-10-01', joinedOn: '2026-10-01' }, []);
});
afterAll(() => database.close());

describe('lifecycleOf', () => {
  it('gives each customer a stage and the warnings that apply, in one statement', async () => {
    const statements: string[] = [];
    const off = database.onStatement((text) => statements.push(text));
    const result = await lifecycleOf(database.db, [...Object.values(ids), 999_999], { now });
    off();
    expect(statements).toHaveLength(1);
    expect(result.has(999_999)).toBe(false);
    const of = (name: string) => result.get(ids[name]!);
    expect(Object.fromEntries(Object.keys(ids).map((name) => [name, of(name)]))).toEqual({
      new: { stage: 'onboarding', warnings: [] },
      newInOctober: { stage: 'onboarding', warnings: [] },
      twoMonths: { stage: 'introduction', warnings: [] },
      threeMonths: { stage: 'introduction', warnings: [] },
      fourMonths: { stage: 'mature', warnings: [] },
      mature: { stage: 'mature', warnings: [] },
      silent: { stage: 'warning', warnings: ['silent'] },
      silentNoRow: { stage: 'warning', warnings: ['silent'] },
      revenueDrop: { stage: 'warning', warnings: ['revenueDrop'] },
      almostDrop: { stage: 'mature', warnings: [] },
      contractIn60Days: { stage: 'warning', warnings: ['contractExpiring'] },
      contractToday: { stage: 'warning', warnings: ['contractExpiring'] },
      contractEnded: { stage: 'mature', warnings: [] },
      suspended: { stage: 'warning', warnings: ['suspended'] },
      complaints: { stage: 'warning', warnings: ['complaints'] },
      competitor: { stage: 'warning', warnings: ['competitorContact'] },
      everything: { stage: 'warning', warnings: [...WARNING_INDICATORS] },
      churned: { stage: 'churned', warnings: [] },
    });
  });

  it('accepts duplicates and an empty batch', async () => {
    const statements: string[] = [];
    const off = database.onStatement((text) => statements.push(text));
    expect((await lifecycleOf(database.db, [], { now })).size).toBe(0);
    expect(statements).toHaveLength(0);
    off();
    const result = await lifecycleOf(database.db, [ids.silent!, ids.silent!], { now });
    expect([...result.entries()]).toEqual([[ids.silent, { stage: 'warning', warnings: ['silent'] }]]);
  });

  it('moves with the clock', async () => {
    const later = await lifecycleOf(database.db, [ids.new!, ids.fourMonths!], { now: new Date('2026-12-01T00:00:00Z') });
    // November has no usage rows yet, so both are silent by then.
    expect(later.get(ids.new!)).toEqual({ stage: 'warning', warnings: ['silent'] });
    expect(later.get(ids.fourMonths!)).toEqual({ stage: 'warning', warnings: ['silent'] });
    // Joined Sep 10: on Oct 5 not a month yet.
    const quiet = await lifecycleOf(database.db, [ids.twoMonths!], { now: new Date('2026-10-05T00:00:00Z') });
    expect(quiet.get(ids.twoMonths!)).toEqual({ stage: 'onboarding', warnings: [] });
  });
});

describe('warning conditions', () => {
  it('are valid segment definitions, so a segment can target warned customers', () => {
    for (const indicator of WARNING_INDICATORS) {
      expect(parseSegmentDefinition(WARNING_CONDITIONS[indicator])).toEqual(WARNING_CONDITIONS[indicator]);
    }
  });
});

describe('stageOf', () => {
  it('puts churn first, then warnings, then tenure', () => {
    const facts = { churned: false, warnings: [], onboarding: false, introduction: false };
    expect(stageOf({ ...facts, churned: true, warnings: ['silent'] })).toBe('churned');
    expect(stageOf({ ...facts, warnings: ['silent'], onboarding: true })).toBe('warning');
    expect(stageOf({ ...facts, onboarding: true, introduction: true })).toBe('onboarding');
    expect(stageOf({ ...facts, introduction: true })).toBe('introduction');
    expect(stageOf(facts)).toBe('mature');
    expect(LIFECYCLE_STAGES).toEqual(['onboarding', 'introduction', 'mature', 'warning', 'churned']);
  });
});
