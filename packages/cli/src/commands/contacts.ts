/**
 * `weixi contacts dnd import|remove, consent import, policy, decisions`: the command-line side of the
 * contact-policy gate (`@weixi/contact-policy`). Imports are all or nothing and name every bad line; a
 * rerun of the same file changes nothing. A do-not-disturb list may hold a million numbers, so it is
 * checked in one pass over the file and written in a second, in batches inside one transaction.
 */
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import { recordAudit, regionsByCode, systemClock, MAX_AUDIT_OBJECTS } from '@weixi/core';
import { addDoNotDisturb, listDecisions, policiesOf, recordConsent, removeDoNotDisturb, setContactPolicy, type ConsentRecord, type ContactDecisionView, type ContactPolicy, type DoNotDisturbEntry } from '@weixi/contact-policy';
import { contactPolicies, customers, doNotDisturb, type Db } from '@weixi/db';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseCommandLine, wholeNumber } from '../arguments.js';
import { csvField } from '../csv.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';
import { createCountProgress } from '../progress.js';
import { eachCsvRow, listed, readCsvTable } from '../table-file.js';
import { describeMigrations } from './migrate.js';

const DND_COLUMNS = ['msisdn', 'reason', 'source', 'expiresAt'] as const;
const CONSENT_COLUMNS = ['msisdn', 'channel', 'purpose', 'granted', 'source'] as const;
/** Numbers per insert statement of a do-not-disturb import (5 parameters each, well under PostgreSQL's 65,535). */
const DND_BATCH = 5_000;
/** Consent records per file (one all-or-nothing batch) and per write. */
const MAX_CONSENT_LINES = 100_000;
const CONSENT_BATCH = 2_000;
const MAX_DECISIONS = 10_000;

const USAGE = `Usage: weixi contacts dnd import FILE
       weixi contacts dnd remove MSISDN...
       weixi contacts consent import FILE
       weixi contacts policy --region CODE [--set JSON]
       weixi contacts decisions (--customer ID | --msisdn N) [--limit N] [--format table|csv]

The contact-policy gate (触达管控) checks every contact against consent, the do-not-disturb list, the
frequency cap, quiet hours, holidays and the port-out rule, and stores its decision.

dnd import      adds FILE's numbers to the do-not-disturb list (免打扰): no marketing reaches them. Every
                line is checked first; any bad line writes nothing and every bad line is named. A number
                already listed takes the file's reason, source and expiry; importing the same file again
                changes nothing. Any size: written ${format(DND_BATCH)} numbers a statement, in one transaction.
                  ${DND_COLUMNS.join(',')}
                  13912345678,12321 complaint,MIIT list,
                  +8613800000000,customer request,hall JS-NJ,2027-01-01
dnd remove      takes numbers off the list.
consent import  records consent given or withdrawn (同意), by number, all or nothing (at most
                ${format(MAX_CONSENT_LINES)} lines); a number that is no customer's is a bad line.
                  ${CONSENT_COLUMNS.join(',')}
                  13912345678,sms,marketing,false,reply TD
                  13800000000,*,all,true,signed form
policy          prints the contact policy in force in a region (JSON: its own settings over its
                ancestors' and the defaults). --set applies a patch of the region's own settings (null
                removes a key, so it is inherited again); a bad patch writes nothing and names each path.
decisions       the gate's decisions for one customer, newest first (default 50, at most ${format(MAX_DECISIONS)}).

  msisdn     5 to 20 digits, an optional leading + (dropped, as customers' numbers are stored)
  reason     why the number is listed (required); source: who listed it or where the record came from
  expiresAt  empty (never), an ISO date (2027-01-01, midnight UTC) or date-time (2027-01-01T08:00+08:00;
             without Z or an offset it is UTC)
  channel    a channel id (sms, call, email, ...) or * for every channel
  purpose    service, marketing or all (both); granted: true or false

The database is DATABASE_URL, else PGlite at WEIXI_DATA_DIR or .weixi/data; the commands that write migrate
it first. Writes are recorded in the audit log.

Examples:
  pnpm weixi contacts dnd import miit-complaints.csv
  pnpm weixi contacts policy --region JS --set '{"frequencyCap": {"perWeek": 2}, "holidays": ["2026-10-01"]}'
  pnpm weixi contacts decisions --msisdn 13912345678 --limit 20`;

