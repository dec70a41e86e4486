import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PluginLogger } from '@weixi/sdk';
import { FakeSmsc } from './fake-smsc.test-support.js';
import { Smsc, type Account } from './smsc.js';
import { TimingSmsc } from './timing-smsc.test-support.js';

const quiet: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };
let server: FakeSmsc;
let account: Account;
let smsc: Smsc;

const part = (n: number) => ({ source_addr: '10655000', destination_addr: '19900000001', data_coding: 0, short_message: Buffer.from(`part ${n}`) });

beforeAll(async () => {
  server = await FakeSmsc.start();
  account = { host: '127.0.0.1', port: server.port, systemId: 'weixi', password: 'secret', timeoutMs: 500, enquireLinkSeconds: 0 };
});
afterEach(async () => {
  await smsc?.close();
  server.bindStatus = 0;
  server.silent = false;
});
afterAll(() => server?.close());

describe('Smsc', () => {
  it('paces submit_sm at the account\'s rate: 5 at 20 a second take 200 ms where the SMSC reads them', async () => {
    const timing = await TimingSmsc.start();
    try {
      smsc = new Smsc(async () => 0, quiet);
      const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => smsc.submit({ ...account, port: timing.port }, 20, part(n))));
      expect(answers.map((a) => a.command_status)).toEqual([0, 0, 0, 0, 0]);
      const at = timing.submits.map((s) => s.at);
      expect(at).toHaveLength(5);
      // (N-1)/R in all. The server reads on its own thread, but on a busy machine even that thread can be
      // scheduled late, which makes a PDU look closer to the next: 10 ms of slack for that. Unpaced, the
      // five arrive within a few milliseconds.
      expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(200 - 10);
    } finally {
      await smsc.close();
      await timing.close();
    }
  });

  it('binds again on the next submit after the SMSC dropped the connection', async () => {
    smsc = new Smsc(async () => 0, quiet);
    await smsc.submit(account, 1000, part(1));
    const binds = server.binds.length;
    await server.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the client reads the close
    expect((await smsc.submit(account, 1000, part(2))).command_status).toBe(0);
    expect(server.binds).toHaveLength(binds + 1);
  });

  it('throws when the bind is refused, the SMSC is unreachable, or a submit_sm_resp does not come', async () => {
    smsc = new Smsc(async () => 0, quiet);
    server.bindStatus = 0x0e;
    await expect(smsc.submit(account, 1000, part(1))).rejects.toThrow(`SMSC weixi@127.0.0.1:${server.port} refused bind_transceiver: ESME_RINVPASWD (0x0000000E)`);
    server.bindStatus = 0;
    await expect(smsc.submit({ ...account, port: 1 }, 1000, part(1))).rejects.toThrow('connection to SMSC weixi@127.0.0.1:1 closed');
    server.silent = true;
    await expect(smsc.submit(account, 1000, part(1))).rejects.toThrow('no submit_sm_resp from SMSC');
    server.silent = false;
    expect((await smsc.submit(account, 1000, part(2))).command_status).toBe(0); // a new session
  });
});
