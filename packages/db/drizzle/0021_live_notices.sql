-- Live updates (GraphQL subscriptions): a change to a retention task or a job run, and a newly raised
-- warning, announce their ids on the channel `weixi_live` when the transaction commits, so every server
-- process can tell its subscribers, who re-read each row under their own scope. Ids only, never row
-- values: a notice is `<kind>:<id>,<id>,...`, one per 500 rows of a statement (a payload stays far
-- below PostgreSQL's 8000 bytes), so a set-based write of thousands of rows costs a handful of notices.
CREATE OR REPLACE FUNCTION weixi_live_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  notice text;
BEGIN
  FOR notice IN
    SELECT TG_ARGV[0] || ':' || string_agg(id::text, ',' ORDER BY id)
    FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 500 AS part FROM changed) AS c
    GROUP BY part
  LOOP
    PERFORM pg_notify('weixi_live', notice);
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER retention_tasks_live_insert AFTER INSERT ON retention_tasks
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION weixi_live_changed('task');
--> statement-breakpoint
CREATE TRIGGER retention_tasks_live_update AFTER UPDATE ON retention_tasks
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION weixi_live_changed('task');
--> statement-breakpoint
CREATE TRIGGER job_runs_live_insert AFTER INSERT ON job_runs
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION weixi_live_changed('job_run');
--> statement-breakpoint
CREATE TRIGGER job_runs_live_update AFTER UPDATE ON job_runs
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION weixi_live_changed('job_run');
--> statement-breakpoint
CREATE TRIGGER warnings_live_insert AFTER INSERT ON warnings
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION weixi_live_changed('warning');
