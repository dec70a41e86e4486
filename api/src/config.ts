/** Server configuration, from the environment. */
import { readFileSync } from 'node:fs';
import { churnDefinitionFrom, type ChurnDefinition } from '@weixi/core';
import { DEFAULT_AUTH_FAILURES, DEFAULT_QUERY_LIMITS, type HardeningOptions, type OperationsSettings, type OriginOptions } from '@weixi/platform';

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
  /** Query limits, rate limits, persisted operations, CORS origins and Host names (masking follows NODE_ENV). */
  server: HardeningOptions & OriginOptions & OperationsSettings;
  /** Who counts as churned in warning backtests (WEIXI_CHURN_MONTHS_WITHOUT_REVENUE). */
  churn: ChurnDefinition;
  /** Run jobs and the contacts outbox in this process (WEIXI_JOBS, default on); off when `weixi worker`s do. */
  jobs: boolean;
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
    server: serverConfig(env, number),
    churn: churnDefinitionFrom(env),
    jobs: onOff(env, 'WEIXI_JOBS', true),
  };
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === '1') return true;
  if (raw === 'off' || raw === '0') return false;
  throw new Error(`${name}=${JSON.stringify(raw)} is not on or off`);
}

/** Requests per minute per credential when WEIXI_RATE_LIMIT_PER_MINUTE is unset. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

function serverConfig(env: NodeJS.ProcessEnv, number: (name: string, fallback: number) => number): HardeningOptions & OriginOptions & OperationsSettings {
  const perMinute = number('WEIXI_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_MINUTE);
  const failures = number('WEIXI_AUTH_FAILURES_PER_MINUTE', DEFAULT_AUTH_FAILURES.perMinute);
  const origins = list(env.WEIXI_CORS_ORIGINS);
  const hosts = list(env.WEIXI_ALLOWED_HOSTS);
  const burst = number('WEIXI_RATE_LIMIT_BURST', perMinute);
  const operationsFile = env.WEIXI_PERSISTED_OPERATIONS || undefined;
  // The OpenTelemetry variables, as every OTLP exporter reads them: the traces URL, else the base URL.
  const otlpBase = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (otlpBase ? `${otlpBase}/v1/traces` : undefined);
  return {
    limits: {
      maxDepth: number('WEIXI_MAX_QUERY_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth),
      maxCost: number('WEIXI_MAX_QUERY_COST', DEFAULT_QUERY_LIMITS.maxCost),
      maxResponseBytes: number('WEIXI_MAX_RESPONSE_BYTES', DEFAULT_QUERY_LIMITS.maxResponseBytes),
    },
    ...(perMinute > 0 ? { rateLimit: { perMinute, burst: Math.max(1, burst) } } : {}),
    ...(perMinute > 0 && env.REDIS_URL ? { sharedLimits: { redisUrl: env.REDIS_URL, keyPrefix: env.WEIXI_REDIS_PREFIX || 'weixi:' } } : {}),
    authFailures: failures > 0 ? { perMinute: failures, burst: failures } : false,
    ...(origins.length ? { cors: { origins } } : {}),
    ...(hosts.length ? { allowedHosts: hosts } : {}),
    ...(env.WEIXI_METRICS_TOKEN ? { metricsToken: env.WEIXI_METRICS_TOKEN } : {}),
    ...(traces ? { tracing: { endpoint: traces, serviceName: env.OTEL_SERVICE_NAME || 'weixi' } } : {}),
    ...(operationsFile
      ? { persistedOperations: { store: persistedOperations(operationsFile), allowArbitrary: env.WEIXI_PERSISTED_ONLY !== '1' } }
      : {}),
  };
}

/** A JSON object of query text by id (graphql-codegen's `persisted-documents.json`). */
function persistedOperations(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`WEIXI_PERSISTED_OPERATIONS=${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  const valid = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((q) => typeof q === 'string');
  if (!valid) throw new Error(`WEIXI_PERSISTED_OPERATIONS=${file}: expected a JSON object of query text by id, like {"<sha256>": "query { ... }"}`);
  return parsed as Record<string, string>;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
