export { upsertCustomers, MAX_CUSTOMER_BATCH, type Customer, type UpsertCustomersResult } from './upsert.js';
export { checkCustomerInput, isIsoDate, normaliseMsisdn, type CustomerInput } from './input.js';
export { resolveCustomerReferences, type CustomerReference } from './identify.js';
export {
  countCustomers,
  customerFilterSql,
  customerSortKey,
  escapeLike,
  listCustomers,
  CUSTOMER_ORDER_COLUMNS,
  type CustomerFilter,
  type CustomerOrder,
  type CustomerOrderField,
} from './list.js';
