export {
  seedDemoData,
  DEFAULT_DEMO_SEED,
  MAX_DEMO_CUSTOMERS,
  type SeedDemoOptions,
  type SeedDemoResult,
  type SeedProgress,
  type SeedPhase,
} from './seed.js';
export { DEFAULT_USAGE_MONTHS, MAX_USAGE_MONTHS } from './calendar.js';
export { hasCustomers, DatabaseNotEmptyError } from './population.js';
export { DEMO_REGIONS, DEMO_TIME_ZONE, type ProvinceSpec, type CitySpec, type DistrictSpec } from './regions.js';
export { DEMO_PLANS, type DemoPlan } from './plans.js';
