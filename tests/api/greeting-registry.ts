/** The registry tests' shared setup: a Verdaccio holding the greeting plugin's releases, and its field. */
import { publishGreetingReleases } from '../../packages/plugin-store/src/fixture-plugin.test-support.js';
import { startRegistry, type TestRegistry } from '../../packages/plugin-store/src/verdaccio.test-support.js';
import type { TestApi } from './harness.js';

/** A fresh registry with greeting 1.0.0, 1.1.0 (settings migrated) and 1.2.0 (fails to activate), signed. */
export async function startGreetingRegistry(signer: { privateKey: string; publisher: string }): Promise<TestRegistry> {
  const registry = await startRegistry();
  await publishGreetingReleases(registry, signer);
  return registry;
}

/** What `greeting_hello` answers for JS-NJ, or the first error's message. */
export async function hello(api: TestApi): Promise<string> {
  const r = await api.gql(`query { greeting_hello(regionCode: "JS-NJ") }`);
  return r.errors ? r.errors[0]!.message : r.data!.greeting_hello;
}
