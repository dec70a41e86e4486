/**
 * The contacts outbox across a killed process (PostgreSQL: two processes on one database). A sender process
 * writes a contact and is killed with SIGKILL while the channel call is under way, before or after the
 * gateway delivered it. The server then takes the contact over once its lease lapses and it ends `sent`
 * with the gateway holding it exactly once: the retry carries the same contact id, which the gateway
 * (standing in for one that honours idempotency keys, shared through a file) does not deliver twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabaseKind } from '@weixi/db/testing';
import { localId } from '@weixi/testing';
import { PAGER_PLUGIN } from '../plugins/fixtures/index.js';
import { gateway } from '../plugins/fixtures/pager.js';
import { customerInput, startTestApi, type TestApi } from '../api/harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./page-and-hang.ts', import.meta.url));
let api: TestApi;
let customerId: number;
let dir: string;

const row = async (id: number) =>
  (await api.database.rows<{ status: string; attempts: number; leased: boolean }>(
    sql`select status, attempts, lease_until > now() as leased from contacts where id = ${id}`,
  ))[0]!;

/** Runs the sender process until its channel call hangs (`mode`), kills it, and returns the contact id. */
async function sendAndKill(mode: 'before' | 'after', key: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, api.database.url!, String(customerId), key], {
    cwd: root,
    env: { ...process.env, PAGER_HANG: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));
  const id = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const hit = new RegExp(`pager ${mode} (\\d+)`).exec(out);
      if (hit) resolve(Number(hit[1]));
    });
    child.once('close', () => reject(new Error(`sender exited before the channel call: ${out} ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return id;
}

/** The server's clock past the sender's lease (the sender ran on the system clock). */
const afterLease = () => api.clock.set(new Date(Date.now() + 61_000).toISOString());

describe.skipIf(testDatabaseKind() !== 'postgres')('contacts outbox across a killed sender process', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weixi-pager-'));
    process.env.PAGER_GATEWAY_FILE = join(dir, 'delivered');
    // In process: the test reads the pager's gateway from this process' memory and a file the extension host cannot write.
    api = await startTestApi(new Date().toISOString(), { plugins: [PAGER_PLUGIN], extensionHost: 'in-process' });
    await api.ok(`mutation { enablePlugin(id: "pager") { plugin { status } } }`);
    // The sender runs on the wall clock: no quiet hours for pages, whatever the hour in Nanjing when this runs.
    await api.ok(`mutation { setContactPolicy(regionCode: "JS", policy: { quietHours: { pager: null } }) }`);
    const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: [customerInput('13300000001')] });
    customerId = localId(r.upsertCustomers.customers[0].id);
  });
  afterAll(async () => {
    await api?.close();
    delete process.env.PAGER_GATEWAY_FILE;
    rmSync(dir, { recursive: true, force: true });
  });

  it('killed before the gateway delivered: taken over after the lease, sent once', async () => {
    const id = await sendAndKill('before', 'crash-before');
    expect(await row(id)).toEqual({ status: 'queued', attempts: 1, leased: true });
    expect(gateway.delivered).not.toContain(id);
    expect(await api.plugins.drainOutbox()).toBe(0); // the dead sender's lease still holds
    afterLease();
    expect(await api.plugins.drainOutbox()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(gateway.delivered.filter((d) => d === id)).toHaveLength(1);
  });

  it('killed after the gateway delivered, before the status was stored: the retry is not sent again', async () => {
    const id = await sendAndKill('after', 'crash-after');
    expect(await row(id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(gateway.delivered.filter((d) => d === id)).toHaveLength(1);
    afterLease();
    expect(await api.plugins.drainOutbox()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(gateway.calls).toContain(id); // the server did call the channel again, with the same id
    expect(gateway.delivered.filter((d) => d === id)).toHaveLength(1);
  });

  it('a replayed send of either key creates nothing', async () => {
    for (const key of ['crash-before', 'crash-after']) {
      const again = (await api.ok(`mutation ($c: Int!, $k: String!) { pager_page(customerId: $c, key: $k) }`, { c: customerId, k: key })).pager_page;
      expect(again).toMatchObject({ status: 'sent', created: false });
    }
  });
});