export const contacts: Command = {
  name: 'contacts',
  summary: 'the contact-policy gate: do-not-disturb list, consent, policies, decisions',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'dnd') {
      const [action, ...more] = rest;
      if (action === 'import') return importDoNotDisturb(more);
      if (action === 'remove') return removeNumbers(more);
      throw new UsageError(action === undefined ? 'dnd needs import or remove' : `unknown dnd action '${action}': use import or remove`, 'contacts');
    }
    if (sub === 'consent') {
      const [action, ...more] = rest;
      if (action === 'import') return importConsent(more);
      throw new UsageError(action === undefined ? 'consent needs import' : `unknown consent action '${action}': use import`, 'contacts');
    }
    if (sub === 'policy') return policy(rest);
    if (sub === 'decisions') return decisions(rest);
    if (sub === undefined) throw new UsageError('no subcommand given: use dnd, consent, policy or decisions', 'contacts');
    throw new UsageError(`unknown subcommand '${sub}': use dnd, consent, policy or decisions`, 'contacts');
  },
};

const actor = () => `cli:${userInfo().username}`;

/** Audit objects of many numbers: the first ones listed, all counted. */
function auditObjects(keys: Iterable<string>, count: number): { objects: string[]; detail: { objectCount?: number } } {
  const objects: string[] = [];
  for (const key of keys) {
    if (objects.length === MAX_AUDIT_OBJECTS) break;
    objects.push(key);
  }
  return { objects, detail: count > MAX_AUDIT_OBJECTS ? { objectCount: count } : {} };
}

function oneFile(action: string, args: string[]): string {
  const { positionals } = parseCommandLine('contacts', args, {});
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `${action} needs the CSV file to read` : `${action} reads one file, got ${positionals.join(' ')}`, 'contacts');
  return positionals[0]!;
}

const MSISDN = /^\+?\d{5,20}$/;

/** A number as stored (no leading +), or a problem named by place. */
function msisdnAt(text: string, place: string, problems: string[]): string | undefined {
  if (MSISDN.test(text)) return text.replace(/^\+/, '');
  problems.push(`${place}, msisdn: expected 5 to 20 digits with an optional leading +, got ${JSON.stringify(text)}`);
  return undefined;
}

