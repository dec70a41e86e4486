/**
 * The harness's own plugin, installed in every test platform and enabled globally: it implements the fake
 * channels a test asks for (each message is recorded as a contact with status `sent`) and adds the mutation
 * `testingHarness_send`, through which `platform.send(...)` asks the core to contact a customer exactly as
 * a tactic would (consent and idempotency included).
 */
import { fileURLToPath } from 'node:url';
import { definePlugin, SDK_VERSION, type PluginManifest } from '@weixi/sdk';
import type { InstalledPlugin } from '@weixi/core';

export const HARNESS_PLUGIN_ID = 'testing-harness';

export function harnessPlugin(channels: readonly string[]): InstalledPlugin {
  const manifest: PluginManifest = {
    id: HARNESS_PLUGIN_ID,
    displayName: 'Test harness',
    description: 'Fake channels and a send mutation for tests (@weixi/testing)',
    version: SDK_VERSION,
    engines: { weixi: `^${SDK_VERSION}` },
    capabilities: ['contact:send'],
    contributes: {
      channels: channels.map((id) => ({ id, title: `${id} (captured)`, kind: 'automated', description: 'Records each message as sent; nothing leaves the test.' })),
      graphql: [{ type: 'Mutation', field: 'send', description: 'Sends a message through the core, as a tactic plugin would.' }],
    },
  };
  return { manifest, entry: fileURLToPath(import.meta.url) };
}

export default definePlugin({
  activate(ctx) {
    for (const channel of ctx.plugin.manifest.contributes?.channels ?? []) {
      ctx.subscriptions.push(ctx.channels.register(channel.id, { send: async () => ({ status: 'sent', detail: 'captured by @weixi/testing' }) }));
    }
    ctx.subscriptions.push(
      ctx.graphql.addRootField('Mutation', 'send', {
        type: 'JSON',
        description: 'Sends a message through the core (consent, idempotency) and returns { contactId, status, created }.',
        args: {
          channel: { type: 'String', required: true },
          customerId: { type: 'Int', required: true },
          message: { type: 'String', required: true },
          idempotencyKey: { type: 'String', required: true },
        },
        resolve: (_root, args, request) =>
          request.services.contacts.send({
            channel: String(args.channel),
            customerId: Number(args.customerId),
            message: String(args.message),
            idempotencyKey: String(args.idempotencyKey),
          }),
      }),
    );
  },
});
