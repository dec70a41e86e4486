/**
 * The churn signals (流失预警 indicators) and who shows them. Every customer at risk has an anchor date: a
 * churner's churn date, today for the suspended, a date in the window for a wobbler (an active customer who
 * goes through a bad spell and stays). Signals appear in the 1–4 months before the anchor, each on its own
 * share of each group, so no signal is on every churner and some are on customers who never leave.
 */
import type { Draws } from './draws.js';
import { STREAM as S } from './streams.js';

export type RiskGroup = 'churned' | 'suspended' | 'wobbler';

type Shares = Readonly<Record<RiskGroup, number>>;

export const SIGNAL_SHARES = {
  /** ARPU falling towards the anchor (and usage with it). */
  revenue: { churned: 0.45, suspended: 0.6, wobbler: 0.3 },
  /** Voice minutes only (calls moved to an app), data volume only (a competitor's data SIM). */
  voice: { churned: 0.3, suspended: 0, wobbler: 0.2 },
  data: { churned: 0.3, suspended: 0, wobbler: 0.2 },
  /** No active day for the 2–4 months up to the anchor: passive churn. */
  silence: { churned: 0.25, suspended: 0.7, wobbler: 0.3 },
  complaints: { churned: 0.35, suspended: 0.3, wobbler: 0.3 },
  competitors: { churned: 0.35, suspended: 0, wobbler: 0.3 },
  /** `port_out.inquiry` events in the ~90 days before the anchor. */
  portOut: { churned: 0.3, suspended: 0, wobbler: 0.08 },
  /** Left owing the last bill (postpaid only; the suspended owe anyway). */
  arrears: { churned: 0.4, suspended: 0, wobbler: 0 },
  /** The contract ended in the 45 days before the churn (of churners who had one). */
  contractEnd: { churned: 0.5, suspended: 0, wobbler: 0 },
  /** A handset 30–60 months old at the churn. */
  oldDevice: { churned: 0.5, suspended: 0, wobbler: 0 },
} as const satisfies Record<string, Shares>;

export type Signal = keyof typeof SIGNAL_SHARES;

const STREAMS: Readonly<Record<Signal, number>> = {
  revenue: S.revenueSignal,
  voice: S.voiceSignal,
  data: S.dataSignal,
  silence: S.silenceSignal,
  complaints: S.complaintSignal,
  competitors: S.competitorSignal,
  portOut: S.portOutSignal,
  arrears: S.arrearsSignal,
  contractEnd: S.contractSignal,
  oldDevice: S.oldDeviceSignal,
};

/** The boolean SQL of whether row `n` (with its `risk` column) shows `signal`. */
export function signalSql(draws: Draws, signal: Signal): string {
  const shares: Shares = SIGNAL_SHARES[signal];
  const when = (Object.entries(shares) as Array<[RiskGroup, number]>)
    .filter(([, share]) => share > 0)
    .map(([group, share]) => `when '${group}' then ${share}`)
    .join(' ');
  return `coalesce(${draws.uniform('n', STREAMS[signal])} < case risk ${when} else 0 end, false)`;
}
