import { REGION_LEVELS, type RegionLevel } from '@weixi/db';
import type { IssueList } from '../errors.js';

/** One region as an administrator sends it: created, or updated (moved included) by its code. */
export interface RegionInput {
  code: string;
  name: string;
  level: string;
  /** The parent's code: none for a province, required below. */
  parentCode?: string | null;
  /** IANA zone. Left out: a new region takes its parent's zone, an existing one keeps its own. */
  timeZone?: string | null;
}

/** Which levels a region of each level may sit under. Cities run jobs, so a city is always under a province. */
export const PARENT_LEVELS: Readonly<Record<RegionLevel, readonly RegionLevel[]>> = {
  province: [],
  city: ['province'],
  district: ['city'],
  grid: ['district', 'city'],
};

/** Letters, digits, `-`, `_` and `.`; no `/`, which separates codes in a region's path. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_NAME = 200;

export function isRegionLevel(level: string): level is RegionLevel {
  return (REGION_LEVELS as readonly string[]).includes(level);
}

/** The canonical IANA name of a zone (`asia/shanghai` and `Asia/Chongqing` are `Asia/Shanghai`), or undefined. */
export function canonicalTimeZone(zone: string): string | undefined {
  if (zone.trim() === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** What can be checked on one item alone, as issues at `at.<field>`. */
export function checkRegionInput(input: RegionInput, at: string, issues: IssueList): void {
  if (!CODE.test(input.code)) {
    issues.add(`${at}.code`, `${JSON.stringify(input.code)} is not a region code (1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit)`);
  }
  const name = input.name.trim();
  if (name === '') issues.add(`${at}.name`, 'must not be empty');
  else if (name.length > MAX_NAME) issues.add(`${at}.name`, `at most ${MAX_NAME} characters, got ${name.length}`);
  if (!isRegionLevel(input.level)) {
    issues.add(`${at}.level`, `${JSON.stringify(input.level)} is not a level: use ${REGION_LEVELS.join(', ')}`);
  } else if (input.level === 'province' && input.parentCode) {
    issues.add(`${at}.parentCode`, `a province has no parent, got ${JSON.stringify(input.parentCode)}`);
  } else if (input.level !== 'province' && !input.parentCode) {
    issues.add(`${at}.parentCode`, `a ${input.level} needs a parent (${PARENT_LEVELS[input.level].join(' or ')})`);
  }
  if (input.parentCode && input.parentCode === input.code) issues.add(`${at}.parentCode`, `${input.code} cannot be its own parent`);
  if (input.timeZone != null && canonicalTimeZone(input.timeZone) === undefined) {
    issues.add(`${at}.timeZone`, `${JSON.stringify(input.timeZone)} is not an IANA time zone (such as Asia/Shanghai)`);
  }
}
