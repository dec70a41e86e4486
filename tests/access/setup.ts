/**
 * One platform for the whole sweep: the workspace plugins installed (so their fields are swept too), the
 * fixture created, a credential per role, and the schema introspected from the running server as it
 * stands with the plugins enabled.
 */
import { fileURLToPath } from 'node:url';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { loadPlugins } from '@weixi/platform';
import type { GraphQLHttpClient } from '@weixi/testing';
import { startTestApi, type TestApi } from '../api/harness.js';
import { installSweepPlugins, startPluginRegistry } from './plugin-installs.js';
import { createFixture, type Fixture } from './fixture.js';
import { tablesOf } from './fingerprint.js';
import { connectionNodes } from './leaks.js';
import { visibilityOf, type Visibility } from './oracle.js';
import { credentialFor, SWEEP_JWT_SECRET, SWEEP_ROLES, type SweepRole } from './roles.js';

export interface SweepClient {
  role: SweepRole;
  /** The role's API key or JWT, for clients other than `client` (subscriptions). */
  token: string;
  client: GraphQLHttpClient;
  visibility: Visibility;
}

export interface Sweep {
  api: TestApi;
  schema: GraphQLSchema;
  fixture: Fixture;
  clients: SweepClient[];
  /** Connection type → node type, for totalCount bounds. */
  connections: Map<string, string>;
  tables: Awaited<ReturnType<typeof tablesOf>>;
  close(): Promise<void>;
}

const workspace = fileURLToPath(new URL('../..', import.meta.url));

export async function introspect(client: GraphQLHttpClient): Promise<GraphQLSchema> {
  return buildClientSchema(await client.ok<IntrospectionQuery>(getIntrospectionQuery({ oneOf: true })));
}

export async function startSweep(): Promise<Sweep> {
  const { plugins, refused } = await loadPlugins({ workspaceDir: workspace, baseDir: workspace, logger: { warn: () => {} } });
  if (refused.length > 0) throw new Error(`workspace plugins refused: ${refused.map((r) => `${r.id}: ${r.reason}`).join('; ')}`);
  // The server reads its JWT settings when it starts.
  const previousSecret = process.env.WEIXI_JWT_SECRET;
  process.env.WEIXI_JWT_SECRET = SWEEP_JWT_SECRET;
  // Its tokens outlive the day the sweep moves the clock on: a longer maximum lifetime than the default.
  const registry = await startPluginRegistry();
  const api = await startTestApi(undefined, { plugins, auth: { jwt: { secret: SWEEP_JWT_SECRET, maxLifetimeSeconds: 30 * 24 * 3600 } }, pluginStore: registry.pluginStore });
  const fixture = await createFixture(api, await introspect(api));
  await installSweepPlugins(api);
  const schema = await introspect(api);
  const clients = await Promise.all(
    SWEEP_ROLES.map(async (role) => {
      const token = await credentialFor(api, role);
      return { role, token, client: api.as(token), visibility: await visibilityOf(api, role, fixture.markers) };
    }),
  );
  return {
    api,
    schema,
    fixture,
    clients,
    connections: connectionNodes(schema),
    tables: await tablesOf(api),
    async close() {
      await api.close();
      await registry.close();
      if (previousSecret === undefined) delete process.env.WEIXI_JWT_SECRET;
      else process.env.WEIXI_JWT_SECRET = previousSecret;
    },
  };
}
