import { definePlugin } from '@weixi/sdk';
import { greetBirthdays } from './greet.js';
import type { CareSettings } from './greeting.js';
import { upcomingBirthdaysField } from './schema.js';

/** 主动关怀法: the `birthday-greetings` job and the `upcomingBirthdays` query. */
export default definePlugin<CareSettings>({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.jobs.handle('birthday-greetings', (run) => greetBirthdays(ctx, run)),
      ctx.graphql.addRootField('Query', 'upcomingBirthdays', upcomingBirthdaysField()),
    );
  },
});
