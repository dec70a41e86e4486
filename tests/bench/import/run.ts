/**
 * `pnpm bench import [-- --rows N] [--reuse]`: rows per second of `weixi import usage` for N (default
 * 6,000,000) usage rows on PostgreSQL, against `psql \copy` of the same file in the same run: the DBA's way
 * to the same result (\copy into a staging table, then one INSERT … SELECT joining customers by MSISDN),
 * and \copy alone for reference. Weixi runs in its own process (as the CLI does); its peak RSS at the full
 * file and at a sixth of it shows whether memory grows with the file. Only wrong results fail the run.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '@weixi/db';
import { check, round, type Check } from '../measure.js';
import { writeResults } from '../report.js';
import { pgOf, recreate } from '../setup.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'import'),
  options: { rows: { type: 'string', default: '6000000' }, reuse: { type: 'boolean', default: false } },
});
const ROWS = Number(values.rows!.replace(/[_,]/g, ''));
const MONTHS = 12;
const CUSTOMERS = Math.ceil(ROWS / MONTHS);
const url = process.env.WEIXI_BENCH_IMPORT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_import';
const COUNTERS = ['revenue_cents', 'voice_minutes', 'data_mb', 'sms', 'recharge_cents', 'active_days', 'complaints', 'competitor_contacts'];
const months = Array.from({ length: MONTHS }, (_, k) => `2025-${String(k + 1).padStart(2, '0')}`);

/** The usage file: CUSTOMERS × 12 months, counters varying by customer and month. */
async function writeFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`msisdn,month,${COUNTERS.join(',')}\n`);
  for (let i = 0; i < rows; i++) {
    const n = Math.floor(i / MONTHS);
    const k = i % MONTHS;
    const line = `${13_900_000_000 + n},${months[k]},${(n * 37 + k * 101) % 20000},${(n + k * 7) % 900},${(n * 13 + k) % 40000},${(n + k) % 60},${(n * 3) % 10000},${(n + k) % 31},${(n + k) % 7 === 0 ? 1 : 0},${(n * k) % 11 === 0 ? 1 : 0}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function setup(): Promise<Database> {
  if (!values.reuse) await recreate(url);
  const database = await openDatabase({ url, maxConnections: 2 });
  await database.migrate();
  const sql = pgOf(database);
  const [{ n }] = (await sql`select count(*)::int as n from customers`) as unknown as [{ n: number }];
  if (n !== CUSTOMERS) {
    await sql`truncate customers cascade`;
    await sql`insert into regions (code, name, level, time_zone, path) values ('BX', 'Bench', 'province', 'Asia/Shanghai', '/BX/') on conflict do nothing`;
    await sql`insert into regions (code, name, level, time_zone, path, parent_id) select 'BX-1', 'Bench city', 'city', 'Asia/Shanghai', '/BX/BX-1/', id from regions where code = 'BX' on conflict do nothing`;
    await sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type)
      select (13900000000 + g)::text, 'c' || g, (select id from regions where code = 'BX-1'), '2020-01-01', 'p', 'prepaid' from generate_series(0, ${CUSTOMERS - 1}) g`;
    await sql`analyze customers`;
  }
  return database;
}

const seconds = (started: number) => (performance.now() - started) / 1000;

function psql(commands: string[]): number {
  const started = performance.now();
  const result = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...commands.flatMap((c) => ['-c', c])], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return seconds(started);
}

function weixi(file: string): { seconds: number; maxRssMb: number; rejected: number; created: number } {
  const result = spawnSync(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', fileURLToPath(new URL('./worker.ts', import.meta.url)), url, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`the import failed: ${result.stderr}`);
  const line = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number; rejected: number; usage: { created: number } };
  return { seconds: line.ms / 1000, maxRssMb: line.maxRssMb, rejected: line.rejected, created: line.usage.created };
}

