/**
 * The plan that fits a customer's real usage (套餐适配), as a pure function of the usage and the catalogue.
 * A plan covers the usage when its voice minutes and data both reach the peak month of the window: a plan
 * fitted to the average would be exceeded every other month.
 */

/** A plan of the catalogue (套餐目录); `code` is what `customers.plan` holds. */
export interface CataloguePlan {
  code: string;
  name: string;
  priceYuan: number;
  voiceMinutes: number;
  dataMb: number;
}

/** A customer's usage over the window: the peak month's voice and data, and the average monthly spend. */
export interface PlanUsage {
  peakVoiceMinutes: number;
  peakDataMb: number;
  averageSpendYuan: number;
}

export type PlanFit =
  /** The current plan covers the usage and a cheaper one does too: the customer saves `savingYuan` a month. */
  | { kind: 'cheaper'; plan: CataloguePlan; savingYuan: number }
  /**
   * The current plan is exceeded: the cheapest plan that covers the usage (or the largest, when none
   * does). `extraYuan` is its fee over the current one; `savingYuan` what it saves against the average
   * spend, overage included (0 when it saves nothing).
   */
  | { kind: 'upgrade'; plan: CataloguePlan; extraYuan: number; savingYuan: number }
  /** Nothing to recommend, with the reason shown to the operator. */
  | { kind: 'none'; reason: string };

const covers = (plan: CataloguePlan, usage: PlanUsage) => plan.voiceMinutes >= usage.peakVoiceMinutes && plan.dataMb >= usage.peakDataMb;
const cheapestFirst = (a: CataloguePlan, b: CataloguePlan) => a.priceYuan - b.priceYuan || b.dataMb - a.dataMb || b.voiceMinutes - a.voiceMinutes || a.code.localeCompare(b.code);
const yuan = (n: number) => Math.round(n * 100) / 100;

export function planFit(currentCode: string, usage: PlanUsage, catalogue: readonly CataloguePlan[]): PlanFit {
  const current = catalogue.find((p) => p.code === currentCode);
  if (!current) return { kind: 'none', reason: `当前套餐${currentCode}不在迁移目录中` };
  const byPrice = [...catalogue].sort(cheapestFirst);
  const best = byPrice.find((p) => covers(p, usage));
  if (covers(current, usage)) {
    if (best && best.priceYuan < current.priceYuan) return { kind: 'cheaper', plan: best, savingYuan: yuan(current.priceYuan - best.priceYuan) };
    return { kind: 'none', reason: `当前套餐${current.name}已是覆盖实际用量的最低价套餐` };
  }
  if (best && best.priceYuan < current.priceYuan) return { kind: 'cheaper', plan: best, savingYuan: yuan(current.priceYuan - best.priceYuan) };
  const target = best ?? byPrice.at(-1)!;
  if (target.code === current.code || (!best && target.priceYuan <= current.priceYuan)) return { kind: 'none', reason: `用量超出目录中所有套餐，当前套餐${current.name}已是最大` };
  return { kind: 'upgrade', plan: target, extraYuan: yuan(target.priceYuan - current.priceYuan), savingYuan: yuan(Math.max(0, usage.averageSpendYuan - target.priceYuan)) };
}

/** What the agent says of the recommendation, after the plan's name and price. */
export function planAdvice(fit: Extract<PlanFit, { kind: 'cheaper' | 'upgrade' }>): string {
  if (fit.kind === 'cheaper') return `用量不变，每月可节省${fit.savingYuan}元`;
  if (fit.savingYuan > 0) return `比您近3个月月均实际消费每月还省${fit.savingYuan}元，不再产生套餐外费用`;
  return `每月只需多${fit.extraYuan}元，即可覆盖您的实际用量，不再产生套餐外费用`;
}
