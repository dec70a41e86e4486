/**
 * How a file's columns become rows: a `RowMapper` (a preset's code, or a mapping file read by
 * `mappingMapper`). A mapping file names, per kind it fills, the column of each field, constant values, a
 * scale for numeric usage columns (yuan to cents: 100) and the columns kept as customer attributes or
 * event payload. Without one, columns named like the fields (`msisdn`, `joined_on`, `revenueCents`) map
 * themselves.
 */
import { InputError, type InputIssue } from '@weixi/core';
import type { SourceRecord } from './source.js';
import { IMPORT_KINDS, USAGE_COUNTERS, type EventRow, type ImportKind, type ImportRow, type UsageRow } from './rows.js';

/** A rejected row's cell: where, what and why. */
export interface Reject {
  line: number;
  column: string;
  value: string;
  reason: string;
}

export interface RowMapper {
  /** The kinds it fills, in the order they are written (customers before their usage and events). */
  fills: ImportKind[];
  /** The row of a record, or the cells that could not be read (then nothing of the row is written). */
  map(record: SourceRecord): { row: ImportRow; rejects: Reject[] };
  /** The column a row field came from (`customer.joinedOn` → `JoinDate`), for rejects found later. */
  columnOf(field: string): string | undefined;
  /** The customer fields it provides: an existing customer keeps the others (consent, say). */
  customerFields: string[];
}

const CUSTOMER_TEXT = ['msisdn', 'name', 'regionCode', 'plan', 'device', 'groupId', 'accountManager'] as const;
const CUSTOMER_DATES = ['joinedOn', 'contractEndsOn', 'birthday', 'churnedOn'] as const;
const CUSTOMER_ENUMS = ['paymentType', 'status', 'groupKind'] as const;
const CUSTOMER_INTS = ['balanceCents', 'creditLimitCents', 'points'] as const;
const CUSTOMER_FIELDS = [...CUSTOMER_TEXT, ...CUSTOMER_DATES, ...CUSTOMER_ENUMS, ...CUSTOMER_INTS, 'isCampus'] as const;
const FIELDS: Record<ImportKind, readonly string[]> = {
  customers: CUSTOMER_FIELDS,
  usage: ['msisdn', 'month', ...USAGE_COUNTERS],
  events: ['msisdn', 'type', 'occurredAt', 'idempotencyKey'],
};
const REQUIRED: Record<ImportKind, readonly string[]> = {
  customers: ['msisdn', 'name', 'regionCode', 'joinedOn', 'plan', 'paymentType'],
  usage: ['msisdn', 'month'],
  events: ['msisdn', 'type', 'occurredAt'],
};

export interface KindMapping {
  /** Field → column. */
  columns?: Record<string, string>;
  /** Field → the same value for every row (a column, when also given, wins unless empty). */
  values?: Record<string, string | number | boolean>;
  /** Usage: field → factor applied to the column's number before rounding (yuan to cents: 100). */
  scale?: Record<string, number>;
  /** Customers: attribute name → column; events: payload key → column. */
  extra?: Record<string, string>;
}

export type MappingFile = Partial<Record<ImportKind, KindMapping>>;

