export { readConfig, type ApiConfig } from './config.js';