function required(row: Record<string, string>, column: string, place: string, problems: string[]): string {
  const value = row[column] ?? '';
  if (value === '') problems.push(`${place}, ${column}: must not be empty`);
  return value;
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO date (midnight UTC) or date-time (UTC unless it says otherwise); undefined when it is not one. */
export function parseInstant(text: string): Date | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [, day, hh = '00', mm = '00', ss = '00', fraction = '', zone = 'Z'] = m;
  const midnight = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(midnight.getTime()) || midnight.toISOString().slice(0, 10) !== day) return undefined;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4)) > 59)) return undefined;
  const at = new Date(`${day}T${hh}:${mm}:${ss}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function dndEntry(row: Record<string, string>, place: string, problems: string[]): DoNotDisturbEntry | undefined {
  const before = problems.length;
  const msisdn = msisdnAt(row.msisdn ?? '', place, problems);
  const reason = required(row, 'reason', place, problems);
  const source = required(row, 'source', place, problems);
  let expiresAt: Date | null = null;
  if (row.expiresAt) {
    expiresAt = parseInstant(row.expiresAt) ?? null;
    if (!expiresAt) problems.push(`${place}, expiresAt: expected an ISO date or date-time like 2027-01-01 or 2027-01-01T08:00+08:00, got ${JSON.stringify(row.expiresAt)}`);
  }
  return problems.length === before ? { msisdn: msisdn!, reason, source, expiresAt } : undefined;
}

const DND_SPEC = { columns: DND_COLUMNS, required: ['msisdn', 'reason', 'source'], what: 'numbers' };

async function importDoNotDisturb(args: string[]): Promise<number> {
  const file = oneFile('dnd import', args);
  // First pass: check every line, keeping only the distinct numbers (to count them), not the file.
  const distinct = new Set<string>();
  const lines = await eachCsvRow(file, DND_SPEC, (row, place, problems) => {
    const entry = dndEntry(row, place, problems);
    if (entry) distinct.add(entry.msisdn);
  });
  if (lines === 0) throw new CliError(`${file}: no numbers in it`);
  const numbers = distinct.size;
  distinct.clear();
  process.stderr.write(`Read ${format(numbers)} numbers${numbers < lines ? ` (${format(lines)} lines; a number on several lines takes its last)` : ''} from ${file}; writing them to ${describeDatabase()}\n`);

  const at = systemClock.now();
  const added = await withDatabase(async (database) => {
    const report = await applyMigrations(database);
    if (report.applied.length > 0) process.stdout.write(`${describeMigrations(report)}\n`);
    return database.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const count = async () => Number((await db.select({ n: sql<number>`count(*)` }).from(doNotDisturb))[0]!.n);
      const before = await count();
      const progress = createCountProgress('Writing the do-not-disturb list', lines, 'lines');
      let batch = new Map<string, DoNotDisturbEntry>();
      let done = 0;
      const firstNumbers: string[] = [];
      const flush = async () => {
        if (batch.size === 0) return;
        const entries = [...batch.values()];
        batch = new Map();
        await addDoNotDisturb(db, entries, at);
        for (const e of entries) if (firstNumbers.length < MAX_AUDIT_OBJECTS) firstNumbers.push(`msisdn:${e.msisdn}`);
      };
      try {
        // Second pass: the same lines, written in batches (a number repeated within a batch keeps its last line).
        await eachCsvRow(file, DND_SPEC, async (row, place, problems) => {
          const entry = dndEntry(row, place, problems);
          if (!entry) return; // The file changed since the first pass: the problems roll everything back.
          batch.delete(entry.msisdn);
          batch.set(entry.msisdn, entry);
          done++;
          if (batch.size === DND_BATCH) {
            await flush();
            progress.update(done);
          }
        });
        await flush();
        progress.update(done);
      } finally {
        progress.stop();
      }
      const after = await count();
      const audit = auditObjects(firstNumbers, numbers);
      await recordAudit(db, { at, actor: actor(), role: 'admin', operation: 'contacts.dnd.import', pluginId: null, objects: audit.objects, outcome: 'ok', detail: audit.detail });
      return after - before;
    });
  });
  process.stdout.write(`Listed ${format(numbers)} numbers from ${basename(file)} on the do-not-disturb list: ${format(added)} new, ${format(numbers - added)} already listed${numbers - added > 0 ? ' (they take the file\'s reason, source and expiry)' : ''}.\n`);
  return 0;
}

async function removeNumbers(args: string[]): Promise<number> {
  const { positionals } = parseCommandLine('contacts', args, {});
  if (positionals.length === 0) throw new UsageError('dnd remove needs the numbers to take off the list', 'contacts');
  const problems: string[] = [];
  const numbers = [...new Set(positionals.map((text) => msisdnAt(text, JSON.stringify(text), problems)))];
  if (problems.length > 0) throw new UsageError(`nothing was removed. ${listed(problems.map((p) => p.replace(', msisdn:', ':')))}`, 'contacts');
  const msisdns = numbers as string[];
  const removed = await withDatabase(async (database) => {
    const report = await applyMigrations(database);
    if (report.applied.length > 0) process.stdout.write(`${describeMigrations(report)}\n`);
    return database.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const n = await removeDoNotDisturb(db, msisdns);
      const audit = auditObjects(msisdns.map((m) => `msisdn:${m}`), msisdns.length);
      await recordAudit(db, { at: systemClock.now(), actor: actor(), role: 'admin', operation: 'contacts.dnd.remove', pluginId: null, objects: audit.objects, outcome: 'ok', detail: audit.detail });
      return n;
    });
  });
  const absent = msisdns.length - removed;
  process.stdout.write(`Removed ${format(removed)} number${removed === 1 ? '' : 's'} from the do-not-disturb list${absent > 0 ? ` (${format(absent)} ${absent === 1 ? 'was' : 'were'} not on it)` : ''}.\n`);
  return 0;
}

const CHANNEL = /^(\*|[a-z][a-z0-9-]{0,39})$/;
const PURPOSES = ['service', 'marketing', 'all'] as const;

interface ConsentLine {
  msisdn: string;
  record: Omit<ConsentRecord, 'customerId'>;
  place: string;
}

async function importConsent(args: string[]): Promise<number> {
  const file = oneFile('consent import', args);
  const table = await readCsvTable(file, { columns: CONSENT_COLUMNS, required: CONSENT_COLUMNS, max: MAX_CONSENT_LINES, what: 'consent records' });
  if (table.rows.length === 0) throw new CliError(`${file}: no consent records in it`);
  const problems: string[] = [];
  const lines: ConsentLine[] = [];
  const seen = new Map<string, string>();
  table.rows.forEach((row, i) => {
    const place = table.places[i]!;
    const before = problems.length;
    const msisdn = msisdnAt(row.msisdn ?? '', place, problems);
    const channel = row.channel ?? '';
    if (!CHANNEL.test(channel)) problems.push(`${place}, channel: expected a channel id (sms, call, email, ...) or *, got ${JSON.stringify(channel)}`);
    const purpose = row.purpose as ConsentRecord['purpose'];
    if (!PURPOSES.includes(purpose)) problems.push(`${place}, purpose: expected service, marketing or all, got ${JSON.stringify(row.purpose)}`);
    const granted = row.granted ?? '';
    if (!/^(true|false)$/i.test(granted)) problems.push(`${place}, granted: expected true or false, got ${JSON.stringify(granted)}`);
    const source = required(row, 'source', place, problems);
    if (problems.length > before) return;
    // Two lines for one number, channel and purpose would leave it to chance which one counts.
    for (const p of purpose === 'all' ? ['service', 'marketing'] : [purpose]) {
      const key = `${msisdn}\u0000${channel}\u0000${p}`;
      const first = seen.get(key);
      if (first) {
        problems.push(`${place}: repeats the ${p} consent of ${msisdn} on ${channel} given on ${first}; one line per number, channel and purpose`);
        return;
      }
      seen.set(key, place);
    }
    lines.push({ msisdn: msisdn!, record: { channel, purpose, granted: /^true$/i.test(granted), source }, place });
  });
  if (problems.length > 0) throw new CliError(`${file}: nothing was imported. ${listed(problems)}`);
  process.stderr.write(`Read ${format(lines.length)} consent records from ${file}; writing them to ${describeDatabase()}\n`);

  const at = systemClock.now();
  const customerCount = await withDatabase(async (database) => {
    const report = await applyMigrations(database);
    if (report.applied.length > 0) process.stdout.write(`${describeMigrations(report)}\n`);
    return database.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const ids = new Map<string, number>();
      const wanted = [...new Set(lines.map((l) => l.msisdn))];
      for (let i = 0; i < wanted.length; i += 5_000) {
        const rows = await db.select({ id: customers.id, msisdn: customers.msisdn }).from(customers).where(inArray(customers.msisdn, wanted.slice(i, i + 5_000)));
        for (const r of rows) ids.set(r.msisdn, r.id);
      }
      const unknown = lines.filter((l) => !ids.has(l.msisdn)).map((l) => `${l.place}, msisdn: no customer has MSISDN ${JSON.stringify(l.msisdn)}`);
      if (unknown.length > 0) throw new CliError(`${file}: nothing was imported. ${listed(unknown)}`);
      const records = lines.map((l) => ({ ...l.record, customerId: ids.get(l.msisdn)! }));
      for (let i = 0; i < records.length; i += CONSENT_BATCH) await recordConsent(db, records.slice(i, i + CONSENT_BATCH), at);
      const audit = auditObjects(wanted.map((m) => `msisdn:${m}`), wanted.length);
      await recordAudit(db, { at, actor: actor(), role: 'admin', operation: 'contacts.consent.import', pluginId: null, objects: audit.objects, outcome: 'ok', detail: audit.detail });
      return wanted.length;
    });
  });
  process.stdout.write(`Recorded ${format(lines.length)} consent records of ${format(customerCount)} customers from ${basename(file)}.\n`);
  return 0;
}

async function policy(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('contacts', args, { region: { type: 'string' }, set: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`policy takes its region as --region CODE, not ${positionals.join(' ')}`, 'contacts');
  if (values.region === undefined) throw new UsageError('policy needs --region CODE (weixi regions list shows the codes)', 'contacts');
  const code = values.region;
  let patch: Record<string, unknown> | undefined;
  if (values.set !== undefined) {
    try {
      patch = JSON.parse(values.set) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--set must be a JSON object like '{"frequencyCap": {"perDay": 2}}': ${(error as Error).message}`, 'contacts');
    }
  }
  return withDatabase(async (database) => {
    if (patch !== undefined) {
      const report = await applyMigrations(database);
      if (report.applied.length > 0) process.stderr.write(`${describeMigrations(report)}\n`);
    }
    const region = (await regionsByCode(database.db, [code])).get(code);
    if (!region) throw new CliError(`no region ${JSON.stringify(code)} in ${describeDatabase()}; weixi regions list shows the codes`);
    let inForce: ContactPolicy;
    if (patch !== undefined) {
      const set = patch;
      inForce = await database.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        const result = await setContactPolicy(db, region, set, 'policy');
        if ('issues' in result) throw new CliError(`nothing was written to the policy of ${code}. ${listed(result.issues.map((i) => `${i.path}: ${i.message}`))}`);
        await recordAudit(db, { at: systemClock.now(), actor: actor(), role: 'admin', operation: 'contacts.policy.set', pluginId: null, objects: [`region:${code}`], outcome: 'ok', detail: {} });
        return result.policy;
      });
    } else {
      inForce = (await policiesOf(database.db, [region.path])).get(region.path)!;
    }
    const [own] = await database.db.select({ policy: contactPolicies.policy }).from(contactPolicies).where(eq(contactPolicies.regionId, region.id));
    const keys = Object.keys(own?.policy ?? {});
    process.stderr.write(`${patch !== undefined ? 'Updated. ' : ''}The contact policy in force in ${code} (${region.name}); ${keys.length ? `it sets ${keys.join(', ')} itself, the rest is inherited` : 'it sets nothing itself: all is inherited'}\n`);
    process.stdout.write(`${JSON.stringify(inForce, null, 2)}\n`);
    return 0;
  });
}

