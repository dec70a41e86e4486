import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPED_PLUGINS } from '../plugins/typed/index.js';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let customer: string;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z', { plugins: TYPED_PLUGINS, failureThreshold: 100 });
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: [customerInput('13300000009')] });
  customer = r.upsertCustomers.customers[0].id;
});
afterAll(() => api.close());

const INTROSPECT = `query {
  offer: __type(name: "Offers_Offer") { kind description fields { name type { kind name ofType { kind name ofType { kind name ofType { name } } } } } }
  kind: __type(name: "Offers_Kind") { kind enumValues { name description } }
  filter: __type(name: "Offers_OfferFilter") { kind inputFields { name type { kind ofType { kind ofType { kind ofType { name } } } } } }
  step: __type(name: "Offers_Step") { name }
}`;
const OFFER = '{ __typename id kind title steps { __typename day note } fallback { id kind title steps { day } fallback { id } } }';
const failures = async () =>
  ((await api.ok(`query { plugin(id: "offers") { health { consecutiveFailures lastError } } }`)).plugin.health as Array<{ consecutiveFailures: number; lastError: string }>)
    .reduce((sum, h) => sum + h.consecutiveFailures, 0);

describe('plugin-declared GraphQL types over HTTP', () => {
  it('are not in the schema until a region enables the plugin', async () => {
    expect(await api.ok(INTROSPECT)).toEqual({ offer: null, kind: null, filter: null, step: null });
  });

  it('join the schema with the plugin: objects, enums and inputs, named <Namespace>_<Name>', async () => {
    await api.ok(`mutation { enablePlugin(id: "offers", regionCode: "JS") { plugin { status } } }`);
    const r = await api.ok(INTROSPECT);
    expect(r.offer.kind).toBe('OBJECT');
    expect(r.offer.description).toBe('A retention offer (plugin: offers)');
    const fields = Object.fromEntries(r.offer.fields.map((f: any) => [f.name, f.type]));
    expect(fields.kind).toEqual({ kind: 'NON_NULL', name: null, ofType: { kind: 'ENUM', name: 'Offers_Kind', ofType: null } });
    expect(fields.steps).toEqual({ kind: 'NON_NULL', name: null, ofType: { kind: 'LIST', name: null, ofType: { kind: 'NON_NULL', name: null, ofType: { name: 'Offers_Step' } } } });
    expect(fields.fallback).toEqual({ kind: 'OBJECT', name: 'Offers_Offer', ofType: null });
    expect(r.kind).toEqual({ kind: 'ENUM', enumValues: [{ name: 'DATA', description: null }, { name: 'DISCOUNT', description: 'Money off the plan' }, { name: 'VOICE', description: null }] });
    expect(r.filter.kind).toBe('INPUT_OBJECT');
    expect(r.filter.inputFields.map((f: any) => f.name)).toEqual(['kinds', 'minSteps']);
    expect(r.step).toEqual({ name: 'Offers_Step' });
  });

  it('fields return them, nested objects and lists included', async () => {
    const r = await api.ok(`query ($id: ID!) { offers_catalogue ${OFFER} customer(id: $id) { offer(kind: VOICE) { id kind title } } }`, { id: customer });
    expect(r.offers_catalogue.map((o: any) => o.id)).toEqual(['d10', 'v200', 'x15']);
    expect(r.offers_catalogue[0]).toEqual({
      __typename: 'Offers_Offer',
      id: 'd10',
      kind: 'DATA',
      title: '10 GB for 3 months',
      steps: [{ __typename: 'Offers_Step', day: 0, note: 'granted' }, { __typename: 'Offers_Step', day: 90, note: null }],
      fallback: { id: 'd5', kind: 'DATA', title: '5 GB', steps: [], fallback: null },
    });
    expect(r.customer.offer).toEqual({ id: expect.stringMatching(/^VOICE-\d+$/), kind: 'VOICE', title: '200 minutes' });
  });

  it('an input type validates arguments before the resolver runs', async () => {
    const r = await api.ok(`{ offers_catalogue(filter: { kinds: [DATA, DISCOUNT], minSteps: 2 }) { id } }`);
    expect(r.offers_catalogue).toEqual([{ id: 'd10' }, { id: 'x15' }]);
    const missing = await api.gql(`{ offers_catalogue(filter: { minSteps: 1 }) { id } }`);
    // Bad input to a plugin's declared input type is BAD_USER_INPUT with the argument's path, as for core fields.
    const issue = (r: { errors?: Array<{ extensions?: Record<string, any> }> }) => r.errors![0]!.extensions!;
    expect(issue(missing)).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'filter.kinds', message: expect.stringContaining('required') })] });
    const unknown = await api.gql(`{ offers_catalogue(filter: { kinds: [GIFT] }) { id } }`);
    expect(issue(unknown)).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ message: expect.stringContaining('GIFT') })] });
    const variable = await api.gql(`query ($f: Offers_OfferFilter) { offers_catalogue(filter: $f) { id } }`, { f: { kinds: ['VOICE'], minSteps: 'two' } });
    expect(issue(variable)).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'filter.minSteps', message: expect.stringContaining('"two"') })] });
    expect(await failures()).toBe(0);
  });

  it('a result that does not fit fails as the plugin\'s error, counted once per field, and the server keeps serving', async () => {
    // Non-null fields pass the null up to the nearest nullable one: the plugin field, or `fallback`.
    const cases: Array<[mode: string, selection: string, message: RegExp, data: unknown]> = [
      ['nullTitle', '{ id title }', /failed to resolve Offers_Offer\.title: it returned a value that does not fit Offers_Offer\.title: null where String! needs a value/, null],
      ['unknownKind', '{ kind }', /Offers_Offer\.kind: Enum "Offers_Kind" cannot represent value: "GIFT"/, null],
      ['textDay', '{ steps { day } }', /Offers_Step\.day: Int cannot represent non-integer value: "soon"/, null],
      ['notAList', '{ id }', /failed to resolve Query\.offers_misfit: it returned a value that does not fit Query\.offers_misfit: \{.* where \[Offers_Offer!\] needs a list/, null],
      ['nestedNull', '{ fallback { steps { day } } }', /Offers_Offer\.steps: null where \[Offers_Step!\]! needs a value/, [{ fallback: null }]],
    ];
    for (const [mode, selection, message, data] of cases) {
      const before = await failures();
      const r = await api.gql(`query ($m: String!) { offers_misfit(mode: $m) ${selection} ok: offers_catalogue { id } }`, { m: mode });
      expect(r.errors, mode).toHaveLength(1);
      expect(r.errors![0]!.message, mode).toMatch(message);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'PLUGIN_ERROR', plugin: 'offers' });
      expect(r.data!.offers_misfit, mode).toEqual(data);
      expect(r.data!.ok, mode).toHaveLength(3);
      expect(await failures(), mode).toBe(before + 1);
    }
    // A field the client did not select is not checked: GraphQL would not complete it either.
    expect((await api.ok(`{ offers_misfit(mode: "nullTitle") { id } }`)).offers_misfit).toEqual([{ id: 'd10' }]);
  });

  it('a misfit below a Customer field counts in the customer\'s region', async () => {
    const health = async () => (await api.ok(`query { plugin(id: "offers") { health { regionCode consecutiveFailures } } }`)).plugin.health;
    expect((await health()).find((h: any) => h.regionCode === 'JS-NJ-GL')).toBeUndefined();
    const r = await api.gql(`query ($id: ID!) { customer(id: $id) { msisdn offer(kind: DISCOUNT) { steps { day } } } }`, { id: customer });
    expect(r.errors![0]!.message).toMatch(/Offers_Step\.day: Int cannot represent non-integer value: "tomorrow"/);
    expect(r.data!.customer).toEqual({ msisdn: '13300000009', offer: null });
    expect((await health()).find((h: any) => h.regionCode === 'JS-NJ-GL')).toEqual({ regionCode: 'JS-NJ-GL', consecutiveFailures: 1 });
  });

  it('a misfit of every item still counts once', async () => {
    const before = await failures();
    const r = await api.gql(`{ offers_misfit(mode: "everyNote") { id steps { note } } }`);
    expect(r.errors!.map((e) => e.path!.join('.')).sort()).toEqual(['offers_misfit.0.steps.0.note', 'offers_misfit.1.steps.0.note', 'offers_misfit.2.steps.0.note']);
    expect(r.data!.offers_misfit.map((o: any) => o.steps[0].note)).toEqual([null, null, null]);
    expect(await failures()).toBe(before + 1);
  });

  it('leave the schema when the plugin is disabled everywhere', async () => {
    await api.ok(`mutation { disablePlugin(id: "offers", regionCode: "JS") { plugin { status } } }`);
    expect(await api.ok(INTROSPECT)).toEqual({ offer: null, kind: null, filter: null, step: null });
    const gone = await api.gql(`{ offers_catalogue { id } }`);
    expect(gone.errors![0]!.message).toContain('Cannot query field "offers_catalogue" on type "Query"');
  });

  it('a type name another active plugin holds fails that plugin, naming both', async () => {
    await api.ok(`mutation { enablePlugin(id: "offers", regionCode: "JS") { plugin { status } } }`);
    const r = await api.ok(`mutation { enablePlugin(id: "clash", regionCode: "JS") { plugin { status error } } }`);
    expect(r.enablePlugin.plugin).toEqual({
      status: 'FAILED',
      error: "plugins 'offers' and 'clash' both declare the GraphQL type Offers_Step; disable one of them or change a namespace",
    });
    expect((await api.ok(`{ offers_catalogue { steps { day } } }`)).offers_catalogue).toHaveLength(3);
  });

  it('a field returning a type the manifest does not declare fails the plugin, naming the type', async () => {
    const r = await api.ok(`mutation { enablePlugin(id: "mistyped", regionCode: "JS") { plugin { status error } } }`);
    expect(r.enablePlugin.plugin.status).toBe('FAILED');
    expect(r.enablePlugin.plugin.error).toBe(
      "plugin 'mistyped' registers the GraphQL field Query.mistyped_coupon whose type names type 'Coupon', which is neither a scalar nor declared in contributes.graphqlTypes; usable here: String, Int, Float, Boolean, ID, Date, DateTime, JSON",
    );
  });
});
