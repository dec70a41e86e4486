import { defineTactics } from '@weixi/sdk';
import { contractRenewal, type ContractRenewalSettings } from './tactic.js';

/** 到期续约: the `contract-renewal` tactic. */
export default defineTactics<ContractRenewalSettings>({ 'contract-renewal': { build: ({ settings }) => contractRenewal(settings) } });
