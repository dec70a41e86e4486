import { definePlugin } from '@weixi/sdk';
import { dispositionApplier } from './apply.js';
import { listenJob } from './listen.js';
import { CallCentreLinks } from './links.js';
import { callSender } from './sender.js';
import type { CallSettings } from './settings.js';

/** 外呼渠道: implements the `call` channel over the call centre's RabbitMQ. */
export default definePlugin<CallSettings>({
  activate(ctx) {
    const links = new CallCentreLinks(dispositionApplier(ctx), ctx.logger);
    // Pushed first, so disposed last: the connections close after the sender and the job are gone.
    ctx.subscriptions.push(
      { dispose: () => links.close() },
      ctx.channels.register('call', callSender(ctx, links)),
      ctx.jobs.handle('listen', listenJob(ctx, links)),
    );
  },
});
