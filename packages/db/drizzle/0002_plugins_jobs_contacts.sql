CREATE TABLE "contacts" (
	"id" serial PRIMARY KEY NOT NULL,
	"customer_id" integer NOT NULL,
	"channel" text NOT NULL,
	"plugin_id" text NOT NULL,
	"message" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"detail" text,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contacts_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"plugin_id" text NOT NULL,
	"job_id" text NOT NULL,
	"region_id" integer NOT NULL,
	"trigger" text NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 3 NOT NULL,
	"run_after" timestamp with time zone NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"progress_message" text,
	"error" text,
	"worker_id" text,
	"lease_until" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_runs_status_check" CHECK ("job_runs"."status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
	CONSTRAINT "job_runs_progress_check" CHECK ("job_runs"."progress" between 0 and 1)
);
--> statement-breakpoint
CREATE TABLE "job_schedules" (
	"plugin_id" text NOT NULL,
	"job_id" text NOT NULL,
	"region_id" integer NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"last_slot" timestamp with time zone,
	CONSTRAINT "job_schedules_plugin_id_job_id_region_id_pk" PRIMARY KEY("plugin_id","job_id","region_id")
);
--> statement-breakpoint
CREATE TABLE "plugin_configs" (
	"id" serial PRIMARY KEY NOT NULL,
	"plugin_id" text NOT NULL,
	"region_id" integer,
	"enabled" boolean,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plugin_health" (
	"id" serial PRIMARY KEY NOT NULL,
	"plugin_id" text NOT NULL,
	"region_id" integer,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_failure_at" timestamp with time zone,
	"tripped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "plugin_storage" (
	"id" serial PRIMARY KEY NOT NULL,
	"plugin_id" text NOT NULL,
	"region_id" integer,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD CONSTRAINT "job_schedules_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugin_configs" ADD CONSTRAINT "plugin_configs_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugin_health" ADD CONSTRAINT "plugin_health_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plugin_storage" ADD CONSTRAINT "plugin_storage_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contacts_customer_idx" ON "contacts" USING btree ("customer_id","id");--> statement-breakpoint
CREATE INDEX "contacts_channel_idx" ON "contacts" USING btree ("channel","status");--> statement-breakpoint
CREATE UNIQUE INDEX "job_runs_slot_idx" ON "job_runs" USING btree ("plugin_id","job_id","region_id","scheduled_for") WHERE "job_runs"."trigger" = 'schedule';--> statement-breakpoint
CREATE INDEX "job_runs_claim_idx" ON "job_runs" USING btree ("status","run_after");--> statement-breakpoint
CREATE INDEX "job_runs_job_idx" ON "job_runs" USING btree ("plugin_id","job_id","region_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "plugin_configs_scope_idx" ON "plugin_configs" USING btree ("plugin_id",coalesce("region_id", 0));--> statement-breakpoint
CREATE UNIQUE INDEX "plugin_health_scope_idx" ON "plugin_health" USING btree ("plugin_id",coalesce("region_id", 0));--> statement-breakpoint
CREATE UNIQUE INDEX "plugin_storage_key_idx" ON "plugin_storage" USING btree ("plugin_id",coalesce("region_id", 0),"key");