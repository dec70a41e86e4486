/**
 * A region's KPI settings: the churn definition (离网口径), control-group shares and the uplift horizon.
 * As contact policies and dispatch rules, a region stores only the keys it sets (`kpi_settings.settings`)
 * and inherits the rest from its nearest ancestor that sets them, then from DEFAULT_KPI_SETTINGS; the maps
 * (`churn`, `controlGroups.tactics`, `controlGroups.warningRules`) inherit key by key.
 */
import { eq, sql } from 'drizzle-orm';
import { IssueList } from '@weixi/core';
import { kpiSettings, queryRows, type Db } from '@weixi/db';

/** When a customer counts as churned in a month; any rule that holds churns it (the first month it holds). */
export interface ChurnDefinition {
  /** Status `churned` with `churned_on` in the month. */
  status: boolean;
  /** This many months in a row without revenue, the month the run completes; 0: off. */
  monthsWithoutRevenue: number;
  /** A `port_out.completed` event (携号转网) in the month. */
  portOutCompleted: boolean;
}

export interface KpiSettings {
  churn: ChurnDefinition;
  controlGroups: {
    /** Share held out per tactic (`plugin/tactic`), 0 to 0.5. */
    tactics: Record<string, number>;
    /** Share held out per warning rule (`plugin/rule`), 0 to 0.5: no task answers a held-out customer's warning. */
    warningRules: Record<string, number>;
  };
  /** Months from a treatment (or a warning) over which retention and revenue are compared. */
  horizonMonths: number;
}

export const DEFAULT_KPI_SETTINGS: Readonly<KpiSettings> = Object.freeze<KpiSettings>({
  churn: { status: true, monthsWithoutRevenue: 3, portOutCompleted: true },
  controlGroups: { tactics: {}, warningRules: {} },
  horizonMonths: 3,
});

export type KpiSettingsPatch = {
  churn?: Partial<ChurnDefinition>;
  controlGroups?: { tactics?: Record<string, number | null>; warningRules?: Record<string, number | null> };
  horizonMonths?: number | null;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const KEY = /^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Checks a patch, naming each bad key under `path`; unknown keys are refused so a typo is not silently ignored. */
export function checkKpiSettingsPatch(patch: unknown, path = 'settings'): KpiSettingsPatch {
  const issues = new IssueList();
  if (!isObject(patch)) issues.add(path, 'must be an object with keys of the KPI settings');
  else for (const [key, value] of Object.entries(patch)) {
    if (value === null) continue;
    if (key === 'churn') {
      if (!isObject(value)) issues.add(`${path}.churn`, 'must be an object { status, monthsWithoutRevenue, portOutCompleted }');
      else for (const [k, v] of Object.entries(value)) {
        if (v === null) continue;
        if (k === 'status' || k === 'portOutCompleted') {
          if (typeof v !== 'boolean') issues.add(`${path}.churn.${k}`, 'must be true or false');
        } else if (k === 'monthsWithoutRevenue') {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 12) issues.add(`${path}.churn.${k}`, 'must be a whole number of months from 0 (off) to 12');
        } else issues.add(`${path}.churn.${k}`, 'is not part of the churn definition; use status, monthsWithoutRevenue, portOutCompleted');
      }
    } else if (key === 'controlGroups') {
      if (!isObject(value)) issues.add(`${path}.controlGroups`, 'must be an object { tactics, warningRules }');
      else for (const [kind, shares] of Object.entries(value)) {
        if (kind !== 'tactics' && kind !== 'warningRules') issues.add(`${path}.controlGroups.${kind}`, 'is not a control-group kind; use tactics, warningRules');
        else if (!isObject(shares)) issues.add(`${path}.controlGroups.${kind}`, 'must be an object of "plugin/id" → share');
        else for (const [k, v] of Object.entries(shares)) {
          if (!KEY.test(k)) issues.add(`${path}.controlGroups.${kind}.${k}`, 'is not a key like "tactic-prepaid-boost/boost"');
          else if (v !== null && (typeof v !== 'number' || !(v >= 0 && v <= 0.5))) issues.add(`${path}.controlGroups.${kind}.${k}`, 'must be a share from 0 to 0.5');
        }
      }
    } else if (key === 'horizonMonths') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 12) issues.add(`${path}.horizonMonths`, 'must be a whole number of months from 1 to 12');
    } else issues.add(`${path}.${key}`, `is not a KPI setting; use ${Object.keys(DEFAULT_KPI_SETTINGS).join(', ')}`);
  }
  issues.throwIfAny();
  return patch as KpiSettingsPatch;
}

