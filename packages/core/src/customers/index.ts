export { upsertCustomers, MAX_CUSTOMER_BATCH, type Customer, type UpsertCustomersResult } from './upsert.js';
export { checkCustomerInput, isIsoDate, normaliseMsisdn, type CustomerInput } from './input.js';
export { resolveCustomerReferences, throwIfUnknown, type CustomerReference, type ReferenceScope } from './identify.js';
export { callerName, callerRegions, mayWriteRegion, OutOfScopeError, regionsPhrase, throwIfOutside, type BatchOptions } from './write-scope.js';
export {
  countCustomers,
  customerFilterSql,
  customerSortKey,
  listCustomers,
  customersPageQuery,
  CUSTOMER_ORDER_COLUMNS,
  type CustomerFilter,
  type CustomerOrder,
  type CustomerOrderField,
} from './list.js';
