import { defineTactics } from '@weixi/sdk';
import { experienceTrial, type ExperienceSettings } from './tactic.js';

/** 体验感知法: the `experience-trial` tactic. */
export default defineTactics<ExperienceSettings>({ 'experience-trial': { build: ({ settings }) => experienceTrial(settings) } });
