import { defineTactics } from '@weixi/sdk';
import { clubActivities, type ClubActivitiesSettings } from './tactic.js';

/** 俱乐部活动法: the `club-activities` tactic. */
export default defineTactics<ClubActivitiesSettings>({ 'club-activities': { build: ({ settings }) => clubActivities(settings) } });
