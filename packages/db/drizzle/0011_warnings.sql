-- Churn warnings (流失预警), raised by warning rules set-based. Hand-written like 0007: one open or
-- acknowledged warning per customer and rule, enforced by a partial unique index the engine's
-- INSERT ... ON CONFLICT targets.
CREATE TABLE "warnings" (
	"id" serial PRIMARY KEY NOT NULL,
	"customer_id" integer NOT NULL,
	"plugin_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"region_id" integer NOT NULL,
	"level" text NOT NULL,
	"score" real NOT NULL,
	"reason" text NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"as_of_month" date NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"raised_by_run" integer,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"note" text,
	CONSTRAINT "warnings_status_check" CHECK ("warnings"."status" in ('open', 'acknowledged', 'resolved', 'expired')),
	CONSTRAINT "warnings_level_check" CHECK ("warnings"."level" in ('low', 'medium', 'high')),
	CONSTRAINT "warnings_score_check" CHECK ("warnings"."score" between 0 and 100),
	CONSTRAINT "warnings_resolved_check" CHECK (("warnings"."status" in ('resolved', 'expired')) = ("warnings"."resolved_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_raised_by_run_job_runs_id_fk" FOREIGN KEY ("raised_by_run") REFERENCES "public"."job_runs"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "warnings_one_live_idx" ON "warnings" USING btree ("customer_id","plugin_id","rule_id") WHERE "warnings"."status" in ('open', 'acknowledged');
--> statement-breakpoint
CREATE INDEX "warnings_rule_region_idx" ON "warnings" USING btree ("plugin_id","rule_id","region_id") WHERE "warnings"."status" in ('open', 'acknowledged');
--> statement-breakpoint
CREATE INDEX "warnings_region_idx" ON "warnings" USING btree ("region_id","id");
--> statement-breakpoint
CREATE INDEX "warnings_customer_idx" ON "warnings" USING btree ("customer_id","id");
--> statement-breakpoint
-- Region scope as for the other customer tables: a warning follows its customer (0005).
ALTER TABLE "warnings" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "warnings_in_scope" ON "warnings" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = warnings.customer_id));