const DECISION_COLUMNS = ['id', 'decidedAt', 'contactId', 'customerId', 'channel', 'purpose', 'decision', 'rule', 'reason', 'until'] as const;

async function decisions(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('contacts', args, { customer: { type: 'string' }, msisdn: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`decisions takes --customer ID or --msisdn N, not ${positionals.join(' ')}`, 'contacts');
  if ((values.customer === undefined) === (values.msisdn === undefined)) throw new UsageError('decisions needs --customer ID or --msisdn N (one of them)', 'contacts');
  const output = values.format ?? 'table';
  if (output !== 'table' && output !== 'csv') throw new UsageError(`--format must be table or csv, got '${output}'`, 'contacts');
  const limit = wholeNumber('limit', values.limit, { min: 1, max: MAX_DECISIONS }) ?? 50;
  const byId = wholeNumber('customer', values.customer, { min: 1, max: 2_147_483_647 });
  let msisdn: string | undefined;
  if (values.msisdn !== undefined) {
    const problems: string[] = [];
    msisdn = msisdnAt(values.msisdn, '--msisdn', problems);
    if (problems.length > 0) throw new UsageError(problems[0]!.replace(', msisdn:', ':'), 'contacts');
  }
  return withDatabase(async (database) => {
    const [customer] = await database.db
      .select({ id: customers.id, msisdn: customers.msisdn })
      .from(customers)
      .where(byId !== undefined ? eq(customers.id, byId) : eq(customers.msisdn, msisdn!));
    if (!customer) throw new CliError(`no customer ${byId !== undefined ? byId : `has MSISDN ${JSON.stringify(msisdn)}`} in ${describeDatabase()}`);
    const rows = await listDecisions(database.db, { customerIds: [customer.id], limit });
    if (rows.length === 0) {
      process.stderr.write(`No decisions for customer ${customer.id} (${customer.msisdn}): the gate has not seen a contact to them.\n`);
      return 0;
    }
    const cells = rows.map((d) => decisionCells(d));
    if (output === 'csv') {
      process.stdout.write(`${DECISION_COLUMNS.join(',')}\n`);
      for (const c of cells) process.stdout.write(`${c.map(csvField).join(',')}\n`);
      return 0;
    }
    process.stdout.write(`Decisions for customer ${customer.id} (${customer.msisdn}), newest first:\n`);
    process.stdout.write(aligned([['id', 'decided at', 'contact', 'channel', 'purpose', 'decision', 'rule', 'until', 'reason'], ...cells.map((c) => [c[0], c[1], c[2], c[4], c[5], c[6], c[7], c[9], c[8]] as string[])]));
    process.stdout.write(`\n${format(rows.length)} decision${rows.length === 1 ? '' : 's'}${rows.length === limit ? ` (the newest ${format(limit)}; --limit shows more)` : ''}\n`);
    return 0;
  });
}

function decisionCells(d: ContactDecisionView): string[] {
  return [String(d.id), d.decidedAt.toISOString(), String(d.contactId), String(d.customerId), d.channel, d.purpose, d.decision, d.rule ?? '', d.reason ?? '', d.until?.toISOString() ?? ''];
}

/** Rows as columns padded to their widest value (the last one left as is). */
function aligned(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('').trimEnd()}\n`).join('');
}
