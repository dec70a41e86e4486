/**
 * The backtest of the warning rules as the regions have them: every rule of an active plugin, in each city
 * of the region where its plugin is enabled, built with that city's settings (and weighted by its `weight`
 * setting), evaluated as of a past month by the engine (`backtestWarnings`) against who churned after it.
 * Cities with the same definition, weight and time zone are evaluated together.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import type { WarningRuleDefinition, WarningRuleInput } from '@weixi/sdk';
import { backtestWarnings, firstDay, horizonOf, isMonth, MAX_HORIZON_MONTHS, type BacktestFigures, type BacktestPart, type BacktestResult, type ChurnDefinition } from '@weixi/warnings';

export type WarningBacktestFigures = BacktestFigures;
export type { ChurnDefinition };
import { InputError, NotFoundError, type InputIssue } from '../errors.js';
import { regionsByCode } from '../regions/index.js';
import { startOfDate } from './services.js';

/** A rule an active plugin defined with `ctx.warnings.defineRule`. */
export interface DefinedWarningRule {
  pluginId: string;
  ruleId: string;
  title: string;
  build: (input: WarningRuleInput<never>) => WarningRuleDefinition | Promise<WarningRuleDefinition>;
}

export interface WarningBacktestRequest {
  /** The region subtree judged; null for every region. */
  regionCode: string | null;
  /** `YYYY-MM`: the last complete month the rules count. */
  asOfMonth: string;
  horizonMonths: number;
  /** Months without revenue that count as churn (0: status only); omitted: the configured definition. */
  monthsWithoutRevenue?: number | null;
}

export interface WarningBacktest extends BacktestResult {
  regionCode: string | null;
  regionId: number | null;
  /** The churn definition applied (months without revenue above the horizon cannot be seen: status only). */
  churn: ChurnDefinition;
  rules: Array<BacktestResult['rules'][number] & { title: string; cities: string[] }>;
}

export interface WarningBacktestHost {
  db: Db;
  now(): Date;
  churn: ChurnDefinition;
  rules(): DefinedWarningRule[];
  settingsFor(pluginId: string, regionCode: string): Promise<Record<string, unknown>>;
  enabledCities(pluginId: string): Promise<Array<{ code: string; path: string; time_zone: string }>>;
}

/** The default churn definition: status churned, or three months in a row without revenue. */
export const DEFAULT_CHURN: ChurnDefinition = { monthsWithoutRevenue: 3 };

/**
 * The churn definition of a deployment, from `WEIXI_CHURN_MONTHS_WITHOUT_REVENUE`: months in a row without
 * revenue that also count as churn, 0 for status churned only; unset: {@link DEFAULT_CHURN}.
 */
export function churnDefinitionFrom(env: Record<string, string | undefined>): ChurnDefinition {
  const raw = env.WEIXI_CHURN_MONTHS_WITHOUT_REVENUE;
  if (raw === undefined || raw === '') return DEFAULT_CHURN;
  const months = Number(raw);
  if (!Number.isInteger(months) || months < 0 || months > MAX_HORIZON_MONTHS) throw new Error(`WEIXI_CHURN_MONTHS_WITHOUT_REVENUE=${JSON.stringify(raw)} is not a whole number 0 to ${MAX_HORIZON_MONTHS}`);
  return { monthsWithoutRevenue: months === 0 ? null : months };
}

export async function backtestWarningRules(host: WarningBacktestHost, request: WarningBacktestRequest): Promise<WarningBacktest> {
  const { asOfMonth, horizonMonths } = request;
  const issues: InputIssue[] = [];
  if (!isMonth(asOfMonth)) issues.push({ path: 'asOf', message: `${JSON.stringify(asOfMonth)} is not a month (YYYY-MM)` });
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1 || horizonMonths > MAX_HORIZON_MONTHS) issues.push({ path: 'horizon', message: `${horizonMonths} months; 1 to ${MAX_HORIZON_MONTHS}` });
  const asked = request.monthsWithoutRevenue;
  if (asked != null && (!Number.isInteger(asked) || asked < 0 || asked > MAX_HORIZON_MONTHS)) issues.push({ path: 'monthsWithoutRevenue', message: `${asked}; 0 (status only) to ${MAX_HORIZON_MONTHS}` });
  if (issues.length > 0) throw new InputError(issues);
  const { end } = horizonOf(asOfMonth, horizonMonths);
  const thisMonth = firstDay(host.now().toISOString().slice(0, 7));
  if (end > thisMonth) {
    throw new InputError([{ path: 'horizon', message: `as of ${asOfMonth}, ${horizonMonths} months run to ${firstDay(end.slice(0, 7), -1).slice(0, 7)}, which has not ended; choose an earlier month or a shorter horizon` }]);
  }
  const region = request.regionCode === null ? null : (await regionsByCode(host.db, [request.regionCode])).get(request.regionCode);
  if (region === undefined) throw new NotFoundError('region', request.regionCode!, 'region');
  const [loaded] = await queryRows<{ loaded: boolean }>(
    host.db,
    sql`select exists (select from monthly_usage u join customers c on c.id = u.customer_id join regions r on r.id = c.region_id
        where u.month = ${firstDay(asOfMonth)}::date ${region ? sql`and starts_with(r.path, ${region.path})` : sql``}) as loaded`,
  );
  if (!loaded?.loaded) throw new InputError([{ path: 'asOf', message: `no usage is recorded for ${asOfMonth}${region ? ` in ${region.code}` : ''}: the rules cannot be judged as of it` }]);

  const months = asked === undefined || asked === null ? host.churn.monthsWithoutRevenue : asked === 0 ? null : asked;
  const churn = { monthsWithoutRevenue: months !== null && months <= horizonMonths ? months : null };
  const day = firstDay(asOfMonth, 1);
  const rules: Array<{ rule: DefinedWarningRule; parts: Array<BacktestPart & { cities: string[] }> }> = [];
  for (const rule of host.rules()) {
    // Its cities inside the region, or the city the region (a district) is part of.
    const cities = (await host.enabledCities(rule.pluginId)).filter((c) => !region || c.path.startsWith(region.path) || region.path.startsWith(c.path));
    const parts = new Map<string, BacktestPart & { cities: string[] }>();
    for (const city of cities) {
      const settings = await host.settingsFor(rule.pluginId, city.code);
      const definition = await rule.build({ settings: settings as never, regionCode: city.code, asOfMonth });
      const weight = typeof settings.weight === 'number' ? settings.weight : 1;
      const key = JSON.stringify([definition, weight, city.time_zone]);
      const part = parts.get(key) ?? { regionPaths: [], cities: [], definition, weight, asOf: { month: asOfMonth, day, dayStart: startOfDate(day, city.time_zone) } };
      part.regionPaths.push(city.path);
      part.cities.push(city.code);
      parts.set(key, part);
    }
    if (parts.size > 0) rules.push({ rule, parts: [...parts.values()] });
  }
  const result = await backtestWarnings(host.db, {
    regionPath: region?.path ?? null,
    asOfMonth,
    horizonMonths,
    churn,
    rules: rules.map(({ rule, parts }) => ({ pluginId: rule.pluginId, ruleId: rule.ruleId, parts })),
  });
  return {
    ...result,
    regionCode: region?.code ?? null,
    regionId: region?.id ?? null,
    churn,
    rules: result.rules.map((figures, i) => ({ ...figures, title: rules[i]!.rule.title, cities: rules[i]!.parts.flatMap((p) => p.cities).sort() })),
  };
}
