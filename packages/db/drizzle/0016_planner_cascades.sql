-- The planner writes ~4 rows a customer a run: its decisions (one per tactic considered) and the chosen task
-- with the run's id. Each foreign key on them costs a row-level trigger per row written (4 s of a 9 s run
-- over 100,000 customers), and the rows are written only by the planner, from the run it has just created and
-- the customers it has just read. So these three foreign keys become statement-level cascades: deleting
-- planner runs deletes their decisions and clears `retention_tasks.planner_run_id`; deleting customers
-- deletes their decisions; one statement per delete, as ON DELETE CASCADE / SET NULL did. Security definers:
-- a scoped role's delete must reach rows whose customer it can no longer see.
ALTER TABLE "planner_decisions" DROP CONSTRAINT "planner_decisions_run_id_planner_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "planner_decisions" DROP CONSTRAINT "planner_decisions_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "retention_tasks" DROP CONSTRAINT "retention_tasks_planner_run_id_planner_runs_id_fk";
--> statement-breakpoint
CREATE INDEX "retention_tasks_planner_run_idx" ON "retention_tasks" USING btree ("planner_run_id") WHERE "planner_run_id" IS NOT NULL;
--> statement-breakpoint
CREATE FUNCTION weixi_planner_runs_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM planner_decisions d USING gone g WHERE d.run_id = g.id;
  UPDATE retention_tasks t SET planner_run_id = NULL FROM gone g WHERE t.planner_run_id = g.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER planner_runs_cascade AFTER DELETE ON planner_runs
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION weixi_planner_runs_deleted();
--> statement-breakpoint
CREATE FUNCTION weixi_planner_decisions_of_customers_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM planner_decisions d USING gone g WHERE d.customer_id = g.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customers_cascade_planner_decisions AFTER DELETE ON customers
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION weixi_planner_decisions_of_customers_deleted();
