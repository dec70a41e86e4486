export { recordUsage, MAX_USAGE_BATCH, type MonthlyUsage, type UsageInput } from './record.js';
