-- KPIs and control groups (packages/kpis): a region's KPI settings (the churn definition, control-group
-- shares, the uplift horizon), inherited down the region tree like contact policies and dispatch rules;
-- the churn fact of every customer in every month it starts as a customer; and the stable hash that holds
-- customers out of a warning rule's or a tactic's treatment. Hand-written like 0017.
CREATE TABLE "kpi_settings" (
	"region_id" integer PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "kpi_settings" ADD CONSTRAINT "kpi_settings_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- One row per customer and month the customer began as a customer (joined before the month ended, not
-- churned in an earlier month); `churned` in the month churn happened by the region's definition, and no
-- row after it. `region_id` and `tier` are the customer's when computed; revenue is the month's.
CREATE TABLE "churn_facts" (
	"customer_id" integer NOT NULL,
	"month" date NOT NULL,
	"region_id" integer NOT NULL,
	"tier" text NOT NULL,
	"churned" boolean NOT NULL,
	"reason" text,
	"revenue_cents" integer DEFAULT 0 NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "churn_facts_pk" PRIMARY KEY("customer_id","month"),
	CONSTRAINT "churn_facts_month_check" CHECK (extract(day from "churn_facts"."month") = 1),
	CONSTRAINT "churn_facts_reason_check" CHECK (("churn_facts"."reason" is not null) = "churn_facts"."churned" and "churn_facts"."reason" in ('status', 'no_revenue', 'port_out'))
);
--> statement-breakpoint
-- No foreign keys: a run writes a row per customer and month (12 million for a province of a million), and
-- a foreign key costs a row-level trigger per row written (as 0016 found for the planner). Deleting customers
-- or regions deletes their facts by statement-level cascades instead.
CREATE FUNCTION weixi_churn_facts_cascade() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'customers' THEN
    DELETE FROM churn_facts f USING gone g WHERE f.customer_id = g.id;
  ELSE
    DELETE FROM churn_facts f USING gone g WHERE f.region_id = g.id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customers_cascade_churn_facts AFTER DELETE ON customers
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION weixi_churn_facts_cascade();
--> statement-breakpoint
CREATE TRIGGER regions_cascade_churn_facts AFTER DELETE ON regions
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION weixi_churn_facts_cascade();
--> statement-breakpoint
-- The control-group draw: true when the customer is held out of `key` (a tactic or a warning rule) at
-- `share` (0 to 1). md5 of key and customer id, its first 32 bits as a fraction: stable across runs,
-- databases and versions, independent between keys, and uniform within every tier and region.
CREATE OR REPLACE FUNCTION weixi_held_out(key text, customer_id integer, share double precision) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT share > 0 AND ('x' || left(md5(key || ':' || customer_id::text), 8))::bit(32)::bigint < share * 4294967296
$$;
--> statement-breakpoint
-- Region scope (0005): facts follow their region; settings are configuration scoped by the application
-- (a city reads its province's to inherit), like contact_policies.
ALTER TABLE "churn_facts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "churn_facts_in_scope" ON "churn_facts" TO weixi_scoped
USING (region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id)));
