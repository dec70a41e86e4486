import type { FieldRegistration, TypeRegistration } from '@weixi/core';
import type { GraphQLSchema } from 'graphql';
import { auditMutations } from './audit.js';
import { createBuilder } from './builder.js';
import { guardRootFields } from './permissions.js';
import { registerScalars } from './scalars.js';
import { registerApiKeys, registerRoleEnum } from './types/api-keys.js';
import { registerJwtRevocations } from './types/jwt-revocations.js';
import { registerAudit } from './types/audit.js';
import { registerCustomer } from './types/customer.js';
import { registerCustomerQueries } from './types/customer-queries.js';
import { registerEnums } from './types/enums.js';
import { registerIngest } from './types/ingest.js';
import { registerImport } from './types/import.js';
import { registerJobs } from './types/jobs.js';
import { registerPluginFields } from './types/plugin-fields.js';
import { registerPlugins } from './types/plugins.js';
import { registerPluginInstalls } from './types/plugin-installs.js';
import { registerPluginTypes } from './types/plugin-types.js';
import { registerRegion } from './types/region.js';
import { createRefs } from './types/refs.js';
import { registerSegment } from './types/segment.js';
import { registerTask } from './types/task.js';
import { registerContactPolicy } from './types/contact-policy.js';
import { registerDispatch } from './types/dispatch.js';
import { registerKpis } from './types/kpis.js';
import { registerPlanner } from './types/planner.js';
import { registerTiers } from './types/tiers.js';
import { registerWarning } from './types/warning.js';
import { registerWarningBacktest } from './types/warning-backtest.js';
import { registerChurnModels } from './types/churn-model.js';

/**
 * Builds the core schema with a fresh builder. Each module registers its types and root fields through
 * functions (no import side effects), so the schema can be rebuilt whenever the plugin set changes.
 */
export interface BuildSchemaOptions {
  /** Fields active plugins registered; the plugin host passes its registry's current list. */
  pluginFields?: readonly FieldRegistration[];
  /** Types active plugins declared (`Sms_Message`), which their fields return and take. */
  pluginTypes?: readonly TypeRegistration[];
}

export function buildSchema(options: BuildSchemaOptions = {}): GraphQLSchema {
  const builder = createBuilder();
  registerScalars(builder);
  builder.queryType({ description: 'Customers, segments and retention tasks.' });
  builder.mutationType({ description: 'Ingest, segments and the retention task lifecycle.' });
  builder.subscriptionType({ description: 'Live updates: each event is the object as the subscriber would query it now; objects outside its scope never arrive.' });
  builder.globalConnectionField('totalCount', (t) =>
    t.int({ description: 'Items in the whole connection, not just this page.', resolve: (parent) => parent.totalCount() }),
  );
  const refs = createRefs(builder);
  const enums = registerEnums(builder);
  registerRegion(builder, refs, enums);
  registerCustomer(builder, refs, enums);
  const segmentFilter = registerSegment(builder, refs, enums);
  registerCustomerQueries(builder, refs, enums, segmentFilter);
  registerTask(builder, refs, enums);
  registerDispatch(builder, refs, enums);
  registerContactPolicy(builder, refs);
  registerKpis(builder);
  registerPlanner(builder, refs);
  registerWarning(builder, refs);
  registerWarningBacktest(builder, refs);
  registerChurnModels(builder);
  registerIngest(builder, refs, enums);
  registerImport(builder);
  registerTiers(builder);
  registerPluginInstalls(builder, registerPlugins(builder).Plugin);
  registerJobs(builder);
  const role = registerRoleEnum(builder);
  registerApiKeys(builder, role);
  registerJwtRevocations(builder);
  registerAudit(builder, role);
  registerPluginFields(builder, refs, options.pluginFields ?? [], registerPluginTypes(builder, options.pluginTypes ?? []));
  // Every root field runs its role check from the permission matrix (permissions.ts).
  const pluginMutations = new Set((options.pluginFields ?? []).filter((f) => f.type === 'Mutation').map((f) => f.name));
  const schema = guardRootFields(builder.toSchema({ sortSchema: true }), pluginMutations);
  // Every mutation field, plugin fields included, leaves an audit row.
  return auditMutations(schema, options.pluginFields ?? []);
}
