import { defineTactics } from '@weixi/sdk';
import { creditService, type CreditServiceSettings } from './tactic.js';

/** 信用服务法: the `credit-service` tactic. */
export default defineTactics<CreditServiceSettings>({ 'credit-service': { build: ({ settings }) => creditService(settings) } });