/** Every problem of a mapping file against the file's columns, each with its path; empty when it is usable. */
export function mappingProblems(mapping: unknown, columns: readonly string[]): InputIssue[] {
  const issues: InputIssue[] = [];
  if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) return [{ path: 'mapping', message: `an object with ${IMPORT_KINDS.join(', ')}` }];
  for (const [kind, spec] of Object.entries(mapping)) {
    if (!IMPORT_KINDS.includes(kind as ImportKind)) {
      issues.push({ path: kind, message: `unknown kind; one of ${IMPORT_KINDS.join(', ')}` });
      continue;
    }
    const fields = FIELDS[kind as ImportKind];
    const s = spec as KindMapping;
    for (const [field, column] of Object.entries(s.columns ?? {})) {
      if (!fields.includes(field)) issues.push({ path: `${kind}.columns.${field}`, message: `unknown field; one of ${fields.join(', ')}` });
      else if (!columns.includes(column)) issues.push({ path: `${kind}.columns.${field}`, message: `column ${JSON.stringify(column)} is not in the file; it has ${columns.join(', ')}` });
    }
    for (const field of Object.keys(s.values ?? {})) if (!fields.includes(field)) issues.push({ path: `${kind}.values.${field}`, message: `unknown field; one of ${fields.join(', ')}` });
    for (const [field, factor] of Object.entries(s.scale ?? {})) {
      if (!(USAGE_COUNTERS as readonly string[]).includes(field) || kind !== 'usage') issues.push({ path: `${kind}.scale.${field}`, message: 'only usage counters take a scale' });
      else if (typeof factor !== 'number' || !(factor > 0)) issues.push({ path: `${kind}.scale.${field}`, message: 'a number above 0' });
    }
    for (const [name, column] of Object.entries(s.extra ?? {})) if (!columns.includes(column)) issues.push({ path: `${kind}.extra.${name}`, message: `column ${JSON.stringify(column)} is not in the file` });
    for (const field of REQUIRED[kind as ImportKind]) {
      if (field === 'idempotencyKey') continue;
      if (s.columns?.[field] === undefined && s.values?.[field] === undefined) issues.push({ path: `${kind}.columns.${field}`, message: `required: name the column holding ${field}, or give it in values` });
    }
  }
  return issues;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The mapping of a file whose columns are named like the fields (camelCase or snake_case, any case). */
export function defaultMapping(kind: ImportKind, columns: readonly string[]): MappingFile {
  const byName = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const found: Record<string, string> = {};
  for (const field of FIELDS[kind]) {
    const column = byName.get(field.toLowerCase()) ?? byName.get(snake(field)) ?? (field === 'regionCode' ? byName.get('region') : undefined);
    if (column !== undefined) found[field] = column;
  }
  return { [kind]: { columns: found } };
}

