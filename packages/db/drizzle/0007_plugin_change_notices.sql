-- Every change to a plugin's enablement or settings (an API call, the circuit breaker, the CLI, plain SQL)
-- announces the plugin's id on the channel `weixi_plugins` when its transaction commits, so every server
-- process re-reads that plugin's state within moments instead of keeping what it read at start.
CREATE OR REPLACE FUNCTION weixi_plugin_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('weixi_plugins', CASE WHEN TG_OP = 'DELETE' THEN OLD.plugin_id ELSE NEW.plugin_id END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER plugin_configs_changed AFTER INSERT OR UPDATE OR DELETE ON plugin_configs
  FOR EACH ROW EXECUTE FUNCTION weixi_plugin_changed();
