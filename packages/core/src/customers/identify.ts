import { inArray, sql } from 'drizzle-orm';
import { customers, type Db } from '@weixi/db';
import { regionScopeSql, type Principal } from '../access/index.js';
import { WeixiError, type IssueList } from '../errors.js';
import { normaliseMsisdn } from './input.js';
import { regionsPhrase } from './write-scope.js';

/** How batch items name their customer: by Weixi id or by MSISDN, exactly one of them. */
export interface CustomerReference {
  customerId?: number | null;
  msisdn?: string | null;
}

/**
 * Who writes the batch, and where to list the items naming no customer it sees: a missing customer and one
 * outside its regions read the same (on PostgreSQL, row-level security hides the latter anyway).
 */
export interface ReferenceScope {
  principal: Principal;
  unknown: IssueList;
}

/**
 * Resolves the customers a batch refers to in at most two queries. Returns the customer id per item
 * (undefined where the item is bad, with an issue added at `${path}[i].customerId|msisdn`: in
 * `scope.unknown` when the customer is missing or outside the principal's regions, else in `issues`).
 */
export async function resolveCustomerReferences(
  db: Db,
  items: readonly CustomerReference[],
  path: string,
  issues: IssueList,
  scope?: ReferenceScope,
): Promise<(number | undefined)[]> {
  const ids = new Set<number>();
  const msisdns = new Set<string>();
  for (const [index, item] of items.entries()) {
    const hasId = item.customerId != null;
    const hasMsisdn = item.msisdn != null;
    if (hasId === hasMsisdn) {
      issues.add(`${path}[${index}]`, 'name the customer by exactly one of customerId and msisdn');
      continue;
    }
    if (hasId) ids.add(item.customerId!);
    else {
      const msisdn = normaliseMsisdn(item.msisdn!);
      if (msisdn) msisdns.add(msisdn);
    }
  }
  const columns = {
    id: customers.id,
    msisdn: customers.msisdn,
    inScope: sql<number>`case when ${scope ? regionScopeSql(scope.principal, customers.regionId) : sql`true`} then 1 else 0 end`.mapWith(Number),
  };
  const [byId, byMsisdn] = await Promise.all([
    ids.size ? db.select(columns).from(customers).where(inArray(customers.id, [...ids])) : [],
    msisdns.size ? db.select(columns).from(customers).where(inArray(customers.msisdn, [...msisdns])) : [],
  ]);
  const rowById = new Map(byId.map((r) => [r.id, r]));
  const rowByMsisdn = new Map(byMsisdn.map((r) => [r.msisdn, r]));
  return items.map((item, index) => {
    if ((item.customerId != null) === (item.msisdn != null)) return undefined;
    const byIdItem = item.customerId != null;
    const at = `${path}[${index}].${byIdItem ? 'customerId' : 'msisdn'}`;
    const msisdn = byIdItem ? undefined : normaliseMsisdn(item.msisdn!);
    const row = byIdItem ? rowById.get(item.customerId!) : msisdn === undefined ? undefined : rowByMsisdn.get(msisdn);
    if (!row || row.inScope !== 1) {
      const where = scope ? regionsPhrase(scope.principal) : '';
      const message = byIdItem ? `customer ${item.customerId} does not exist${where}` : `no customer${where} has MSISDN ${JSON.stringify(item.msisdn)}`;
      (scope?.unknown ?? issues).add(at, message);
      return undefined;
    }
    return row.id;
  });
}

/**
 * Throws NOT_FOUND when any item names no customer the caller sees, listing those items and any other
 * problem of the batch (`issues`) by path; nothing is written.
 */
export function throwIfUnknown(unknown: IssueList, issues: IssueList): void {
  if (unknown.empty) return;
  const all = [...unknown.issues, ...issues.issues].sort((a, b) => itemIndex(a.path) - itemIndex(b.path));
  const shown = unknown.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new WeixiError('NOT_FOUND', `${shown}${unknown.issues.length > 3 ? ` (and ${unknown.issues.length - 3} more)` : ''}; nothing was written`, all);
}

const itemIndex = (path: string) => Number(/\[(\d+)\]/.exec(path)?.[1] ?? -1);
