-- Plugins installed at runtime from a private npm registry (the plugin store), and the publishers whose
-- signatures are trusted. Every change to installed_plugins announces the plugin's id on the channel
-- `weixi_plugin_installs`, so every server and worker process loads, replaces or removes it without a restart.
CREATE TABLE installed_plugins (
  plugin_id text PRIMARY KEY,
  package_name text NOT NULL UNIQUE,
  version text NOT NULL,
  previous_version text,
  integrity text NOT NULL,
  registry text NOT NULL,
  publisher text,
  key_id text,
  signature_state text NOT NULL CHECK (signature_state IN ('verified', 'unsigned', 'unknown_publisher', 'bad_signature')),
  installed_by text NOT NULL,
  installed_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE trusted_publishers (
  key_id text PRIMARY KEY,
  publisher text NOT NULL,
  public_key text NOT NULL,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
-- The plugin change function of 0007, now told its channel by the trigger (default: weixi_plugins, as before).
CREATE OR REPLACE FUNCTION weixi_plugin_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(coalesce(TG_ARGV[0], 'weixi_plugins'), CASE WHEN TG_OP = 'DELETE' THEN OLD.plugin_id ELSE NEW.plugin_id END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER installed_plugins_changed AFTER INSERT OR UPDATE OR DELETE ON installed_plugins
  FOR EACH ROW EXECUTE FUNCTION weixi_plugin_changed('weixi_plugin_installs');
