import { fileURLToPath } from 'node:url';
import type { InstalledPlugin } from '@weixi/core';
import type { PluginManifest } from '@weixi/sdk';

const entry = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
type Declared = Omit<PluginManifest, 'version' | 'engines' | 'displayName' | 'description'>;
const plugin = (name: string, manifest: Declared): InstalledPlugin => ({
  entry: entry(name),
  manifest: { version: '1.0.0', engines: { weixi: '^0.1.0' }, displayName: name, description: `${name} fixture`, ...manifest },
});

const OFFER_TYPES: NonNullable<NonNullable<PluginManifest['contributes']>['graphqlTypes']> = [
  { kind: 'enum', name: 'Kind', description: 'What an offer gives', values: { DATA: {}, VOICE: {}, DISCOUNT: { description: 'Money off the plan' } } },
  {
    kind: 'object',
    name: 'Offer',
    description: 'A retention offer',
    fields: {
      id: { type: 'ID!' },
      kind: { type: 'Kind!' },
      title: { type: 'String!' },
      steps: { type: '[Step!]!', description: 'What happens when' },
      fallback: { type: 'Offer', description: 'Offered when this one is declined' },
    },
  },
  { kind: 'object', name: 'Step', description: 'One step of an offer', fields: { day: { type: 'Int!' }, note: { type: 'String' } } },
  { kind: 'input', name: 'OfferFilter', description: 'Which offers', fields: { kinds: { type: '[Kind!]!' }, minSteps: { type: 'Int' } } },
];

/** Plugins with declared GraphQL types, for tests/api/plugin-types.test.ts. */
export const TYPED_PLUGINS: InstalledPlugin[] = [
  plugin('offers', {
    id: 'offers',
    contributes: {
      graphql: [
        { type: 'Query', field: 'catalogue', description: 'Offers' },
        { type: 'Query', field: 'misfit', description: 'Misfits' },
        { type: 'Customer', field: 'offer', description: 'An offer' },
      ],
      graphqlTypes: OFFER_TYPES,
    },
  }),
  plugin('clash', { id: 'clash', namespace: 'Offers', contributes: { graphqlTypes: [OFFER_TYPES[2]!] } }),
  plugin('mistyped', { id: 'mistyped', contributes: { graphql: [{ type: 'Query', field: 'coupon', description: 'A coupon' }] } }),
];
