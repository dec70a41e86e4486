import { defineTactics } from '@weixi/sdk';
import { careBundling, type CareBundlingSettings } from './tactic.js';

/** 关怀捆绑法: the `care-bundling` tactic. */
export default defineTactics<CareBundlingSettings>({ 'care-bundling': { build: ({ settings }) => careBundling(settings) } });
