/**
 * @weixi/contact-policy: one gate before every contact (触达管控). The core's outbox calls `gateContacts`
 * before any channel sees a contact; the API and CLI manage policies, consent and the do-not-disturb list.
 */
export { gateContacts, type GateDecision } from './gate.js';
export {
  DEFAULT_CONTACT_POLICY,
  mergePolicy,
  policiesOf,
  policyPatchIssues,
  setContactPolicy,
  type ContactPolicy,
  type ContactPolicyPatch,
  type FrequencyCap,
  type PolicyIssue,
  type PortOutRule,
} from './policy.js';
export { deferral, instantOf, localTime, parseQuietHours, type Deferral, type QuietHours } from './quiet-hours.js';
export { addDoNotDisturb, consentsOf, customerOfMsisdn, recordConsent, removeDoNotDisturb, type ConsentPurpose, type ConsentRecord, type ConsentView, type DoNotDisturbEntry } from './consent.js';
export { listDecisions, type ContactDecisionView, type DecisionFilter } from './decisions.js';
