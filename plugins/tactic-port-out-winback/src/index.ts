import { defineTactics } from '@weixi/sdk';
import { portOutWinback, type PortOutWinbackSettings } from './tactic.js';

/** 携号转网挽留: the `port-out-winback` tactic. */
export default defineTactics<PortOutWinbackSettings>({ 'port-out-winback': { build: ({ settings }) => portOutWinback(settings) } });
