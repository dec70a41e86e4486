-- Churn models (流失模型): versioned per region and model rule, trained by a plugin's `defineModel` on the
-- region subtree's customers with known outcomes. `parameters` is the plugin's own JSON; the core reads
-- only the metrics. A warning raised by a model keeps its score's top factors in `warnings.factors`.
CREATE TABLE "churn_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" integer NOT NULL,
	"plugin_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"features" jsonb NOT NULL,
	"parameters" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"as_of_month" date NOT NULL,
	"horizon_months" integer NOT NULL,
	"training_rows" integer NOT NULL,
	"positives" integer NOT NULL,
	"trained_at" timestamp with time zone NOT NULL,
	CONSTRAINT "churn_models_version_check" CHECK ("churn_models"."version" >= 1),
	CONSTRAINT "churn_models_rows_check" CHECK ("churn_models"."positives" between 0 and "churn_models"."training_rows")
);
--> statement-breakpoint
ALTER TABLE "churn_models" ADD CONSTRAINT "churn_models_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "churn_models_version_idx" ON "churn_models" USING btree ("region_id","plugin_id","rule_id","version");
--> statement-breakpoint
ALTER TABLE "warnings" ADD COLUMN "factors" jsonb;
