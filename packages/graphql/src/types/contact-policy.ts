/**
 * The contact policy in the API (触达管控): a customer's contacts, the gate's decisions and consent records
 * (`Customer.contacts`, `Customer.contactDecisions`, `Customer.contactConsents`), a region's policy
 * (`contactPolicy`, `setContactPolicy`), consent from the BSS or an agent (`setContactConsent`) and the
 * do-not-disturb list (`addDoNotDisturb`, `removeDoNotDisturb`).
 */
import { eq, sql } from 'drizzle-orm';
import { InputError, IssueList, resolveCustomerReferences, throwIfUnknown, type Region } from '@weixi/core';
import { addDoNotDisturb, policiesOf, recordConsent, removeDoNotDisturb, setContactPolicy, type ConsentRecord } from '@weixi/contact-policy';
import { CONTACT_DECISIONS, CONTACT_PURPOSES, CONTACT_STATUSES, contactConsents, contactDecisions, contacts } from '@weixi/db';
import type { WeixiBuilder } from '../builder.js';
import { childConnection, cursorKey } from '../connections.js';
import type { WeixiContext } from '../context.js';
import { localId } from '../ids.js';
import { child, type CustomerRow, type Loaders } from '../loaders.js';
import { reads } from '../projection.js';
import { regionToChange } from '../permissions.js';
import { enumOf } from './enums.js';
import type { Refs } from './refs.js';

type ContactRow = typeof contacts.$inferSelect;
type DecisionRow = typeof contactDecisions.$inferSelect;
type ConsentRow = typeof contactConsents.$inferSelect;

const perRequest = new WeakMap<Loaders, ReturnType<typeof policyLoaders>>();
function loadersOf(ctx: WeixiContext) {
  let found = perRequest.get(ctx.loaders);
  if (!found) perRequest.set(ctx.loaders, (found = policyLoaders(ctx)));
  return found;
}

// The parent customer was read in the caller's scope, so its children need no further filter.
function policyLoaders(ctx: WeixiContext) {
  const db = ctx.database.db;
  return {
    contacts: child<ContactRow>(db, 'customerContacts', () => ({ table: contacts, parent: contacts.customerId, keys: [sql`${contacts.id}`], direction: 'desc' })),
    decisions: child<DecisionRow>(db, 'contactDecisions', () => ({ table: contactDecisions, parent: contactDecisions.customerId, keys: [sql`${contactDecisions.id}`], direction: 'desc' })),
  };
}

const regionFor = (ctx: WeixiContext, code: string, path = 'regionCode') => regionToChange(ctx, 'contactPolicy', code, path) as Promise<Region>;

