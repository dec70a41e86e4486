export { recordEvents, MAX_EVENT_BATCH, type CustomerEvent, type EventInput, type RecordEventsResult } from './record.js';
