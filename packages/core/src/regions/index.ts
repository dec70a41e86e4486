export { regionsByCode, type Region } from './regions.js';