export function registerContactPolicy(builder: WeixiBuilder, refs: Refs): void {
  const ContactStatus = enumOf(builder, 'ContactStatus', CONTACT_STATUSES, 'Where a contact is.', {
    queued: 'Waiting for its channel, or for a retry after the channel failed to answer.',
    deferred: 'Held by quiet hours or a public holiday until `deferredUntil`; it passes the gate again then.',
    suppressed: 'Stopped by the contact policy (see `detail` and `Customer.contactDecisions`); no channel saw it.',
    sent: 'Accepted by the channel (for a human channel: work created for people).',
    delivered: 'Confirmed by a receipt, or a person reached the customer.',
    failed: 'Undeliverable (the next preferred channel, if any, was tried).',
    rejected: 'Refused by the provider (a bad number, a blocked address).',
  });
  const ContactPurpose = enumOf(builder, 'ContactPurpose', CONTACT_PURPOSES, 'What a contact is for: SERVICE (a bill, an outage) and MARKETING (a retention offer) have separate consent.');
  const ConsentPurpose = enumOf(builder, 'ConsentPurpose', [...CONTACT_PURPOSES, 'all'] as const, 'The purpose a consent record covers; ALL records both.');
  const Decision = enumOf(builder, 'ContactDecisionKind', CONTACT_DECISIONS, "The gate's decision on a contact.");

  const Contact = builder.objectRef<ContactRow>('Contact').implement({
    description: 'One contact of a customer through a channel: what was sent, where it is, and what the provider said.',
    fields: (t) => ({
      id: t.exposeInt('id'),
      channel: t.exposeString('channel'),
      purpose: t.expose('purpose', { type: ContactPurpose }),
      status: t.expose('status', { type: ContactStatus }),
      requestedBy: t.exposeString('pluginId', { description: 'The plugin that asked for the contact.' }),
      language: t.exposeString('language', { nullable: true }),
      subject: t.exposeString('subject', { nullable: true }),
      message: t.exposeString('message'),
      detail: t.exposeString('detail', { nullable: true, description: 'Why it is where it is: the gate\'s reason, the channel\'s detail, or the last error.' }),
      providerCode: t.exposeString('providerCode', { nullable: true, description: 'The provider\'s own code (SMPP status, SMTP reply, HTTP status).' }),
      providerRef: t.exposeString('providerRef', { nullable: true, description: 'The provider\'s id for the message; receipts quote it.' }),
      deferredUntil: t.expose('deferredUntil', { type: 'DateTime', nullable: true }),
      fallbackOf: t.exposeInt('fallbackOf', { nullable: true, description: 'The contact on the preferred channel this one replaced when that was undeliverable.' }),
      taskId: t.exposeInt('taskId', { nullable: true }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    }),
  });
  const DecisionRef = builder.objectRef<DecisionRow>('ContactDecision').implement({
    description: 'A decision of the contact-policy gate: sent, deferred until a time, or suppressed with its reason.',
    fields: (t) => ({
      id: t.exposeInt('id'),
      contactId: t.exposeInt('contactId'),
      channel: t.exposeString('channel'),
      purpose: t.field({ type: ContactPurpose, resolve: (d) => d.purpose as (typeof CONTACT_PURPOSES)[number] }),
      decision: t.expose('decision', { type: Decision }),
      rule: t.exposeString('rule', { nullable: true, description: 'consent, do_not_disturb, port_out, frequency_cap, quiet_hours or holiday.' }),
      reason: t.exposeString('reason', { nullable: true }),
      until: t.expose('until', { type: 'DateTime', nullable: true }),
      decidedAt: t.expose('decidedAt', { type: 'DateTime' }),
    }),
  });
  const Consent = builder.objectRef<ConsentRow>('ContactConsent').implement({
    description: "A customer's recorded word on a channel (`*`: every channel) and purpose; the newest one holds.",
    fields: (t) => ({
      channel: t.exposeString('channel'),
      purpose: t.expose('purpose', { type: ContactPurpose }),
      granted: t.exposeBoolean('granted'),
      source: t.exposeString('source'),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    }),
  });
  const Contacts = builder.connectionObject({ type: Contact, name: 'ContactConnection' }, { name: 'ContactEdge' });
  const Decisions = builder.connectionObject({ type: DecisionRef, name: 'ContactDecisionConnection' }, { name: 'ContactDecisionEdge' });

  builder.objectFields(refs.Customer, (t) => ({
    contacts: t.connection({ type: Contact, description: 'Contacts of the customer on every channel, newest first.', ...reads<CustomerRow>('id'), resolve: (c, args, ctx) => childConnection(args, loadersOf(ctx).contacts, c.id, cursorKey(['id'], (r: ContactRow) => [r.id])) }, Contacts),
    contactDecisions: t.connection(
      { type: DecisionRef, description: "The contact-policy gate's decisions on the customer's contacts, newest first.", ...reads<CustomerRow>('id'), resolve: (c, args, ctx) => childConnection(args, loadersOf(ctx).decisions, c.id, cursorKey(['id'], (r: DecisionRow) => [r.id])) },
      Decisions,
    ),
    contactConsents: t.field({
      type: [Consent],
      description: 'Consent records (opt-ins and opt-outs), newest first. The BSS flags are `consent`.',
      ...reads<CustomerRow>('id'),
      resolve: (c, _a, ctx) => ctx.database.db.select().from(contactConsents).where(eq(contactConsents.customerId, c.id)).orderBy(sql`${contactConsents.updatedAt} desc, ${contactConsents.channel}`),
    }),
  }));

  const ConsentInput = builder.inputType('ContactConsentInput', {
    fields: (t) => ({
      customerId: t.globalID({ required: true }),
      channel: t.string({ required: true, description: 'A channel id, or `*` for every channel (a `*` record replaces the per-channel ones).' }),
      purpose: t.field({ type: ConsentPurpose, required: true }),
      granted: t.boolean({ required: true }),
      source: t.string({ required: true, description: 'Where the word came from: `BSS`, `agent 1001`, `unsubscribe link`.' }),
    }),
  });
  const DoNotDisturbInput = builder.inputType('DoNotDisturbInput', {
    fields: (t) => ({
      msisdn: t.string({ required: true }),
      reason: t.string({ required: true, description: 'Why: `12321 complaint`, `customer request`.' }),
      source: t.string({ required: true }),
      expiresAt: t.field({ type: 'DateTime' }),
    }),
  });

  builder.queryFields((t) => ({
    contactPolicy: t.field({
      type: 'JSONObject',
      description: 'The contact policy in force in a region (its own keys over its ancestors\' over the defaults): marketing consent, frequency cap, quiet hours per channel, holidays, port-out rule.',
      args: { regionCode: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => {
        const region = await regionFor(ctx, args.regionCode);
        return (await policiesOf(ctx.database.db, [region.path])).get(region.path)! as never;
      },
    }),
  }));

  builder.mutationFields((t) => ({
    setContactPolicy: t.field({
      type: 'JSONObject',
      description: 'Sets keys of a region\'s contact policy (null removes a key, which then inherits); returns the policy in force there. Every problem is named in one BAD_USER_INPUT error.',
      args: { regionCode: t.arg.string({ required: true }), policy: t.arg({ type: 'JSONObject', required: true }) },
      resolve: async (_r, args, ctx) => {
        const result = await setContactPolicy(ctx.database.db, await regionFor(ctx, args.regionCode), args.policy as Record<string, unknown>);
        if ('issues' in result) throw new InputError(result.issues);
        return result.policy as never;
      },
    }),
    setContactConsent: t.field({
      type: 'Int',
      description: 'Records consent given or withdrawn, from now on (the gate reads the newest record); returns how many records were written. All or nothing.',
      args: { consents: t.arg({ type: [ConsentInput], required: true }) },
      resolve: async (_r, args, ctx) => {
        if (args.consents.length === 0 || args.consents.length > 1000) throw new InputError([{ path: 'consents', message: `must hold 1 to 1000 records, got ${args.consents.length}` }]);
        const records: ConsentRecord[] = args.consents.map((c, i) => {
          const problems: string[] = [];
          if (c.channel !== '*' && !/^[a-z][a-z0-9-]{0,39}$/.test(c.channel)) problems.push(`channel ${JSON.stringify(c.channel)} is not a channel id or "*"`);
          if (c.source.trim().length === 0 || c.source.length > 200) problems.push('source must be 1 to 200 characters');
          if (problems.length > 0) throw new InputError(problems.map((message) => ({ path: `consents[${i}]`, message })));
          return { customerId: localId(c.customerId, `consents[${i}].customerId`), channel: c.channel, purpose: c.purpose, granted: c.granted, source: c.source };
        });
        // As the ingest mutations: a customer the caller cannot see is NOT_FOUND, never told apart from one that does not exist.
        const issues = new IssueList();
        const unknown = new IssueList();
        await resolveCustomerReferences(ctx.database.db, records, 'consents', issues, { principal: ctx.principal, unknown });
        throwIfUnknown(unknown, issues);
        await recordConsent(ctx.database.db, records, ctx.clock.now());
        return records.reduce((n, r) => n + (r.purpose === 'all' ? 2 : 1), 0);
      },
    }),
    addDoNotDisturb: t.field({
      type: 'Int',
      description: 'Adds numbers to the do-not-disturb list (免打扰): no marketing reaches them on any channel. A number already listed takes the new reason and expiry. Returns how many were written.',
      args: { entries: t.arg({ type: [DoNotDisturbInput], required: true }) },
      resolve: async (_r, args, ctx) => {
        args.entries.forEach((e, i) => {
          if (!/^\+?\d{5,20}$/.test(e.msisdn)) throw new InputError([{ path: `entries[${i}].msisdn`, message: `${JSON.stringify(e.msisdn)} is not a phone number (5 to 20 digits)` }]);
        });
        return addDoNotDisturb(ctx.database.db, args.entries.map((e) => ({ msisdn: e.msisdn, reason: e.reason, source: e.source, expiresAt: e.expiresAt ?? null })), ctx.clock.now());
      },
    }),
    removeDoNotDisturb: t.field({
      type: 'Int',
      description: 'Removes numbers from the do-not-disturb list; returns how many were listed.',
      args: { msisdns: t.arg.stringList({ required: true }) },
      resolve: (_r, args, ctx) => removeDoNotDisturb(ctx.database.db, args.msisdns),
    }),
  }));
}
