CREATE TABLE "customer_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"customer_id" integer NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_events_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" serial PRIMARY KEY NOT NULL,
	"msisdn" text NOT NULL,
	"name" text NOT NULL,
	"region_id" integer NOT NULL,
	"joined_on" date NOT NULL,
	"plan" text NOT NULL,
	"payment_type" text NOT NULL,
	"balance_cents" integer DEFAULT 0 NOT NULL,
	"credit_limit_cents" integer DEFAULT 0 NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"contract_ends_on" date,
	"device" text,
	"birthday" date,
	"group_id" text,
	"group_kind" text,
	"is_campus" boolean DEFAULT false NOT NULL,
	"account_manager" text,
	"consent" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"churned_on" date,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tier" text DEFAULT 'ordinary' NOT NULL,
	"value_rank_pct" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_msisdn_unique" UNIQUE("msisdn"),
	CONSTRAINT "customers_status_check" CHECK ("customers"."status" in ('active', 'suspended', 'churned')),
	CONSTRAINT "customers_churned_on_check" CHECK (("customers"."status" = 'churned') = ("customers"."churned_on" is not null)),
	CONSTRAINT "customers_payment_type_check" CHECK ("customers"."payment_type" in ('prepaid', 'postpaid')),
	CONSTRAINT "customers_group_check" CHECK (("customers"."group_id" is null) = ("customers"."group_kind" is null)),
	CONSTRAINT "customers_credit_limit_check" CHECK ("customers"."credit_limit_cents" >= 0),
	CONSTRAINT "customers_points_check" CHECK ("customers"."points" >= 0)
);
--> statement-breakpoint
CREATE TABLE "monthly_usage" (
	"customer_id" integer NOT NULL,
	"month" date NOT NULL,
	"revenue_cents" integer DEFAULT 0 NOT NULL,
	"voice_minutes" integer DEFAULT 0 NOT NULL,
	"data_mb" integer DEFAULT 0 NOT NULL,
	"sms" integer DEFAULT 0 NOT NULL,
	"recharge_cents" integer DEFAULT 0 NOT NULL,
	"active_days" smallint DEFAULT 0 NOT NULL,
	"complaints" integer DEFAULT 0 NOT NULL,
	"competitor_contacts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "monthly_usage_customer_id_month_pk" PRIMARY KEY("customer_id","month"),
	CONSTRAINT "monthly_usage_month_check" CHECK (extract(day from "monthly_usage"."month") = 1),
	CONSTRAINT "monthly_usage_nonnegative_check" CHECK ("monthly_usage"."revenue_cents" >= 0 and "monthly_usage"."voice_minutes" >= 0 and "monthly_usage"."data_mb" >= 0 and "monthly_usage"."sms" >= 0
        and "monthly_usage"."recharge_cents" >= 0 and "monthly_usage"."complaints" >= 0 and "monthly_usage"."competitor_contacts" >= 0),
	CONSTRAINT "monthly_usage_active_days_check" CHECK ("monthly_usage"."active_days" between 0 and 31)
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"parent_id" integer,
	"level" text NOT NULL,
	"time_zone" text NOT NULL,
	"path" text NOT NULL,
	CONSTRAINT "regions_code_unique" UNIQUE("code"),
	CONSTRAINT "regions_path_unique" UNIQUE("path"),
	CONSTRAINT "regions_level_check" CHECK ("regions"."level" in ('province', 'city', 'district', 'grid'))
);
--> statement-breakpoint
CREATE TABLE "retention_tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"customer_id" integer NOT NULL,
	"reason" text NOT NULL,
	"tactic" text,
	"channel" text,
	"assignee" text,
	"state" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"due_at" timestamp with time zone NOT NULL,
	"script" text,
	"idempotency_key" text,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "retention_tasks_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "retention_tasks_state_check" CHECK ("retention_tasks"."state" in ('open', 'assigned', 'in_progress', 'done', 'cancelled', 'expired')),
	CONSTRAINT "retention_tasks_outcome_check" CHECK (("retention_tasks"."state" = 'done') = ("retention_tasks"."outcome" is not null)),
	CONSTRAINT "retention_tasks_assignee_check" CHECK ("retention_tasks"."state" not in ('assigned', 'in_progress') or "retention_tasks"."assignee" is not null)
);
--> statement-breakpoint
CREATE TABLE "segment_memberships" (
	"id" serial PRIMARY KEY NOT NULL,
	"segment_id" integer NOT NULL,
	"customer_id" integer NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"definition" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"refreshed_version" integer,
	"refreshed_at" timestamp with time zone,
	"member_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segments_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "task_attempts" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_id" integer NOT NULL,
	"attempted_at" timestamp with time zone NOT NULL,
	"channel" text,
	"outcome" text NOT NULL,
	"note" text,
	"actor" text
);
--> statement-breakpoint
CREATE TABLE "task_transitions" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_id" integer NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "customer_events" ADD CONSTRAINT "customer_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monthly_usage" ADD CONSTRAINT "monthly_usage_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_parent_id_regions_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD CONSTRAINT "retention_tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_attempts" ADD CONSTRAINT "task_attempts_task_id_retention_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."retention_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_transitions" ADD CONSTRAINT "task_transitions_task_id_retention_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."retention_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_events_customer_idx" ON "customer_events" USING btree ("customer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "customer_events_type_idx" ON "customer_events" USING btree ("type","occurred_at");--> statement-breakpoint
CREATE INDEX "customers_region_idx" ON "customers" USING btree ("region_id","id");--> statement-breakpoint
CREATE INDEX "customers_status_idx" ON "customers" USING btree ("status");--> statement-breakpoint
CREATE INDEX "customers_contract_ends_idx" ON "customers" USING btree ("contract_ends_on");--> statement-breakpoint
CREATE INDEX "customers_group_idx" ON "customers" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "customers_joined_idx" ON "customers" USING btree ("joined_on","id");--> statement-breakpoint
CREATE INDEX "customers_name_idx" ON "customers" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "monthly_usage_month_idx" ON "monthly_usage" USING btree ("month");--> statement-breakpoint
CREATE INDEX "regions_parent_idx" ON "regions" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "regions_path_pattern_idx" ON "regions" USING btree ("path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "retention_tasks_customer_idx" ON "retention_tasks" USING btree ("customer_id","id");--> statement-breakpoint
CREATE INDEX "retention_tasks_state_due_idx" ON "retention_tasks" USING btree ("state","due_at");--> statement-breakpoint
CREATE INDEX "retention_tasks_assignee_idx" ON "retention_tasks" USING btree ("assignee","state");--> statement-breakpoint
CREATE UNIQUE INDEX "segment_memberships_current_idx" ON "segment_memberships" USING btree ("segment_id","customer_id") WHERE "segment_memberships"."left_at" is null;--> statement-breakpoint
CREATE INDEX "segment_memberships_customer_idx" ON "segment_memberships" USING btree ("customer_id") WHERE "segment_memberships"."left_at" is null;--> statement-breakpoint
CREATE INDEX "task_attempts_task_idx" ON "task_attempts" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "task_transitions_task_idx" ON "task_transitions" USING btree ("task_id","id");