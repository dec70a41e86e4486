/**
 * The shape of the demo population: the shares and spreads the generator aims for. Changing one changes
 * every seeded population (the tests check the outcomes, e.g. the 80/20 revenue split).
 */
export const SHAPE = {
  /** Median monthly spend and the lognormal spread: σ ≈ 1.75 (after the clamps below) puts ~80% of revenue on the top 20%. */
  medianSpendCents: 3000,
  spendSigma: 1.75,
  minSpendCents: 800,
  maxSpendCents: 300_000,
  /** z-scores of the standard normal: above 0.8416 is the top 20% (中高端), above 1.645 the top 5% (VIP). */
  highValueZ: 0.8416,
  vipZ: 1.645,
  /** Customers whose behaviour leads towards leaving; the churned and suspended are drawn from them. */
  churnProneShare: 0.12,
  /** Within the churn-prone: below 0.17 churned (~2% overall), below 0.42 suspended (~3%), below 0.7 declining, else silent. */
  churnedBelow: 0.17,
  suspendedBelow: 0.42,
  decliningBelow: 0.7,
  /** Households: 4-row blocks, 36% of them a household of 2–4; enterprises: 64-row blocks, 4% a group of 12–40. */
  householdBlockShare: 0.36,
  enterpriseBlockShare: 0.04,
  campusShare: 0.05,
  /** Customers who joined in the last ~3 months (among those not churn-prone). */
  recentJoinShare: 0.07,
  /** Customers with a birthday in the coming week, on top of the natural ~2%, so MOT care has work. */
  birthdayThisWeekShare: 0.015,
} as const;
