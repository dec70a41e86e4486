import { defineTactics } from '@weixi/sdk';
import { campusRetention, type CampusRetentionSettings } from './tactic.js';

/** 校园维系: the `campus-retention` tactic. */
export default defineTactics<CampusRetentionSettings>({ 'campus-retention': { build: ({ settings }) => campusRetention(settings) } });
