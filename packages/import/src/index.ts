/**
 * Real data in: `importFile` streams a CSV export (gzip accepted) through a preset or a mapping file into
 * customers, monthly usage and events, by COPY in all-or-nothing batches, with a reject file. See README.md.
 */
export { importFile, BatchFailedError, type ImportOptions, type ImportProgress, type ImportReport } from './import.js';
export { defaultMapping, mappingMapper, mappingProblems, type KindMapping, type MappingFile, type Reject, type RowMapper } from './mapping.js';
export { PRESETS, findPreset, type Preset } from './presets/index.js';
export { IMPORT_KINDS, type EventRow, type ImportKind, type ImportRow, type UsageRow } from './rows.js';
export { CsvFormatError } from './source.js';
export { readMappedFile, type ReadRecord } from './read.js';
export type { WriteCounts } from './write.js';
