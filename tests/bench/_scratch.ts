import { countSegmentPreview, createSegment, refreshSegment } from '@weixi/core';
import { openDatabase } from '@weixi/db';
import { BENCH_SEGMENTS, datesOf } from './segments.js';
import { BENCH_NOW, pgOf } from './setup.js';

const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/weixi_bench' });
const sql = pgOf(database);
const clock = { now: () => BENCH_NOW };
const [key = 'revenueDrop', mode = 'count'] = process.argv.slice(2);
const spec = BENCH_SEGMENTS.find((s) => s.key === key)!;
const print = (rows: any[]) => console.log(rows.map((r: any) => r['QUERY PLAN']).join('\n'));
const captured: { q: string; p: unknown[] }[] = [];
const capture = (on: boolean) => { (sql.options as any).debug = on ? (_c: number, q: string, p: unknown[]) => captured.push({ q, p }) : false; };
if (mode === 'count') {
  capture(true);
  await countSegmentPreview(database.db, spec.definition, { now: BENCH_NOW });
  capture(false);
  console.log('--- Weixi count ---');
  print(await sql.unsafe(`explain (analyze, buffers) ${captured.at(-1)!.q}`, captured.at(-1)!.p as any[]));
  console.log('--- hand-written count ---');
  print(await sql`explain (analyze, buffers) select count(*)::int as n from (${spec.members(sql, datesOf(BENCH_NOW))}) members`);
} else {
  await sql`delete from segments where name = 'scratch'`;
  const seg = await createSegment(database.db, clock, { name: 'scratch', definition: spec.definition });
  await refreshSegment(database.db, seg.id, { now: BENCH_NOW });
  capture(true);
  const t = setTimeout(() => sql`select pg_cancel_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like '%with matched as%'`.catch(() => {}), 300);
  await refreshSegment(database.db, seg.id, { now: BENCH_NOW }).catch((e) => console.log('cancelled:', e.cause?.code ?? e.code));
  clearTimeout(t);
  capture(false);
  const stmt = captured.find((c) => c.q.includes('with matched'))!;
  await sql.begin(async (tx) => {
    print(await tx.unsafe(`explain (analyze, buffers) ${stmt.q}`, stmt.p as any[]));
    throw new Error('rollback');
  }).catch((e) => { if (e.message !== 'rollback') throw e; });
  await sql`delete from segments where name = 'scratch'`;
  await sql`vacuum analyze segment_memberships`;
}
await database.close();
