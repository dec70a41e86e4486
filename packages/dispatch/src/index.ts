/**
 * Dispatch control (派单管控): routing retention tasks to the right people by the customer's tier, with
 * SLAs, escalation, re-dispatch of unreachable customers, the agents' contact attempts and quality audits.
 */
export { DEFAULT_DISPATCH_RULES, ROUTES, checkRulesPatch, mergeRules, parseWindow, rulesOfSubtree, setDispatchRules, type ContactWindow, type DispatchRules, type DispatchRulesPatch, type RegionRules, type Route } from './rules.js';
export { MAX_ROSTER_BATCH, listAgents, listTeams, upsertAgents, upsertTeams, type Agent, type AgentInput, type Team, type TeamInput } from './teams.js';
export { DISPATCH_ACTOR, describeDispatch, runDispatch, type DispatchOptions, type DispatchSummary } from './run.js';
export { UNREACHED, attemptOutcome, recordContactAttempt, type ContactAttemptInput } from './attempts.js';
export { REOPEN_DAYS, drawQualityAudits, recordAuditResult, type AuditResult, type DrawOptions, type TaskAudit } from './audits.js';
export { TIMELINE_KINDS, timelines, type TimelineEntry, type TimelineKind } from './timeline.js';
export { DISPATCH_JOB, dispatchRegions } from './job.js';
