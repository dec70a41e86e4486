/**
 * `ibm-telco`: IBM's Telco Customer Churn sample (`WA_Fn-UseC_-Telco-Customer-Churn.csv`), one row per
 * customer, placed at SNAPSHOT_MONTH (`snapshot.ts`). Each customer becomes:
 * - a customer of the sample city IBM-CA (region IBM, created when absent), MSISDN derived from customerID
 *   (`7590-VHVEG` → `1` + `7590` + the letters as a base-26 number), joined `tenure` months before the
 *   snapshot's end, plan = contract, postpaid, contract end at the next anniversary for 1- and 2-year
 *   contracts, every column kept as an attribute;
 * - up to 12 months of usage ending with the snapshot month: revenue runs from the historical average
 *   (TotalCharges / tenure) to the current MonthlyCharges, every month active;
 * - `Churn = Yes`: churned in the month after the snapshot. No row after the snapshot month exists for
 *   anyone, so usage cannot reveal who churned (no zero months a model could learn from).
 */
import type { Database } from '@weixi/db';
import type { CustomerInput } from '@weixi/core';
import type { Reject, RowMapper } from '../mapping.js';
import type { UsageRow } from '../rows.js';
import { requireColumns, type Preset } from './preset.js';
import { ensureRegions } from './sample-regions.js';
import { SNAPSHOT_MONTH, addMonths, lastDayOf } from './snapshot.js';

const USAGE_MONTHS = 12;
const CITY = 'IBM-CA';

const COLUMNS = ['customerID', 'gender', 'SeniorCitizen', 'Partner', 'Dependents', 'tenure', 'PhoneService', 'MultipleLines', 'InternetService', 'OnlineSecurity', 'OnlineBackup', 'DeviceProtection', 'TechSupport', 'StreamingTV', 'StreamingMovies', 'Contract', 'PaperlessBilling', 'PaymentMethod', 'MonthlyCharges', 'TotalCharges', 'Churn'] as const;
const ATTRIBUTES = COLUMNS.filter((c) => c !== 'customerID' && c !== 'Churn');
const CONTRACT_MONTHS: Record<string, number | null> = { 'Month-to-month': null, 'One year': 12, 'Two year': 24 };

/** `7590-VHVEG` → `1759001234567`-style digits; undefined when it is not an IBM customerID. */
export function msisdnOfCustomerId(id: string): string | undefined {
  const m = /^(\d{4})-([A-Z]{5})$/.exec(id);
  if (!m) return undefined;
  const letters = [...m[2]!].reduce((n, ch) => n * 26 + (ch.charCodeAt(0) - 65), 0);
  return `1${m[1]}${String(letters).padStart(8, '0')}`;
}

const camel = (column: string) => column.charAt(0).toLowerCase() + column.slice(1);

export const ibmTelco: Preset = {
  name: 'ibm-telco',
  description: "IBM's Telco Customer Churn sample: customers with contract, payment and services, 12 months of usage from the charges, Churn as a churn date",
  fills: ['customers', 'usage'],
  async prepare(database: Database, columns: string[]): Promise<RowMapper> {
    requireColumns('ibm-telco', columns, COLUMNS);
    await ensureRegions(database, [
      { code: 'IBM', name: 'IBM Telco sample', level: 'province', timeZone: 'America/Los_Angeles' },
      { code: CITY, name: 'IBM Telco sample (California)', level: 'city', parentCode: 'IBM' },
    ]);
    return {
      fills: ['customers', 'usage'],
      customerFields: ['name', 'joinedOn', 'plan', 'paymentType', 'contractEndsOn', 'status', 'churnedOn', 'attributes'],
      columnOf(field) {
        if (field.endsWith('.msisdn')) return 'customerID';
        if (field.startsWith('usage')) return 'MonthlyCharges';
        if (field === 'customer.joinedOn') return 'tenure';
        if (field === 'customer.plan' || field === 'customer.contractEndsOn') return 'Contract';
        if (field === 'customer.status' || field === 'customer.churnedOn') return 'Churn';
        return undefined;
      },
      map(record) {
        const v = record.values;
        const rejects: Reject[] = [];
        const bad = (column: string, reason: string) => rejects.push({ line: record.line, column, value: v[column] ?? '', reason });
        const msisdn = msisdnOfCustomerId(v.customerID!.trim());
        if (!msisdn) bad('customerID', 'not an IBM customerID (4 digits, a dash, 5 capital letters)');
        const tenure = Number(v.tenure);
        if (v.tenure!.trim() === '' || !Number.isInteger(tenure) || tenure < 0 || tenure > 600) bad('tenure', 'not a whole number of months (0 to 600)');
        const monthly = Number(v.MonthlyCharges);
        if (v.MonthlyCharges!.trim() === '' || !Number.isFinite(monthly) || monthly < 0) bad('MonthlyCharges', 'not an amount of 0 or more');
        // A customer in their first month has no total yet (blank in the file).
        const total = v.TotalCharges!.trim() === '' ? (tenure === 0 ? 0 : Number.NaN) : Number(v.TotalCharges);
        if (!Number.isFinite(total) || total < 0) bad('TotalCharges', tenure === 0 ? 'not an amount of 0 or more' : 'blank or not an amount, for a customer with tenure');
        const churn = v.Churn!.trim();
        if (churn !== 'Yes' && churn !== 'No') bad('Churn', 'Yes or No');
        const contract = v.Contract!.trim();
        if (!(contract in CONTRACT_MONTHS)) bad('Contract', `one of ${Object.keys(CONTRACT_MONTHS).join(', ')}`);
        if (rejects.length > 0) return { row: {}, rejects };

        // Tenure t: months as a customer through the snapshot month; 0 joined on its last day.
        const joinedMonth = addMonths(SNAPSHOT_MONTH, 1 - Math.max(tenure, 1));
        const snapshotEnd = lastDayOf(SNAPSHOT_MONTH);
        const joinedOn = tenure === 0 ? snapshotEnd : `${joinedMonth}-01`;
        const term = CONTRACT_MONTHS[contract]!;
        const contractEndsOn = term === null ? null : `${addMonths(joinedMonth, term * Math.max(1, Math.ceil(tenure / term)))}-01`;
        const attributes = Object.fromEntries(ATTRIBUTES.map((c) => [camel(c), ['tenure', 'MonthlyCharges', 'TotalCharges', 'SeniorCitizen'].includes(c) ? Number(v[c] || 0) : v[c]!.trim()]));
        const customer: CustomerInput = {
          msisdn: msisdn!,
          name: v.customerID!.trim(),
          regionCode: CITY,
          joinedOn,
          plan: contract,
          paymentType: 'postpaid',
          contractEndsOn,
          status: churn === 'Yes' ? 'churned' : 'active',
          churnedOn: churn === 'Yes' ? `${addMonths(SNAPSHOT_MONTH, 1)}-15` : null,
          attributes,
        };
        const months = Math.min(tenure, USAGE_MONTHS);
        const average = tenure > 0 ? total / tenure : monthly;
        const usage: UsageRow[] = [];
        for (let k = 1; k <= months; k++) {
          const month = addMonths(SNAPSHOT_MONTH, k - months);
          const days = Number(lastDayOf(month).slice(8, 10));
          const yuan = months === 1 ? monthly : average + ((monthly - average) * (k - 1)) / (months - 1);
          usage.push({ msisdn: msisdn!, month, revenueCents: Math.round(Math.max(0, yuan) * 100), activeDays: days });
        }
        return { row: { customer, usage }, rejects };
      },
    };
  },
};
