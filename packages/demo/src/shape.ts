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
  /**
   * Churn (离网) per month of the usage window, spread evenly over it: ~0.9% a month, so ~11% of a 12-month
   * population has churned by today. A share of churners are new lines that leave in their first months.
   */
  monthlyChurnRate: 0.009,
  earlyChurnShare: 0.15,
  /** Households whose member leaves (the leader, on top of the monthly churn), and the members who follow. */
  householdLeaveMonthlyRate: 0.015,
  householdFollowShare: 0.5,
  /** Suspended (停机) today; "wobblers": active customers with a spell of churn signals who stay (the noise). */
  suspendedShare: 0.03,
  wobblerShare: 0.1,
  /** Dormant lines (沉默, kept for the number): active customers without an active day in the whole window. */
  dormantShare: 0.04,
  /** Households: 4-row blocks, 36% of them a household of 2–4; enterprises: 64-row blocks, 4% a group of 12–40. */
  householdBlockShare: 0.36,
  enterpriseBlockShare: 0.04,
  campusShare: 0.05,
  /** Customers who joined in the last ~3 months (among those who do not churn and are not suspended). */
  recentJoinShare: 0.07,
  /** Customers with a birthday in the coming week, on top of the natural ~2%, so MOT care has work. */
  birthdayThisWeekShare: 0.015,
} as const;
