#!/usr/bin/env node
// Runs the whole suite on PGlite, then on PostgreSQL (a fresh database per test file). Without a reachable
// PostgreSQL the second half is skipped and says so, unless WEIXI_REQUIRE_POSTGRES=1 (CI): then it fails.
// Usage: node tests/run.mjs [pglite|postgres|all] [vitest args...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [only = 'all', ...vitestArgs] = process.argv.slice(2);
const serverUrl = process.env.WEIXI_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const require = createRequire(new URL('../package.json', import.meta.url));
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const reports = mkdtempSync(join(tmpdir(), 'weixi-test-'));

function run(kind) {
  console.log(`\n=== Weixi test suite on ${kind} ===`);
  const report = join(reports, `${kind}.json`);
  const result = spawnSync(process.execPath, [vitestBin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs], {
    stdio: 'inherit',
    env: { ...process.env, WEIXI_TEST_DB: kind },
  });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    counts = { passed: json.numPassedTests, failed: json.numFailedTests + (json.numFailedTestSuites ?? 0), skipped: json.numPendingTests + json.numTodoTests };
  } catch {
    counts.failed = 1;
  }
  return { status: result.status ?? 1, ...counts };
}

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432) });
    socket.setTimeout(2000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

const results = {};
if (only === 'all' || only === 'pglite') results.pglite = run('pglite');
if (only === 'all' || only === 'postgres') {
  if (await reachable(serverUrl)) {
    results.postgres = run('postgres');
  } else if (process.env.WEIXI_REQUIRE_POSTGRES === '1') {
    console.error(`\nPostgreSQL at ${serverUrl} is not reachable and WEIXI_REQUIRE_POSTGRES=1: failing.`);
    results.postgres = { status: 1, passed: 0, failed: 1, skipped: 0 };
  } else {
    console.log(`\nSKIPPED the PostgreSQL half: no server at ${serverUrl}. Set WEIXI_TEST_DATABASE_URL to run it.`);
  }
}
rmSync(reports, { recursive: true, force: true });

const all = Object.values(results);
const sum = (key) => all.reduce((n, r) => n + r[key], 0);
console.log('');
for (const [kind, r] of Object.entries(results)) console.log(`${kind}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
console.log(`total: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(all.some((r) => r.status !== 0) ? 1 : 0);
