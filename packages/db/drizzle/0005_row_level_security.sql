-- Row-level security: the second enforcement of region scope on PostgreSQL (the first is every resolver's
-- own predicate). A non-admin request runs in one transaction that switches to the NOLOGIN role
-- weixi_scoped and sets its scope in transaction-local settings:
--   weixi.role          operator | agent | integrator
--   weixi.region_paths  a text[] literal of region paths, '{/}' for every region
--   weixi.agent_id      the agent whose tasks an agent sees
-- The policies below apply to weixi_scoped only. The connecting user owns the tables and so bypasses them
-- (admins, jobs, the plugin host, migrations), as does a superuser. Missing settings show no rows.
--
-- Roles are cluster-wide and many databases (tests) share one server: create it once, tolerating a
-- concurrent creator. The connecting user must be able to switch to it (a superuser always may).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'weixi_scoped') THEN
    BEGIN
      CREATE ROLE weixi_scoped NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  IF NOT pg_has_role(current_user, 'weixi_scoped', 'MEMBER') THEN
    EXECUTE format('GRANT weixi_scoped TO %I', current_user);
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'row-level security needs the role weixi_scoped, which % may not create or be granted', current_user
    USING HINT = format('As a superuser run: CREATE ROLE weixi_scoped NOLOGIN; GRANT weixi_scoped TO %I; then migrate again.', current_user);
END $$;
--> statement-breakpoint
-- What the API does on any table; rows of the tables below are then filtered by the policies. Tables
-- without region (regions, segments, plugin settings and storage, audit_log) are scoped by the application
-- only. Default privileges cover tables that later migrations add.
GRANT USAGE ON SCHEMA public TO weixi_scoped;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO weixi_scoped;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO weixi_scoped;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO weixi_scoped;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO weixi_scoped;
--> statement-breakpoint
-- Key management is for admins, and authentication reads keys before the scoped transaction starts.
REVOKE ALL ON "api_keys" FROM weixi_scoped;
--> statement-breakpoint
-- Performance: the planner inlines this SQL function into each policy as a subquery it hashes once per
-- statement; settings compared per row are wrapped in (SELECT ...) so they are read once (an InitPlan);
-- both functions are PARALLEL SAFE so counts over a region keep their parallel scans.
--
-- The ids of the regions in scope: every region under one of the paths.
CREATE OR REPLACE FUNCTION weixi_scope_region_ids() RETURNS SETOF integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.id FROM regions r
  WHERE EXISTS (
    SELECT FROM unnest(coalesce(nullif(current_setting('weixi.region_paths', true), ''), '{}')::text[]) AS p(path)
    WHERE starts_with(r.path, p.path)
  )
$$;
--> statement-breakpoint
-- The customers of the agent's tasks. A security definer (it reads retention_tasks as the owner) because
-- the customers policy reading retention_tasks, whose policy reads customers, would be a policy cycle.
CREATE OR REPLACE FUNCTION weixi_agent_customer_ids() RETURNS SETOF integer
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT customer_id FROM retention_tasks WHERE assignee = nullif(current_setting('weixi.agent_id', true), '')
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION weixi_agent_customer_ids() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION weixi_agent_customer_ids() TO weixi_scoped;
--> statement-breakpoint
-- Customers: in the regions in scope; an agent's only where it has a task for them.
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "customers_in_scope" ON "customers" TO weixi_scoped
USING (
  region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id))
  AND ((SELECT current_setting('weixi.role', true)) IS DISTINCT FROM 'agent' OR id IN (SELECT id FROM weixi_agent_customer_ids() AS a(id)))
);
--> statement-breakpoint
-- Tasks: those of customers in scope (the customers policy applies inside the subquery); an agent's only
-- its own.
ALTER TABLE "retention_tasks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "retention_tasks_in_scope" ON "retention_tasks" TO weixi_scoped
USING (
  EXISTS (SELECT FROM customers c WHERE c.id = retention_tasks.customer_id)
  AND ((SELECT current_setting('weixi.role', true)) IS DISTINCT FROM 'agent' OR assignee = (SELECT current_setting('weixi.agent_id', true)))
);
--> statement-breakpoint
-- A customer's rows follow the customer; a task's rows follow the task. Each probe is a primary key lookup.
ALTER TABLE "monthly_usage" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "monthly_usage_in_scope" ON "monthly_usage" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = monthly_usage.customer_id));
--> statement-breakpoint
ALTER TABLE "customer_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "customer_events_in_scope" ON "customer_events" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = customer_events.customer_id));
--> statement-breakpoint
ALTER TABLE "segment_memberships" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "segment_memberships_in_scope" ON "segment_memberships" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = segment_memberships.customer_id));
--> statement-breakpoint
ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "contacts_in_scope" ON "contacts" TO weixi_scoped
USING (EXISTS (SELECT FROM customers c WHERE c.id = contacts.customer_id));
--> statement-breakpoint
ALTER TABLE "task_transitions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "task_transitions_in_scope" ON "task_transitions" TO weixi_scoped
USING (EXISTS (SELECT FROM retention_tasks t WHERE t.id = task_transitions.task_id));
--> statement-breakpoint
ALTER TABLE "task_attempts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "task_attempts_in_scope" ON "task_attempts" TO weixi_scoped
USING (EXISTS (SELECT FROM retention_tasks t WHERE t.id = task_attempts.task_id));
--> statement-breakpoint
-- Job runs and schedules belong to a region; agents see no region as a whole, so none of them.
ALTER TABLE "job_runs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "job_runs_in_scope" ON "job_runs" TO weixi_scoped
USING (
  region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id))
  AND (SELECT current_setting('weixi.role', true)) IS DISTINCT FROM 'agent'
);
--> statement-breakpoint
ALTER TABLE "job_schedules" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "job_schedules_in_scope" ON "job_schedules" TO weixi_scoped
USING (
  region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id))
  AND (SELECT current_setting('weixi.role', true)) IS DISTINCT FROM 'agent'
);
--> statement-breakpoint
-- Where the customers with these MSISDNs live, whatever the caller's scope: an ingest batch must refuse to
-- take over a customer of another region (FORBIDDEN, naming the item), which a scoped read cannot see.
-- It answers only for the MSISDNs asked about, with their region path.
CREATE OR REPLACE FUNCTION weixi_customer_regions(msisdns text[]) RETURNS TABLE (msisdn text, region_path text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.msisdn, r.path FROM customers c JOIN regions r ON r.id = c.region_id WHERE c.msisdn = ANY(msisdns)
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION weixi_customer_regions(text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION weixi_customer_regions(text[]) TO weixi_scoped;
