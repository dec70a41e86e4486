/** Server configuration, from the environment. */
export interface ApiConfig {
  /** PostgreSQL URL; unset means the embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  port: number;
  host: string;
  /** Customers to generate when the database is empty; 0 turns demo data off. */
  demoCustomers: number;
  /** Plugins beyond the workspace's plugins/*: npm package names or folder paths. */
  plugins: string[];
  /** Plugin ids allowed to run despite an engine mismatch. */
  pluginOverrides: string[];
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name}=${JSON.stringify(raw)} is not a whole number 0 or more`);
    return value;
  };
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.WEIXI_DATA_DIR || '.weixi/data',
    port: number('PORT', 4000),
    host: env.HOST || '127.0.0.1',
    demoCustomers: number('WEIXI_DEMO_CUSTOMERS', 20_000),
    plugins: list(env.WEIXI_PLUGINS),
    pluginOverrides: list(env.WEIXI_PLUGIN_OVERRIDES),
  };
}

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
