import { inArray } from 'drizzle-orm';
import { customers, type Db } from '@weixi/db';
import type { IssueList } from '../errors.js';
import { normaliseMsisdn } from './input.js';

/** How batch items name their customer: by Weixi id or by MSISDN, exactly one of them. */
export interface CustomerReference {
  customerId?: number | null;
  msisdn?: string | null;
}

/**
 * Resolves the customers a batch refers to in at most two queries. Returns the customer id per item
 * (undefined where the item is bad, with an issue added at `${path}[i].customerId|msisdn`).
 */
export async function resolveCustomerReferences(
  db: Db,
  items: readonly CustomerReference[],
  path: string,
  issues: IssueList,
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
  const [byId, byMsisdn] = await Promise.all([
    ids.size ? db.select({ id: customers.id }).from(customers).where(inArray(customers.id, [...ids])) : [],
    msisdns.size
      ? db.select({ id: customers.id, msisdn: customers.msisdn }).from(customers).where(inArray(customers.msisdn, [...msisdns]))
      : [],
  ]);
  const knownIds = new Set(byId.map((r) => r.id));
  const idByMsisdn = new Map(byMsisdn.map((r) => [r.msisdn, r.id]));
  return items.map((item, index) => {
    if ((item.customerId != null) === (item.msisdn != null)) return undefined;
    if (item.customerId != null) {
      if (knownIds.has(item.customerId)) return item.customerId;
      issues.add(`${path}[${index}].customerId`, `customer ${item.customerId} does not exist`);
      return undefined;
    }
    const msisdn = normaliseMsisdn(item.msisdn!);
    const id = msisdn === undefined ? undefined : idByMsisdn.get(msisdn);
    if (id === undefined) issues.add(`${path}[${index}].msisdn`, `no customer has MSISDN ${JSON.stringify(item.msisdn)}`);
    return id;
  });
}
