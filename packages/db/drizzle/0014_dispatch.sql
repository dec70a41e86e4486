-- Dispatch control (派单管控): teams and agents as data, dispatch rules per region, what the dispatch job
-- writes on tasks (team, SLA due time, next attempt, escalation), the disposition of each contact attempt,
-- the kind of a timeline entry, and quality audits (回访抽检). Hand-written like 0011.
CREATE TABLE "teams" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" integer NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"lead_agent_id" text,
	"skills" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_kind_check" CHECK ("teams"."kind" in ('account_managers', 'call_center', 'automated'))
);
--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "teams_region_name_idx" ON "teams" USING btree ("region_id","name");
--> statement-breakpoint
CREATE TABLE "agents" (
	"agent_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"team_id" integer NOT NULL,
	"region_id" integer NOT NULL,
	"capacity_per_day" integer DEFAULT 40 NOT NULL,
	"skills" text[] DEFAULT '{}' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_capacity_check" CHECK ("agents"."capacity_per_day" >= 0)
);
--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "agents_team_idx" ON "agents" USING btree ("team_id","agent_id");
--> statement-breakpoint
CREATE INDEX "agents_region_idx" ON "agents" USING btree ("region_id","agent_id");
--> statement-breakpoint
-- Only the keys set at this level; a region inherits the rest from its ancestors, then the defaults.
CREATE TABLE "dispatch_rules" (
	"region_id" integer PRIMARY KEY NOT NULL,
	"rules" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "team_id" integer;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "dispatched_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "sla_due_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "next_attempt_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD COLUMN "escalated_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "retention_tasks" ADD CONSTRAINT "retention_tasks_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
-- An agent's load today: the tasks dispatched to it since the local midnight.
CREATE INDEX "retention_tasks_dispatched_idx" ON "retention_tasks" USING btree ("assignee","dispatched_at");
--> statement-breakpoint
CREATE INDEX "retention_tasks_open_undispatched_idx" ON "retention_tasks" USING btree ("customer_id") WHERE "retention_tasks"."state" = 'open' AND "retention_tasks"."dispatched_at" IS NULL;
--> statement-breakpoint
ALTER TABLE "task_attempts" ADD COLUMN "disposition" text;
--> statement-breakpoint
ALTER TABLE "task_attempts" ADD CONSTRAINT "task_attempts_disposition_check" CHECK ("task_attempts"."disposition" in ('reached', 'no_answer', 'powered_off', 'suspended', 'refused', 'promised', 'accepted'));
--> statement-breakpoint
ALTER TABLE "task_transitions" ADD COLUMN "kind" text;
--> statement-breakpoint
ALTER TABLE "task_transitions" ADD CONSTRAINT "task_transitions_kind_check" CHECK ("task_transitions"."kind" in ('dispatch', 'escalation', 'redispatch', 'handoff', 'reopen', 'expiry'));
--> statement-breakpoint
CREATE TABLE "task_audits" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_id" integer NOT NULL,
	"agent_id" text,
	"task_closed_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"drawn_at" timestamp with time zone NOT NULL,
	"drawn_by" text,
	"checked_at" timestamp with time zone,
	"checked_by" text,
	"note" text,
	CONSTRAINT "task_audits_status_check" CHECK ("task_audits"."status" in ('pending', 'passed', 'failed')),
	CONSTRAINT "task_audits_checked_check" CHECK (("task_audits"."status" = 'pending') = ("task_audits"."checked_at" is null))
);
--> statement-breakpoint
ALTER TABLE "task_audits" ADD CONSTRAINT "task_audits_task_id_retention_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."retention_tasks"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- A task is drawn at most once each time it is done (a reopened task, done again, may be drawn again).
CREATE UNIQUE INDEX "task_audits_task_closing_idx" ON "task_audits" USING btree ("task_id","task_closed_at");
--> statement-breakpoint
CREATE INDEX "task_audits_task_idx" ON "task_audits" USING btree ("task_id","id");
--> statement-breakpoint
-- Region scope (0005): teams and agents belong to a region and are configuration an agent does not see;
-- a task's audits follow the task. Dispatch rules, like plugin settings, are scoped by the application
-- (a city reads its province's rules to inherit them).
ALTER TABLE "teams" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "teams_in_scope" ON "teams" TO weixi_scoped
USING (
  region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id))
  AND (SELECT current_setting('weixi.role', true)) IS DISTINCT FROM 'agent'
);
--> statement-breakpoint
ALTER TABLE "agents" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "agents_in_scope" ON "agents" TO weixi_scoped
USING (
  region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id))
  AND (SELECT current_setting('weixi.role', true)) IS DISTINCT FROM 'agent'
);
--> statement-breakpoint
ALTER TABLE "task_audits" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "task_audits_in_scope" ON "task_audits" TO weixi_scoped
USING (EXISTS (SELECT FROM retention_tasks t WHERE t.id = task_audits.task_id));
--> statement-breakpoint
-- Where agents with these ids belong, whatever the caller's scope: an upsert must refuse to take over an
-- agent of another region (FORBIDDEN, naming the item), which a scoped read cannot see (as 0005 does for
-- customers' MSISDNs).
CREATE OR REPLACE FUNCTION weixi_agent_regions(ids text[]) RETURNS TABLE (agent_id text, region_path text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT a.agent_id, r.path FROM agents a JOIN regions r ON r.id = a.region_id WHERE a.agent_id = ANY(ids)
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION weixi_agent_regions(text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION weixi_agent_regions(text[]) TO weixi_scoped;