const defined = <T>(o: Record<string, T | null | undefined> | undefined): Record<string, T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== null && v !== undefined)) as Record<string, T>;

/** The settings of a region whose own patch and its ancestors' patches are given, nearest last. */
export function mergeKpiSettings(patches: readonly KpiSettingsPatch[]): KpiSettings {
  const base = DEFAULT_KPI_SETTINGS;
  let s: KpiSettings = { churn: { ...base.churn }, controlGroups: { tactics: {}, warningRules: {} }, horizonMonths: base.horizonMonths };
  for (const p of patches) {
    s = {
      churn: { ...s.churn, ...defined(p.churn) },
      controlGroups: {
        tactics: { ...s.controlGroups.tactics, ...defined(p.controlGroups?.tactics) },
        warningRules: { ...s.controlGroups.warningRules, ...defined(p.controlGroups?.warningRules) },
      },
      horizonMonths: p.horizonMonths ?? s.horizonMonths,
    };
  }
  return s;
}

/** The ancestors' paths of a region path, root first, the region's own last: /JS/, /JS/JS-NJ/, ... */
const pathChain = (path: string): string[] => path.split('/').slice(1, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}/`);

export interface RegionKpiSettings {
  regionId: number;
  code: string;
  path: string;
  settings: KpiSettings;
}

/** The resolved settings of every region in the subtree at `rootPath` (the root included), in one read. */
export async function kpiSettingsOfSubtree(db: Db, rootPath: string): Promise<RegionKpiSettings[]> {
  const rows = await queryRows<{ id: number; code: string; path: string; settings: KpiSettingsPatch | null }>(db, sql`
    select r.id, r.code, r.path, s.settings from regions r left join ${kpiSettings} s on s.region_id = r.id
    where starts_with(r.path, ${rootPath}) or starts_with(${rootPath}::text, r.path)
    order by length(r.path), r.path`);
  const own = new Map(rows.map((r) => [r.path, r.settings ?? {}]));
  return rows
    .filter((r) => r.path.startsWith(rootPath))
    .map((r) => ({ regionId: Number(r.id), code: r.code, path: r.path, settings: mergeKpiSettings(pathChain(r.path).map((p) => own.get(p) ?? {})) }));
}

/** Sets keys of a region's own settings (null removes a key, so it inherits again); returns the resolved settings. */
export async function setKpiSettings(db: Db, region: { id: number; path: string }, patch: unknown, path = 'settings'): Promise<KpiSettings> {
  const checked = checkKpiSettingsPatch(patch, path);
  await db.transaction(async (tx) => {
    const [current] = await tx.select().from(kpiSettings).where(eq(kpiSettings.regionId, region.id)).for('update');
    const next = { ...(current?.settings ?? {}) } as Record<string, unknown>;
    for (const [key, value] of Object.entries(checked)) {
      if (value === null) delete next[key];
      else if (key === 'churn') next[key] = defined({ ...(next[key] as object | undefined), ...(value as object) });
      else if (key === 'controlGroups') {
        const old = (next[key] ?? {}) as Record<string, object>;
        const add = value as Record<string, object>;
        next[key] = { tactics: defined({ ...old.tactics, ...add.tactics }), warningRules: defined({ ...old.warningRules, ...add.warningRules }) };
      } else next[key] = value;
    }
    await tx
      .insert(kpiSettings)
      .values({ regionId: region.id, settings: next })
      .onConflictDoUpdate({ target: kpiSettings.regionId, set: { settings: next, updatedAt: sql`now()` } });
  });
  return (await kpiSettingsOfSubtree(db, region.path)).find((r) => r.regionId === region.id)!.settings;
}
