export { regionsByCode, type Region } from './regions.js';
export { canonicalTimeZone, checkRegionInput, isRegionLevel, PARENT_LEVELS, type RegionInput } from './input.js';
export { upsertRegions, MAX_REGION_BATCH, type UpsertRegionsOptions, type UpsertRegionsResult } from './upsert.js';
export { eachRegion, type RegionWithParent } from './list.js';
export { escapeLike } from './subtrees.js';
