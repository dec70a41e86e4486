/**
 * A visit task closed with an outcome: its contact gets the matching status. Only tasks this plugin created
 * match (by providerRef); the report ignores any other. Cancelled and expired tasks raise no event, so their
 * contacts stay `sent` until someone records an outcome.
 */
import type { DeliveryStatus, PluginChannels } from '@weixi/sdk';
import { ACCOUNT_MANAGER } from './settings.js';
import { taskRef } from './visit.js';

/** The customer heard the offer (whatever they answered): delivered. Not reached: failed, next channel. */
const STATUS_OF_OUTCOME: Record<string, DeliveryStatus> = {
  retained: 'delivered',
  declined: 'delivered',
  not_eligible: 'delivered',
  unreachable: 'failed',
  wrong_number: 'failed',
  callback_requested: 'failed',
};

export function onTaskCompleted(channels: PluginChannels) {
  return async ({ taskId, outcome }: { taskId: number; outcome: string }) => {
    const status = STATUS_OF_OUTCOME[outcome];
    if (!status) return;
    await channels.report({ channel: ACCOUNT_MANAGER, providerRef: taskRef(taskId), status, disposition: outcome });
  };
}
