-- Next-best-action arbitration (packages/planner): planner runs and the decisions they record, the offer a
-- planned task carries (what outcome actions read), and the benefits granted on success (the gift policy
-- counts them). Hand-written like 0014.
CREATE TABLE "planner_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" integer NOT NULL,
	"job_run_id" integer,
	"day" date NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"tactics" integer DEFAULT 0 NOT NULL,
	"considered" integer DEFAULT 0 NOT NULL,
	"eligible" integer DEFAULT 0 NOT NULL,
	"chosen" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"skipped" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	CONSTRAINT "planner_runs_status_check" CHECK ("planner_runs"."status" in ('running', 'succeeded', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "planner_runs" ADD CONSTRAINT "planner_runs_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "planner_runs" ADD CONSTRAINT "planner_runs_job_run_id_job_runs_id_fk" FOREIGN KEY ("job_run_id") REFERENCES "public"."job_runs"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "planner_runs_region_idx" ON "planner_runs" USING btree ("region_id","id");
--> statement-breakpoint
-- One row per candidate (customer and tactic) a run considered: its rank for the customer, its score,
-- whether it was eligible (else the first failing check) and whether it was chosen.
CREATE TABLE "planner_decisions" (
	"run_id" integer NOT NULL,
	"customer_id" integer NOT NULL,
	"tactic" text NOT NULL,
	"rank" integer,
	"score" double precision NOT NULL,
	"cost_cents" integer NOT NULL,
	"value_cents" integer NOT NULL,
	"eligible" boolean NOT NULL,
	"reason" text,
	"chosen" boolean DEFAULT false NOT NULL,
	"trigger" text NOT NULL,
	"warning_ids" integer[] DEFAULT '{}' NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "planner_decisions_pk" PRIMARY KEY ("run_id","customer_id","tactic")
);
--> statement-breakpoint
ALTER TABLE "planner_decisions" ADD CONSTRAINT "planner_decisions_run_id_planner_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."planner_runs"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "planner_decisions" ADD CONSTRAINT "planner_decisions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "planner_decisions_customer_idx" ON "planner_decisions" USING btree ("customer_id","run_id");
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "plugin_id" text;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "offer" jsonb;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "outcomes" jsonb;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "cost_cents" integer;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "warning_ids" integer[];
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "planner_run_id" integer;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD CONSTRAINT "retention_tasks_planner_run_id_planner_runs_id_fk" FOREIGN KEY ("planner_run_id") REFERENCES "public"."planner_runs"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
-- Cooldowns and budgets read a customer's (or a month's) tasks of one tactic.
CREATE INDEX "retention_tasks_tactic_idx" ON "retention_tasks" USING btree ("tactic","created_at");
--> statement-breakpoint
CREATE TABLE "benefit_grants" (
	"id" serial PRIMARY KEY NOT NULL,
	"customer_id" integer NOT NULL,
	"task_id" integer NOT NULL,
	"tactic" text NOT NULL,
	"kind" text NOT NULL,
	"value_cents" integer NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "benefit_grants_value_check" CHECK ("benefit_grants"."value_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "benefit_grants" ADD CONSTRAINT "benefit_grants_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "benefit_grants" ADD CONSTRAINT "benefit_grants_task_id_retention_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."retention_tasks"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- A task grants its benefit once, however often it is completed (a reopened task done again).
CREATE UNIQUE INDEX "benefit_grants_task_idx" ON "benefit_grants" USING btree ("task_id");
--> statement-breakpoint
CREATE INDEX "benefit_grants_customer_idx" ON "benefit_grants" USING btree ("customer_id","granted_at");
--> statement-breakpoint
-- Region scope (0005): decisions and grants follow their customer, runs their region.
ALTER TABLE "planner_runs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "planner_runs_in_scope" ON "planner_runs" TO weixi_scoped
USING (region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id)));
--> statement-breakpoint
ALTER TABLE "planner_decisions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "planner_decisions_in_scope" ON "planner_decisions" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = planner_decisions.customer_id));
--> statement-breakpoint
ALTER TABLE "benefit_grants" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "benefit_grants_in_scope" ON "benefit_grants" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = benefit_grants.customer_id));
