-- A task carries its customer's region (`retention_tasks.region_id`), kept equal to it by the database, so
-- region scope on tasks is a test on the task's own row. Before, the tasks policy probed the customer of
-- every task (`EXISTS (SELECT FROM customers ...)`, itself under the customers policy) and the application's
-- scope walked the region's customers for their tasks: an operator's task list read every task and every
-- customer of the region to find the first 20 by due time.
--
-- Kept equal by triggers, whatever writes: a task's region is read from its customer on insert and when its
-- customer changes (a value given by the writer is overwritten), and a customer moved to another region
-- moves its tasks. Security definers: the customer must be read, and its tasks moved, whatever the writer's
-- row scope.
ALTER TABLE "retention_tasks" ADD COLUMN "region_id" integer;
--> statement-breakpoint
UPDATE "retention_tasks" t SET "region_id" = c."region_id" FROM "customers" c WHERE c."id" = t."customer_id";
--> statement-breakpoint
ALTER TABLE "retention_tasks" ALTER COLUMN "region_id" SET NOT NULL;
--> statement-breakpoint
CREATE FUNCTION weixi_task_region() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  SELECT c.region_id INTO NEW.region_id FROM customers c WHERE c.id = NEW.customer_id;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER retention_tasks_region BEFORE INSERT OR UPDATE OF customer_id, region_id ON retention_tasks
FOR EACH ROW EXECUTE FUNCTION weixi_task_region();
--> statement-breakpoint
CREATE FUNCTION weixi_customer_moved() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE retention_tasks SET region_id = NEW.region_id WHERE customer_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customers_moved AFTER UPDATE OF region_id ON customers
FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id) EXECUTE FUNCTION weixi_customer_moved();
--> statement-breakpoint
-- The work queue's order, for every key: a region's tasks by due time, an agent's, and all of them (admins).
CREATE INDEX "retention_tasks_region_due_idx" ON "retention_tasks" USING btree ("region_id", "due_at", "id");
--> statement-breakpoint
CREATE INDEX "retention_tasks_assignee_due_idx" ON "retention_tasks" USING btree ("assignee", "due_at", "id");
--> statement-breakpoint
CREATE INDEX "retention_tasks_due_idx" ON "retention_tasks" USING btree ("due_at", "id");
--> statement-breakpoint
-- Same rows as before (a task is in scope when its customer is), tested on the task itself.
ALTER POLICY "retention_tasks_in_scope" ON "retention_tasks" USING (
  region_id = ANY (CAST((SELECT weixi_scope_region_id_array()) AS integer[]))
  AND ((SELECT current_setting('weixi.role', true)) IS DISTINCT FROM 'agent' OR assignee = (SELECT current_setting('weixi.agent_id', true)))
);
