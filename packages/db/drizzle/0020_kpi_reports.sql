-- The daily KPI report (每日通报, packages/kpis): per region and local day, the figures, the HTML with its
-- charts and the CSV, kept for the API; a rerun of the day replaces them.
CREATE TABLE "kpi_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" integer NOT NULL,
	"day" date NOT NULL,
	"month" date NOT NULL,
	"figures" jsonb NOT NULL,
	"html" text NOT NULL,
	"csv" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "kpi_reports" ADD CONSTRAINT "kpi_reports_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "kpi_reports_region_day_idx" ON "kpi_reports" USING btree ("region_id","day");
--> statement-breakpoint
-- Region scope (0005): a report follows its region.
ALTER TABLE "kpi_reports" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "kpi_reports_in_scope" ON "kpi_reports" TO weixi_scoped
USING (region_id IN (SELECT id FROM weixi_scope_region_ids() AS s(id)));