/** A RowMapper from a checked mapping file; throws InputError naming every problem. */
export function mappingMapper(mapping: MappingFile, columns: readonly string[]): RowMapper {
  const problems = mappingProblems(mapping, columns);
  if (problems.length > 0) throw new InputError(problems.map((p) => ({ path: `mapping.${p.path}`, message: p.message })));
  const fills = IMPORT_KINDS.filter((k) => mapping[k] !== undefined);
  const prefix: Record<ImportKind, string> = { customers: 'customer', usage: 'usage[0]', events: 'events[0]' };
  // Cells are read by index; a column named twice reads as its last one, as a record by name would.
  const index = new Map(columns.map((column, i) => [column, i]));
  const usage = mapping.usage;
  const scales = USAGE_COUNTERS.map((f) => usage?.scale?.[f] ?? 1);
  const slotsOf = (spec: KindMapping | undefined, fields: readonly string[]): Record<string, Slot> => {
    const slots: Record<string, Slot> = {};
    for (const field of fields) {
      const column = spec?.columns?.[field];
      const constant = spec?.values?.[field];
      slots[field] = { field, column, index: column === undefined ? -1 : index.get(column)!, constant: constant === undefined ? null : String(constant) };
    }
    return slots;
  };
  const cs = slotsOf(mapping.customers, FIELDS.customers);
  const us = slotsOf(usage, FIELDS.usage);
  const usageSlots = USAGE_COUNTERS.map((f) => us[f]!);
  const es = slotsOf(mapping.events, FIELDS.events);
  const extras = (record: SourceRecord, extra: Record<string, string> | undefined): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [name, column] of Object.entries(extra ?? {})) {
      const value = record.fields[index.get(column)!] ?? '';
      if (value) out[name] = value;
    }
    return out;
  };
  const c0 = mapping.customers;
  const customerFields = c0 ? [...new Set([...Object.keys(c0.columns ?? {}), ...Object.keys(c0.values ?? {}), ...(Object.keys(c0.extra ?? {}).length ? ['attributes'] : [])])] : [];
  return {
    fills,
    customerFields,
    columnOf(field) {
      for (const kind of fills) {
        const p = `${prefix[kind]}.`;
        if (field.startsWith(p)) return mapping[kind]!.columns?.[field.slice(p.length)];
      }
      return undefined;
    },
    map(record) {
      const rejects: Reject[] = [];
      const cells = new Cells(record, rejects);
      const row: ImportRow = {};
      const c = mapping.customers;
      if (c) {
        const get = (f: string) => cells.text(cs[f]!);
        const customer: Record<string, unknown> = {};
        for (const f of CUSTOMER_TEXT) customer[f] = get(f) ?? undefined;
        for (const f of CUSTOMER_DATES) customer[f] = get(f) ?? undefined;
        for (const f of CUSTOMER_ENUMS) customer[f] = get(f)?.toLowerCase() ?? undefined;
        for (const f of CUSTOMER_INTS) customer[f] = cells.number(cs[f]!, 1) ?? undefined;
        customer.isCampus = cells.boolean(cs.isCampus!) ?? undefined;
        const attributes = extras(record, c.extra);
        if (Object.keys(attributes).length > 0) customer.attributes = attributes;
        row.customer = customer as unknown as ImportRow['customer'];
      }
      if (usage) {
        // One literal, so every usage row has the same shape; the counters in USAGE_COUNTERS order.
        const u: UsageRow = {
          msisdn: cells.text(us.msisdn!) ?? '',
          month: cells.text(us.month!) ?? '',
          revenueCents: cells.number(usageSlots[0]!, scales[0]!),
          voiceMinutes: cells.number(usageSlots[1]!, scales[1]!),
          dataMb: cells.number(usageSlots[2]!, scales[2]!),
          sms: cells.number(usageSlots[3]!, scales[3]!),
          rechargeCents: cells.number(usageSlots[4]!, scales[4]!),
          activeDays: cells.number(usageSlots[5]!, scales[5]!),
          complaints: cells.number(usageSlots[6]!, scales[6]!),
          competitorContacts: cells.number(usageSlots[7]!, scales[7]!),
        };
        row.usage = [u];
      }
      const e = mapping.events;
      if (e) {
        const type = cells.text(es.type!) ?? '';
        const occurredAt = cells.text(es.occurredAt!) ?? '';
        const payload = extras(record, e.extra);
        const event: EventRow = { msisdn: cells.text(es.msisdn!) ?? '', type, occurredAt, payload, idempotencyKey: cells.text(es.idempotencyKey!) ?? `import:${type}:${occurredAt}` };
        row.events = [event];
      }
      return { row, rejects };
    },
  };
}

/** Where a field's cell is: its column (and that column's index in the record), or the constant it falls back to. */
interface Slot {
  field: string;
  column: string | undefined;
  index: number;
  constant: string | null;
}

/** Reads typed cells of one record, adding a reject for each that does not parse. */
class Cells {
  constructor(
    private readonly record: SourceRecord,
    private readonly rejects: Reject[],
  ) {}

  text(slot: Slot): string | null {
    if (slot.column !== undefined) {
      const raw = (this.record.fields[slot.index] ?? '').trim();
      if (raw !== '') return raw;
    }
    return slot.constant;
  }

  number(slot: Slot, scale: number): number | null {
    const text = this.text(slot);
    if (text === null) return null;
    // Thousands separators (1,234.5) are read as a spreadsheet would.
    const n = Number(text.includes(',') ? text.replace(/,/g, '') : text);
    if (!Number.isFinite(n)) {
      this.rejects.push({ line: this.record.line, column: slot.column ?? slot.field, value: text, reason: `${slot.field}: not a number` });
      return null;
    }
    return Math.round(n * scale);
  }

  boolean(slot: Slot): boolean | null {
    const text = this.text(slot);
    if (text === null) return null;
    const t = text.toLowerCase();
    if (['true', 'yes', 'y', '1'].includes(t)) return true;
    if (['false', 'no', 'n', '0'].includes(t)) return false;
    this.rejects.push({ line: this.record.line, column: slot.column ?? slot.field, value: text, reason: `${slot.field}: not a yes/no value (true, false, yes, no, 1, 0)` });
    return null;
  }
}
