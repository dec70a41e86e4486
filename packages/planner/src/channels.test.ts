import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { previewPlan, runPlan, type PlanRegion } from './run.js';
import { addCustomer, addRegions, decisionsOf, tactic, tasksOf } from './world.test-support.js';

let database: TestDatabase;
let nj: PlanRegion;
const now = new Date('2026-11-16T02:00:00Z');
const db = () => database.db;
// Nanjing has calls and app push, no SMS.
const channelAvailable = (channelId: string) => ['call', 'app'].includes(channelId);

beforeAll(async () => {
  database = await createTestDatabase();
  nj = (await addRegions(database.db)).get('JS-NJ')!;
});
afterAll(() => database.close());

const tactics = [
  tactic('c1/sms-only', { rules: ['w'], channels: ['sms'], precedence: 30 }),
  tactic('c1/sms-then-call', { rules: ['w'], channels: ['sms', 'call'], precedence: 20, skills: ['renewal'] }),
];

it("does not choose a tactic none of whose channels is available, and sends the chosen one's task through its first available channel", async () => {
  const id = await addCustomer(db(), 'Qian', { warnings: [['w/x', 50]] });
  const preview = (await previewPlan(db(), { region: nj, tactics, now, channelAvailable }, [id])).get(id)!;
  expect(preview.map((a) => [a.tactic, a.eligible, a.reason, a.channel])).toEqual([
    ['c1/sms-then-call', true, null, 'call'],
    ['c1/sms-only', false, 'no channel available: sms', null],
  ]);

  const summary = await runPlan(db(), { region: nj, tactics, now, channelAvailable });
  expect(summary).toMatchObject({ chosen: 1, created: 1 });
  expect((await decisionsOf(db(), summary.runId, id)).map((d) => [d.tactic, d.chosen, d.reason])).toEqual([
    ['c1/sms-then-call', true, null],
    ['c1/sms-only', false, 'no channel available: sms'],
  ]);
  const [task] = await tasksOf(db(), id);
  expect(task).toMatchObject({ tactic: 'c1/sms-then-call', channel: 'call' });
  // the tactic's skills travel with the task, for dispatch
  expect(task!.required_skills).toEqual(['renewal']);
});
