export { WARNING_CONDITIONS, WARNING_INDICATORS, WARNING_RULES, type WarningIndicator } from './warnings.js';
export { LIFECYCLE_STAGES, LIFECYCLE_TENURE, STAGE_CONDITIONS, stageOf, type LifecycleStage } from './stages.js';
export { lifecycleOf, type CustomerLifecycle } from './lifecycle.js';
