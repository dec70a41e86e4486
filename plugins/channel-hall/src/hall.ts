/**
 * The `hall` sender (营业厅). Nothing goes out: the contact itself is the offer, waiting as `sent` until the
 * customer next walks into a hall, where `hall_pendingOffers` shows it and `hall_recordVisitOutcome` closes it.
 */
import type { ChannelSender } from '@weixi/sdk';

export const WAITING = "waiting for the customer's next visit";

export const hallSender = (): ChannelSender => ({
  send: async () => ({ status: 'sent', detail: WAITING }),
});
