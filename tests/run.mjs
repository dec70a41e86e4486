#!/usr/bin/env node
// Runs the whole suite on PGlite, then on PostgreSQL. Without a reachable PostgreSQL the second half is
// skipped and says so, unless WEIXI_REQUIRE_POSTGRES=1 (CI), where that is a failure.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join } from 'node:path';

const only = process.argv[2];
const serverUrl = process.env.WEIXI_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const require = createRequire(new URL('../package.json', import.meta.url));
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const vitestArgs = ['run', ...process.argv.slice(3)];

function run(kind) {
  console.log(`\n=== Weixi test suite on ${kind} ===`);
  const result = spawnSync(process.execPath, [vitestBin, ...vitestArgs], {
    stdio: 'inherit',
    env: { ...process.env, WEIXI_TEST_DB: kind },
  });
  return result.status ?? 1;
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
if (!only || only === 'pglite') results.pglite = run('pglite');
if (!only || only === 'postgres') {
  if (await reachable(serverUrl)) {
    results.postgres = run('postgres');
  } else if (process.env.WEIXI_REQUIRE_POSTGRES === '1') {
    console.error(`\nPostgreSQL at ${serverUrl} is not reachable and WEIXI_REQUIRE_POSTGRES=1: failing.`);
    results.postgres = 1;
  } else {
    console.log(`\nSKIPPED the PostgreSQL half: no server at ${serverUrl} (set WEIXI_TEST_DATABASE_URL to point at one).`);
  }
}
const failed = Object.entries(results).filter(([, status]) => status !== 0);
console.log(`\nWeixi suite: ${Object.entries(results).map(([k, s]) => `${k} ${s === 0 ? 'passed' : 'FAILED'}`).join(', ')}`);
process.exit(failed.length ? 1 : 0);
