export { listContactRecords, type ContactRecord, type ContactRecordFilter } from './list.js';
export { deliverContact, drainOutbox, OUTBOX, type ContactChannels, type OutboxContact } from './outbox.js';
