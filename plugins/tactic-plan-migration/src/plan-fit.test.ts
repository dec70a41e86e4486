import { describe, expect, it } from 'vitest';
import { planAdvice, planFit, type CataloguePlan } from './plan-fit.js';

const plan = (code: string, priceYuan: number, voiceMinutes: number, dataMb: number): CataloguePlan => ({ code, name: `${code}套餐`, priceYuan, voiceMinutes, dataMb });
const catalogue = [plan('P39', 39, 200, 20480), plan('P19', 19, 100, 10240), plan('P59', 59, 300, 30720), plan('P89', 89, 500, 40960)];
const usage = (peakVoiceMinutes: number, peakDataMb: number, averageSpendYuan = 0) => ({ peakVoiceMinutes, peakDataMb, averageSpendYuan });

describe('planFit', () => {
  it('recommends the cheapest plan that covers the peak month when the current plan is too big', () => {
    expect(planFit('P89', usage(150, 15000), catalogue)).toEqual({ kind: 'cheaper', plan: catalogue[0], savingYuan: 50 });
    expect(planFit('P59', usage(100, 10240), catalogue)).toEqual({ kind: 'cheaper', plan: catalogue[1], savingYuan: 40 });
  });

  it('finds nothing to recommend when the current plan is already the cheapest that covers the usage', () => {
    expect(planFit('P39', usage(150, 15000), catalogue)).toEqual({ kind: 'none', reason: '当前套餐P39套餐已是覆盖实际用量的最低价套餐' });
    expect(planFit('P19', usage(0, 0), catalogue)).toMatchObject({ kind: 'none' });
  });

  it('recommends the upgrade that covers an exceeded plan, with what it saves against the spend including overage', () => {
    expect(planFit('P19', usage(250, 12000, 70), catalogue)).toEqual({ kind: 'upgrade', plan: catalogue[2], extraYuan: 40, savingYuan: 11 });
    expect(planFit('P39', usage(210, 25000, 45), catalogue)).toEqual({ kind: 'upgrade', plan: catalogue[2], extraYuan: 20, savingYuan: 0 });
  });

  it('upgrades to the largest plan when none covers the usage, and stops at the largest', () => {
    expect(planFit('P39', usage(900, 90000, 150), catalogue)).toEqual({ kind: 'upgrade', plan: catalogue[3], extraYuan: 50, savingYuan: 61 });
    expect(planFit('P89', usage(900, 90000, 150), catalogue)).toEqual({ kind: 'none', reason: '用量超出目录中所有套餐，当前套餐P89套餐已是最大' });
  });

  it('moves an exceeded plan to a cheaper one that covers the usage better (voice-heavy on a data plan)', () => {
    const voiceHeavy = [plan('DATA', 49, 50, 40960), plan('VOICE', 29, 500, 2048)];
    expect(planFit('DATA', usage(400, 1500), voiceHeavy)).toEqual({ kind: 'cheaper', plan: voiceHeavy[1], savingYuan: 20 });
  });

  it('refuses a current plan outside the catalogue', () => {
    expect(planFit('VIP-599', usage(10, 10), catalogue)).toEqual({ kind: 'none', reason: '当前套餐VIP-599不在迁移目录中' });
  });

  it('words the advice for a saving, an upgrade that still saves, and one that costs more', () => {
    expect(planAdvice({ kind: 'cheaper', plan: catalogue[0]!, savingYuan: 50 })).toBe('用量不变，每月可节省50元');
    expect(planAdvice({ kind: 'upgrade', plan: catalogue[2]!, extraYuan: 40, savingYuan: 11 })).toBe('比您近3个月月均实际消费每月还省11元，不再产生套餐外费用');
    expect(planAdvice({ kind: 'upgrade', plan: catalogue[2]!, extraYuan: 20, savingYuan: 0 })).toBe('每月只需多20元，即可覆盖您的实际用量，不再产生套餐外费用');
  });
});
