import { defineTactics } from '@weixi/sdk';
import { exclusiveService, type ExclusiveServiceSettings } from './tactic.js';

/** 专属服务法: the `exclusive-service` tactic. */
export default defineTactics<ExclusiveServiceSettings>({ 'exclusive-service': { build: ({ settings }) => exclusiveService(settings) } });
