/**
 * One `weixi import usage` in its own process, so its time and peak RSS are its own: the same call the
 * CLI makes. Prints one JSON line: ms, rows, report, maxRssMb.
 */
import { openDatabase } from '@weixi/db';
import { importFile } from '@weixi/import';

const [url, file] = process.argv.slice(2);
const database = await openDatabase({ url: url!, maxConnections: 2 });
const started = performance.now();
const report = await importFile(database, { kind: 'usage', file: file!, now: new Date('2026-11-15T04:00:00Z') });
const ms = performance.now() - started;
await database.close();
process.stdout.write(`${JSON.stringify({ ms, rows: report.rows, rejected: report.rejected, usage: report.usage, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
