/**
 * Next-best-action arbitration (the planner): per region, every enabled tactic evaluated set-based, one
 * next best action per customer by precedence and suitability, under budgets, gift limits, cooldowns and
 * one active task per customer; tasks created in bulk and idempotently; every run recorded. See README.md.
 */
export { regionTactics, type PlannedTactic, type PlannerHost, type SkippedTactic } from './tactics.js';
export { DUE_DAYS, PLANNER_ACTOR, REFINE_BATCH, previewPlan, runPlan, runPlans, type NextBestAction, type PlanInput, type PlanRegion, type PlanSummary } from './run.js';
export { PLANNER_JOB, describePlan, nextBestActions, planRegion, planRegions, plannerRegions, reportPlans, type RegionPlanOutcome } from './job.js';
export { applyTaskOutcome, applyTaskOutcomes, type AppliedOutcomes } from '@weixi/core';
