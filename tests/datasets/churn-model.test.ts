/**
 * The public data sets end to end: imported with their presets into their own regions, the churn model
 * plugin trained there by the core, and customers imported without an outcome scored by the region's model.
 * Fewer folds and candidates than the full protocol (whose figures are in the plugin's README), with floors a
 * little below the issue's targets. Skipped, saying so, when the data sets are not beside the repository.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '@weixi/import';
import { createTestPlatform, type TestPlatform } from '@weixi/testing';

const DATASETS = process.env.WEIXI_DATASETS_DIR ?? fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const IBM = join(DATASETS, 'WA_Fn-UseC_-Telco-Customer-Churn.csv');
const BIGML = join(DATASETS, 'churn-bigml-80.csv');
const present = existsSync(IBM) && existsSync(BIGML);
const PLUGIN = fileURLToPath(new URL('../../plugins/warning-churn-model', import.meta.url));
const ID = 'warning-churn-model';
const NOW = '2026-11-16T07:00:00+08:00';

let p: TestPlatform;
let dir: string;

beforeAll(async () => {
  if (!present) return;
  dir = await mkdtemp(join(tmpdir(), 'weixi-datasets-'));
  p = await createTestPlatform({ plugins: [PLUGIN], now: NOW, regions: [] });
  for (const [file, preset] of [[IBM, 'ibm-telco'], [BIGML, 'bigml']] as const) {
    const report = await importFile(p.database, { kind: 'customers', file, preset, now: p.clock.now(), rejectFile: join(dir, `${preset}.rejects.csv`) });
    expect(report.rejected, `${preset} rejects`).toBe(0);
  }
  await p.enable(ID, 'IBM');
  await p.enable(ID, 'BIGML');
}, 300_000);
afterAll(async () => {
  await p?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!present)(`the churn model on the public data sets ${present ? '' : `(skipped: no data sets in ${DATASETS}; set WEIXI_DATASETS_DIR)`}`, () => {
  it('IBM Telco: the L2 logistic regression ranks churners (AUC, lift in the top 10%)', async () => {
    await p.configure(ID, 'IBM', { folds: 5, repeats: 1, models: ['logistic'] });
    const { model } = await p.host.trainChurnModel({ regionCode: 'IBM' });
    expect(model).toMatchObject({ regionCode: 'IBM', trainingRows: 7043, positives: 1869 });
    expect(model.metrics.auc).toBeGreaterThanOrEqual(0.84);
    expect(model.metrics.liftAt10).toBeGreaterThanOrEqual(2.7);
  }, 120_000);

  it('BigML 80%: boosted trees beat the linear model by far, as the data is non-linear', async () => {
    await p.configure(ID, 'BIGML', { folds: 3, repeats: 1, models: ['logistic', 'trees'] });
    const { model } = await p.host.trainChurnModel({ regionCode: 'BIGML' });
    expect(model).toMatchObject({ regionCode: 'BIGML', trainingRows: 2666, positives: 388 });
    expect(model.label).toMatch(/^boosted trees/);
    expect(model.metrics.auc).toBeGreaterThanOrEqual(0.9);
    const [linear] = model.metrics.candidates.filter((c) => /logistic/.test(c.label));
    expect(linear!.auc).toBeLessThan(model.metrics.auc - 0.05);
  }, 180_000);

  it('customers imported without an outcome get a churn risk from the region\'s model at once', async () => {
    // 300 accounts of the BigML file again without its Churn column (as a campaign list would come): the
    // same accounts (the preset's id hashes the columns, not the label), now of unknown outcome.
    const lines = (await readFile(BIGML, 'utf8')).trim().split('\n').slice(0, 301);
    const file = join(dir, 'unlabelled.csv');
    await writeFile(file, `${lines.map((line) => line.split(',').slice(0, -1).join(',')).join('\n')}\n`);
    const report = await importFile(p.database, { kind: 'customers', file, preset: 'bigml', now: p.clock.now(), rejectFile: join(dir, 'unlabelled.rejects.csv') });
    expect(report).toMatchObject({ rejected: 0, customers: { updated: 300 } });
    const summaries = await p.host.scoreChurnModels('BIGML');
    expect(summaries.length).toBeGreaterThan(10); // a city per state
    const [scored] = await p.sql<{ unknown: number; warned: number }>`
      select count(*)::int as unknown, count(w.id)::int as warned
      from customers c left join warnings w on w.customer_id = c.id and w.plugin_id = ${ID} and w.status = 'open'
      where c.attributes ->> 'outcome' = 'unknown'`;
    expect(scored!.unknown).toBe(300);
    // About one in seven BigML customers churns; a model that warns none or all of them ranks nothing.
    expect(scored!.warned).toBeGreaterThan(5);
    expect(scored!.warned).toBeLessThan(150);
  }, 120_000);
});
