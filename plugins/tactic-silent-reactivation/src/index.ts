import { defineTactics } from '@weixi/sdk';
import { silentReactivation, type SilentReactivationSettings } from './tactic.js';

/** 沉默客户唤醒: the `silent-reactivation` tactic. */
export default defineTactics<SilentReactivationSettings>({ 'silent-reactivation': { build: ({ settings }) => silentReactivation(settings) } });
