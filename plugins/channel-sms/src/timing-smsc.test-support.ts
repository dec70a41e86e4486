/**
 * An SMPP server on its own thread that notes when each submit_sm arrives. A server on the test's own event
 * loop reads a PDU only when that loop is free, so a pause there (a garbage collection, the database) would
 * shorten the next gap it measures; on its own thread it reads PDUs as they come.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const SERVER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const smpp = require(workerData.smpp);
// smpp loads its character tables on first use: load them now, not while the first PDU is being timed
smpp.PDU.fromBuffer(new smpp.PDU('submit_sm', { data_coding: 0, short_message: Buffer.from('A') }).toBuffer());
let id = 0;
const server = smpp.createServer((session) => {
  session.on('error', () => {});
  session.on('bind_transceiver', (pdu) => session.send(pdu.response({ system_id: 'TIMING' })));
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => session.send(pdu.response()));
  session.on('submit_sm', (pdu) => {
    parentPort.postMessage({ submit: { at: performance.now(), destination: pdu.destination_addr } });
    session.send(pdu.response({ message_id: 'T' + ++id }));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

export class TimingSmsc {
  /** When each submit_sm arrived (milliseconds on the server thread's clock), and to whom. */
  readonly submits: Array<{ at: number; destination: string }> = [];

  private constructor(
    private readonly worker: Worker,
    readonly port: number,
  ) {
    worker.on('message', (m: { submit?: { at: number; destination: string } }) => m.submit && this.submits.push(m.submit));
  }

  static start(): Promise<TimingSmsc> {
    const worker = new Worker(SERVER, { eval: true, workerData: { smpp: createRequire(import.meta.url).resolve('smpp') } });
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (m: { port: number }) => resolve(new TimingSmsc(worker, m.port)));
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
