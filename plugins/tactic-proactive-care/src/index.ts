import { definePlugin } from '@weixi/sdk';
import { greetBirthdays } from './greet.js';
import { upcomingBirthdaysField } from './schema.js';
import { birthdayCare, type ProactiveCareSettings } from './tactic.js';

/** 主动关怀法: the `birthday-greetings` job, the `upcomingBirthdays` query and the `birthday-greeting` tactic. */
export default definePlugin<ProactiveCareSettings>({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.jobs.handle('birthday-greetings', (run) => greetBirthdays(ctx, run)),
      ctx.graphql.addRootField('Query', 'upcomingBirthdays', upcomingBirthdaysField()),
      ctx.tactics.define('birthday-greeting', { build: ({ settings }) => birthdayCare(settings) }),
    );
  },
});
