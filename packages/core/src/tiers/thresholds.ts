/**
 * Tier thresholds: cumulative shares of a province's customers, top first. With the defaults the top 1%
 * are diamond, the next 4% gold (top 5%), the next 5% silver (top 10%), the next 10% mid-high (top 20%).
 */
import { IssueList } from '../errors.js';

export interface TierThresholds {
  diamond: number;
  gold: number;
  silver: number;
  midHigh: number;
}

export const DEFAULT_TIER_THRESHOLDS: Readonly<TierThresholds> = { diamond: 0.01, gold: 0.05, silver: 0.1, midHigh: 0.2 };

const ORDER = ['diamond', 'gold', 'silver', 'midHigh'] as const;

/** Checks 0 < diamond ≤ gold ≤ silver ≤ midHigh ≤ 1, reporting each offending key at `${path}.key`. */
export function validateTierThresholds(value: unknown, path = 'thresholds'): TierThresholds {
  const issues = new IssueList();
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof value !== 'object' || value === null) issues.add(path, `expected { ${ORDER.join(', ')} }`);
  let previous: { key: string; share: number } | undefined;
  for (const key of ORDER) {
    const share = input[key];
    if (typeof share !== 'number' || !Number.isFinite(share) || share <= 0 || share > 1) {
      issues.add(`${path}.${key}`, 'expected a share of customers above 0 and at most 1, such as 0.05 for the top 5%');
      continue;
    }
    if (previous && share < previous.share) {
      issues.add(`${path}.${key}`, `must be at least ${previous.key} (${previous.share}): thresholds are cumulative, top tier first`);
    }
    previous = { key, share };
  }
  for (const key of Object.keys(input)) {
    if (!(ORDER as readonly string[]).includes(key)) issues.add(`${path}.${key}`, `unknown key; accepted: ${ORDER.join(', ')}`);
  }
  issues.throwIfAny();
  const t = input as unknown as TierThresholds;
  return { diamond: t.diamond, gold: t.gold, silver: t.silver, midHigh: t.midHigh };
}
