/**
 * `bigml`: the BigML telecom churn files (`churn-bigml-80.csv`, `-20.csv`), one row per account, without an
 * id. Each row becomes:
 * - a customer of the state's city under the sample province BIGML (`BIGML-KS`, every state created when
 *   absent), MSISDN `1` + area code + 10 digits of a hash of the row (a rerun of the file gives the same
 *   ones), joined `Account length` days before the snapshot month ends, plan from the international and
 *   voice-mail plans, every column kept as an attribute;
 * - one month of usage, the snapshot month: minutes (day + evening + night + international), charges as
 *   revenue, customer service calls as complaints;
 * - `Churn = True`: churned in the month after the snapshot; a file without the column imports customers
 *   of unknown outcome (`attributes.outcome = 'unknown'`).
 */
import type { CustomerInput } from '@weixi/core';
import type { Database } from '@weixi/db';
import type { Reject, RowMapper } from '../mapping.js';
import { requireColumns, type Preset } from './preset.js';
import { SNAPSHOT_MONTH, addMonths, lastDayOf } from './snapshot.js';
import { ensureRegions } from './sample-regions.js';

const STATES = 'AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY'.split(' ');
const NUMBERS = ['Account length', 'Area code', 'Number vmail messages', 'Total day minutes', 'Total day calls', 'Total day charge', 'Total eve minutes', 'Total eve calls', 'Total eve charge', 'Total night minutes', 'Total night calls', 'Total night charge', 'Total intl minutes', 'Total intl calls', 'Total intl charge', 'Customer service calls'];
const COLUMNS = ['State', 'International plan', 'Voice mail plan', ...NUMBERS];
const MINUTES = ['Total day minutes', 'Total eve minutes', 'Total night minutes', 'Total intl minutes'];
const CHARGES = ['Total day charge', 'Total eve charge', 'Total night charge', 'Total intl charge'];

/** FNV-1a, 64 bits: a stable id for a row that has none. */
function fnv64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h;
}

const attributeName = (column: string) => column.toLowerCase().replace(/ (\w)/g, (_m, c: string) => c.toUpperCase());
const yesNo = (text: string) => (text === 'Yes' ? 'yes' : 'no');

export const bigml: Preset = {
  name: 'bigml',
  description: 'The BigML churn files: state into regions, plans, minutes, calls and charges into usage, service calls into complaints, Churn when present',
  fills: ['customers', 'usage'],
  async prepare(database: Database, columns: string[]): Promise<RowMapper> {
    requireColumns('bigml', columns, COLUMNS);
    const hasOutcome = columns.includes('Churn');
    await ensureRegions(database, [
      { code: 'BIGML', name: 'BigML churn sample', level: 'province', timeZone: 'America/New_York' },
      ...STATES.map((s) => ({ code: `BIGML-${s}`, name: `BigML sample ${s}`, level: 'city', parentCode: 'BIGML' })),
    ]);
    return {
      fills: ['customers', 'usage'],
      customerFields: ['name', 'joinedOn', 'plan', 'paymentType', 'status', 'churnedOn', 'attributes'],
      columnOf(field) {
        if (field === 'customer.regionCode') return 'State';
        if (field === 'customer.joinedOn') return 'Account length';
        if (field === 'customer.status' || field === 'customer.churnedOn') return 'Churn';
        if (field.startsWith('usage')) return 'Total day charge';
        return undefined;
      },
      map(record) {
        const v = record.values;
        const rejects: Reject[] = [];
        const bad = (column: string, reason: string) => rejects.push({ line: record.line, column, value: v[column] ?? '', reason });
        const state = v.State!.trim();
        if (!STATES.includes(state)) bad('State', 'not a US state code');
        const n: Record<string, number> = {};
        for (const c of NUMBERS) {
          const x = Number(v[c]);
          if (v[c]!.trim() === '' || !Number.isFinite(x) || x < 0) bad(c, 'not a number of 0 or more');
          n[c] = x;
        }
        if (rejects.length === 0 && (!Number.isInteger(n['Account length']) || !Number.isInteger(n['Area code']) || n['Area code']! > 999)) bad('Account length', 'account length and area code are whole numbers (area code at most 999)');
        for (const c of ['International plan', 'Voice mail plan']) if (!['Yes', 'No'].includes(v[c]!.trim())) bad(c, 'Yes or No');
        const churn = hasOutcome ? v.Churn!.trim() : undefined;
        if (churn !== undefined && churn !== 'True' && churn !== 'False') bad('Churn', 'True or False');
        if (rejects.length > 0) return { row: {}, rejects };

        const msisdn = `1${String(n['Area code']).padStart(3, '0')}${String(fnv64(COLUMNS.map((c) => v[c]).join(',')) % 10_000_000_000n).padStart(10, '0')}`;
        const end = lastDayOf(SNAPSHOT_MONTH);
        const joinedOn = new Date(Date.parse(`${end}T00:00:00Z`) - n['Account length']! * 86_400_000).toISOString().slice(0, 10);
        const attributes: Record<string, unknown> = Object.fromEntries(COLUMNS.map((c) => [attributeName(c), NUMBERS.includes(c) ? n[c] : v[c]!.trim()]));
        attributes.outcome = churn === undefined ? 'unknown' : churn === 'True' ? 'churned' : 'stayed';
        const customer: CustomerInput = {
          msisdn,
          name: `BigML ${state} ${msisdn.slice(-6)}`,
          regionCode: `BIGML-${state}`,
          joinedOn,
          plan: `intl-${yesNo(v['International plan']!.trim())}/vm-${yesNo(v['Voice mail plan']!.trim())}`,
          paymentType: 'postpaid',
          status: churn === 'True' ? 'churned' : 'active',
          churnedOn: churn === 'True' ? `${addMonths(SNAPSHOT_MONTH, 1)}-15` : null,
          attributes,
        };
        const sum = (cols: string[]) => cols.reduce((s, c) => s + n[c]!, 0);
        const usage = [
          {
            msisdn,
            month: SNAPSHOT_MONTH,
            voiceMinutes: Math.round(sum(MINUTES)),
            revenueCents: Math.round(sum(CHARGES) * 100),
            complaints: n['Customer service calls']!,
            activeDays: Number(end.slice(8, 10)),
          },
        ];
        return { row: { customer, usage }, rejects };
      },
    };
  },
};
