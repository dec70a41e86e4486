export { listContactRecords, type ContactRecord, type ContactRecordFilter } from './list.js';
export { deliverContact, deliverContacts, drainOutbox, OUTBOX, type ContactChannels, type OutboxContact } from './outbox.js';
export { reportDelivery } from './report.js';
export { fallBack } from './fallback.js';
