-- Idempotency keys are scoped to the customer a write is for (and, for contacts, to the plugin asking):
-- a key that one region used can no longer collide with, reveal or swallow another region's write. A
-- customer belongs to one region, and whoever may write for it sees its rows, so a collision only ever
-- involves rows the caller sees.
ALTER TABLE "retention_tasks" DROP CONSTRAINT "retention_tasks_idempotency_key_unique";
--> statement-breakpoint
CREATE UNIQUE INDEX "retention_tasks_idempotency_idx" ON "retention_tasks" USING btree ("customer_id","idempotency_key");
--> statement-breakpoint
ALTER TABLE "customer_events" DROP CONSTRAINT "customer_events_idempotency_key_unique";
--> statement-breakpoint
CREATE UNIQUE INDEX "customer_events_idempotency_idx" ON "customer_events" USING btree ("customer_id","idempotency_key");
--> statement-breakpoint
ALTER TABLE "contacts" DROP CONSTRAINT "contacts_idempotency_key_unique";
--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_idempotency_idx" ON "contacts" USING btree ("plugin_id","customer_id","idempotency_key");
--> statement-breakpoint
-- The contacts table is an outbox: a queued row is delivered by whoever holds its lease; a delivery that
-- threw is retried at next_attempt_at; attempts counts channel calls.
ALTER TABLE "contacts" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "lease_until" timestamp with time zone;
--> statement-breakpoint
UPDATE "contacts" SET "next_attempt_at" = "created_at";
--> statement-breakpoint
CREATE INDEX "contacts_outbox_idx" ON "contacts" USING btree ("next_attempt_at") WHERE "status" = 'queued';
