export { listContactRecords, type ContactRecord, type ContactRecordFilter } from './list.js';
