export * from './schema.js';
export {
  openDatabase,
  queryRows,
  resolveDatabaseTarget,
  MIGRATIONS_FOLDER,
  type Database,
  type DatabaseClient,
  type Db,
  type OpenDatabaseOptions,
  type Schema,
} from './database.js';
export { DataDirInUseError } from './data-dir-lock.js';
export { isConnectionLoss } from './connection-loss.js';
