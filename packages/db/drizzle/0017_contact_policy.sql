-- The contact-policy gate (packages/contact-policy): every contact passes it before its channel sees it.
-- Contacts gain what the channel contract carries (purpose, language, subject, task, the provider's code and
-- message id, a human disposition), the channels still to try when one is undeliverable, and when the gate
-- let the contact through (what the frequency cap counts).
ALTER TABLE "contacts" ADD COLUMN "purpose" text DEFAULT 'marketing' NOT NULL;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "language" text;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "subject" text;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "task_id" integer;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "provider_code" text;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "provider_ref" text;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "disposition" text;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "fallback_channels" text[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "fallback_of" integer;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "deferred_until" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "gated_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_purpose_check" CHECK ("contacts"."purpose" in ('service', 'marketing'));
--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_status_check" CHECK ("contacts"."status" in ('queued', 'deferred', 'suppressed', 'sent', 'delivered', 'failed', 'rejected'));
--> statement-breakpoint
CREATE INDEX "contacts_provider_ref_idx" ON "contacts" USING btree ("channel","provider_ref") WHERE "provider_ref" IS NOT NULL;
--> statement-breakpoint
DROP INDEX "contacts_outbox_idx";
--> statement-breakpoint
CREATE INDEX "contacts_outbox_idx" ON "contacts" USING btree ("next_attempt_at") WHERE "status" in ('queued', 'deferred');
--> statement-breakpoint
CREATE INDEX "contacts_gated_idx" ON "contacts" USING btree ("customer_id","gated_at") WHERE "gated_at" IS NOT NULL;
--> statement-breakpoint
-- Consent per channel (`*` = every channel) and purpose, as the customer last expressed it: the newest
-- matching record wins. customers.consent (per channel, from the BSS) still withdraws a channel entirely.
CREATE TABLE "contact_consents" (
	"customer_id" integer NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_consents_pk" PRIMARY KEY("customer_id","channel","purpose"),
	CONSTRAINT "contact_consents_purpose_check" CHECK ("contact_consents"."purpose" in ('service', 'marketing'))
);
--> statement-breakpoint
ALTER TABLE "contact_consents" ADD CONSTRAINT "contact_consents_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Do-not-disturb numbers (免打扰): the operator's own list and the regulator's complaint list. No marketing.
CREATE TABLE "do_not_disturb" (
	"msisdn" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
-- A region's policy stores only what it sets; the rest is inherited from its ancestors, then the defaults.
CREATE TABLE "contact_policies" (
	"region_id" integer PRIMARY KEY NOT NULL,
	"policy" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contact_policies" ADD CONSTRAINT "contact_policies_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Every decision of the gate: sent (let through), deferred until an instant, or suppressed, with the rule and
-- the reason; queryable per customer.
CREATE TABLE "contact_decisions" (
	"id" serial PRIMARY KEY NOT NULL,
	"contact_id" integer NOT NULL,
	"customer_id" integer NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"decision" text NOT NULL,
	"rule" text,
	"reason" text,
	"until" timestamp with time zone,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_decisions_decision_check" CHECK ("contact_decisions"."decision" in ('sent', 'deferred', 'suppressed'))
);
--> statement-breakpoint
ALTER TABLE "contact_decisions" ADD CONSTRAINT "contact_decisions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "contact_decisions_customer_idx" ON "contact_decisions" USING btree ("customer_id","id");
--> statement-breakpoint
CREATE INDEX "contact_decisions_contact_idx" ON "contact_decisions" USING btree ("contact_id");
--> statement-breakpoint
-- Region scope (0005): consent and decisions follow the customer; the DND list is by number, like the MSISDN
-- itself, and policies are configuration scoped by the application (a city reads its province's to inherit).
ALTER TABLE "contact_consents" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "contact_consents_in_scope" ON "contact_consents" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = contact_consents.customer_id));
--> statement-breakpoint
ALTER TABLE "contact_decisions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "contact_decisions_in_scope" ON "contact_decisions" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = contact_decisions.customer_id));