const database = await setup();
const sql = pgOf(database);
const file = join(tmpdir(), `weixi-bench-usage-${ROWS}.csv`);
const small = join(tmpdir(), `weixi-bench-usage-${Math.floor(ROWS / 6)}.csv`);
if (!values.reuse || !existsSync(file)) await writeFile(file, ROWS);
if (!values.reuse || !existsSync(small)) await writeFile(small, Math.floor(ROWS / 6));
const fingerprint = async () => ((await sql`select count(*)::int as n, coalesce(sum(revenue_cents + voice_minutes + data_mb + active_days + complaints), 0)::bigint::text as s from monthly_usage`) as unknown as Array<{ n: number; s: string }>)[0]!;
const checks: Check[] = [];

await sql`truncate monthly_usage`;
const copyOnly = psql([`create unlogged table if not exists bench_stage (msisdn text, month text, ${COUNTERS.map((c) => `${c} integer`).join(', ')})`, 'truncate bench_stage', `\\copy bench_stage from '${file}' with (format csv, header)`]);
const baseline = psql([
  'truncate bench_stage',
  `\\copy bench_stage from '${file}' with (format csv, header)`,
  `insert into monthly_usage (customer_id, month, ${COUNTERS.join(', ')}) select c.id, (s.month || '-01')::date, ${COUNTERS.map((c) => `s.${c}`).join(', ')}
   from bench_stage s join customers c on c.msisdn = s.msisdn
   on conflict (customer_id, month) do update set ${COUNTERS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  'drop table bench_stage',
]);
const expected = await fingerprint();
await sql`truncate monthly_usage`;
const first = weixi(file);
const got = await fingerprint();
checks.push(check('same rows as psql', got.n === expected.n && got.s === expected.s && got.n === ROWS, `weixi ${got.n} rows (${got.s}), psql ${expected.n} (${expected.s})`));
checks.push(check('no rejects', first.rejected === 0 && first.created === ROWS, `${first.rejected} rejected, ${first.created} created`));
const rerun = weixi(file);
checks.push(check('a rerun changes nothing', rerun.created === 0 && (await fingerprint()).s === expected.s, `${rerun.created} created on the rerun`));
await sql`truncate monthly_usage`;
const sixth = weixi(small);

const rate = (s: number) => Math.round(ROWS / s);
const figures = {
  rows: ROWS,
  fileMb: round(statSync(file).size / 1e6),
  weixi: { seconds: round(first.seconds), rowsPerSecond: rate(first.seconds), maxRssMb: first.maxRssMb },
  rerun: { seconds: round(rerun.seconds), rowsPerSecond: rate(rerun.seconds) },
  psqlCopyAndInsert: { seconds: round(baseline), rowsPerSecond: rate(baseline) },
  psqlCopyOnly: { seconds: round(copyOnly), rowsPerSecond: rate(copyOnly) },
  ratioVsCopyAndInsert: round(baseline / first.seconds, 2),
  ratioVsCopyOnly: round(copyOnly / first.seconds, 2),
  maxRssMbAtSixth: sixth.maxRssMb,
  checks,
};
console.log(`\nweixi import usage: ${ROWS.toLocaleString('en-US')} rows (${figures.fileMb} MB) on PostgreSQL`);
console.log(`  weixi            ${figures.weixi.seconds} s  ${figures.weixi.rowsPerSecond.toLocaleString('en-US')} rows/s  peak RSS ${first.maxRssMb} MB (${sixth.maxRssMb} MB for a sixth of the file)`);
console.log(`  weixi rerun      ${figures.rerun.seconds} s  (nothing changes)`);
console.log(`  psql \\copy + insert ${figures.psqlCopyAndInsert.seconds} s  -> ratio ${figures.ratioVsCopyAndInsert}x (weixi rows/s over psql's)`);
console.log(`  psql \\copy alone    ${figures.psqlCopyOnly.seconds} s  -> ratio ${figures.ratioVsCopyOnly}x`);
for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
console.log(`results: ${writeResults(figures, 'import-latest.json')}`);
await database.close();
if (checks.some((c) => !c.ok)) process.exit(1);
