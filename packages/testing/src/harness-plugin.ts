/**
 * The harness's own plugin, installed in every test platform and enabled globally: it implements the fake
 * channels a test asks for (each message is recorded as a contact with status `sent`) and adds the mutation
 * `testingHarness_send`, through which `platform.send(...)` asks the core to contact a customer exactly as
 * a tactic would (consent and idempotency included).
 */
import { fileURLToPath } from 'node:url';
import { definePlugin, SDK_VERSION, type ContactPurpose, type DeliveryStatus, type MessageTemplate, type PluginManifest } from '@weixi/sdk';
import type { InstalledPlugin } from '@weixi/core';

export const HARNESS_PLUGIN_ID = 'testing-harness';


/** A fake channel: every message gets `answer` (default `sent`). */
export interface CapturedChannel {
  id: string;
  kind?: 'automated' | 'human';
  answer?: DeliveryStatus;
}

export function harnessPlugin(channels: ReadonlyArray<string | CapturedChannel>): InstalledPlugin {
  const captured = channels.map((c) => (typeof c === 'string' ? { id: c } : c));
  const manifest: PluginManifest = {
    id: HARNESS_PLUGIN_ID,
    displayName: 'Test harness',
    description: 'Fake channels and a send mutation for tests (@weixi/testing)',
    version: SDK_VERSION,
    engines: { weixi: `^${SDK_VERSION}` },
    capabilities: ['contact:send'],
    // The fake channels' answers travel as the settings' default, so the plugin module needs no shared state.
    settings: {
      type: 'object',
      properties: { answers: { type: 'object', default: Object.fromEntries(captured.map((c) => [c.id, c.answer ?? 'sent'])), additionalProperties: { type: 'string' } } },
    },
    contributes: {
      channels: captured.map((c) => ({ id: c.id, title: `${c.id} (captured)`, kind: c.kind ?? 'automated', description: `Records each message as ${c.answer ?? 'sent'}; nothing leaves the test.` })),
      graphql: [{ type: 'Mutation', field: 'send', description: 'Sends a message through the core, as a tactic plugin would.' }],
    },
  };
  return { manifest, entry: fileURLToPath(import.meta.url) };
}

export default definePlugin<{ answers: Record<string, DeliveryStatus> }>({
  activate(ctx) {
    for (const channel of ctx.plugin.manifest.contributes?.channels ?? []) {
      ctx.subscriptions.push(ctx.channels.register(channel.id, {
          send: async (contact) => ({ status: (await ctx.settings.forRegion(contact.regionCode)).answers[channel.id] ?? 'sent', detail: 'captured by @weixi/testing' }),
        }));
    }
    ctx.subscriptions.push(
      ctx.graphql.addRootField('Mutation', 'send', {
        type: 'JSON',
        description: 'Sends a message through the core (consent, idempotency) and returns { contactId, status, created }.',
        args: {
          channel: { type: 'JSON', required: true },
          customerId: { type: 'Int', required: true },
          message: { type: 'JSON', required: true },
          purpose: { type: 'String' },
          idempotencyKey: { type: 'String', required: true },
        },
        resolve: (_root, args, request) =>
          request.services.contacts.send({
            channel: args.channel as string | string[],
            customerId: Number(args.customerId),
            message: args.message as string | MessageTemplate,
            ...(args.purpose ? { purpose: args.purpose as ContactPurpose } : {}),
            idempotencyKey: String(args.idempotencyKey),
          }),
      }),
    );
  },
});
