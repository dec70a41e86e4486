import { definePlugin } from '@weixi/sdk';
import { scanRegion } from './scan.js';
import { silenceField, silentMonthsField } from './schema.js';
import type { SilentSettings } from './task.js';

/** 沉默客户预警: the `scan` job, `Customer.silentMonths` and its evidence, `Customer.silence`. */
export default definePlugin<SilentSettings>({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.jobs.handle('scan', (run) => scanRegion(ctx, run)),
      ctx.graphql.addField('Customer', 'silentMonths', silentMonthsField(ctx)),
      ctx.graphql.addField('Customer', 'silence', silenceField(ctx)),
    );
  },
});
