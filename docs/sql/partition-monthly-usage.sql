-- Turns monthly_usage into a table partitioned by month (PostgreSQL declarative range partitioning), in
-- one transaction. Run it in a maintenance window with the servers and workers stopped, after `weixi
-- migrate`, as the user that owns the tables:  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f partition-monthly-usage.sql
--
-- What stays the same for the application: the table name, its columns, the primary key (customer_id,
-- month) that every ingest upsert names in ON CONFLICT, the foreign key to customers (ON DELETE CASCADE),
-- the month index, the CHECK constraints, and the row-level security policy of migration 0005.
-- What changes: one partition per calendar month from the earliest month stored to 12 months ahead,
-- plus a DEFAULT partition for anything outside; weixi_usage_partitions_ahead(n) adds later months (call
-- it monthly, e.g. from cron: select weixi_usage_partitions_ahead(12)). Queries with a month range (all
-- of Weixi's usage reads: the last N complete months) are pruned to those partitions, and an old month is
-- dropped or archived with DETACH PARTITION instead of a DELETE.
BEGIN;
LOCK TABLE monthly_usage IN ACCESS EXCLUSIVE MODE;

ALTER TABLE monthly_usage RENAME TO monthly_usage_unpartitioned;
ALTER TABLE monthly_usage_unpartitioned RENAME CONSTRAINT monthly_usage_customer_id_month_pk TO monthly_usage_unpartitioned_pk;
ALTER TABLE monthly_usage_unpartitioned RENAME CONSTRAINT monthly_usage_customer_id_customers_id_fk TO monthly_usage_unpartitioned_customer_fk;
ALTER INDEX monthly_usage_month_idx RENAME TO monthly_usage_unpartitioned_month_idx;

CREATE TABLE monthly_usage (LIKE monthly_usage_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (month);
ALTER TABLE monthly_usage ADD CONSTRAINT monthly_usage_customer_id_month_pk PRIMARY KEY (customer_id, month);
ALTER TABLE monthly_usage ADD CONSTRAINT monthly_usage_customer_id_customers_id_fk
  FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;
CREATE INDEX monthly_usage_month_idx ON monthly_usage (month);
CREATE TABLE monthly_usage_default PARTITION OF monthly_usage DEFAULT;
REVOKE ALL ON monthly_usage_default FROM weixi_scoped;

-- Adds the monthly partitions from the current month to `months` ahead that do not exist yet; rows the
-- DEFAULT partition holds for such a month move into it. Returns how many partitions it created.
CREATE OR REPLACE FUNCTION weixi_usage_partitions_ahead(months integer, since date DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', coalesce(since, current_date))::date;
  last date := (date_trunc('month', current_date) + make_interval(months => months))::date;
  created integer := 0;
  name text;
BEGIN
  WHILE m <= last LOOP
    name := format('monthly_usage_%s', to_char(m, 'YYYYMM'));
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE monthly_usage INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
      EXECUTE format('INSERT INTO %I SELECT * FROM monthly_usage_default WHERE month >= %L AND month < %L', name, m, (m + interval '1 month')::date);
      EXECUTE format('DELETE FROM monthly_usage_default WHERE month >= %L AND month < %L', m, (m + interval '1 month')::date);
      EXECUTE format('ALTER TABLE monthly_usage ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, m, (m + interval '1 month')::date);
      -- Reached through the parent only, where the row-level security policy applies.
      EXECUTE format('REVOKE ALL ON %I FROM weixi_scoped', name);
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;

SELECT weixi_usage_partitions_ahead(12, (SELECT min(month) FROM monthly_usage_unpartitioned));
INSERT INTO monthly_usage SELECT * FROM monthly_usage_unpartitioned;
DROP TABLE monthly_usage_unpartitioned;

-- Row-level security as migration 0005 set it; a policy on the parent covers every read through it.
ALTER TABLE monthly_usage ENABLE ROW LEVEL SECURITY;
CREATE POLICY monthly_usage_in_scope ON monthly_usage TO weixi_scoped
  USING (EXISTS (SELECT FROM customers c WHERE c.id = monthly_usage.customer_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON monthly_usage TO weixi_scoped;
ANALYZE monthly_usage;
COMMIT;
