/**
 * A real SMPP 3.4 server for the tests (smpp's own server on an ephemeral port): it accepts any
 * bind_transceiver, answers submit_sm with a message id (or a refusal the test queued), records every PDU
 * with the instant it arrived, and sends receipts and customers' replies as deliver_sm.
 */
import { performance } from 'node:perf_hooks';
import smpp, { type PDU, type Server, type Session } from 'smpp';

export interface SubmittedPart {
  pdu: PDU;
  /** performance.now() when the server read it. */
  at: number;
  /** The id the server answered; empty for a refusal. */
  messageId: string;
  /** The concatenation header's fields when the part has one: reference, total, sequence. */
  concatenation: { reference: number; total: number; sequence: number } | undefined;
  /** The part's text, decoded by its data_coding. */
  text: string;
}

export class FakeSmsc {
  readonly binds: PDU[] = [];
  readonly submits: SubmittedPart[] = [];
  readonly unbinds: PDU[] = [];
  /** command_status for the next submit_sm answers, in order; 0 (accepted) when empty. */
  readonly refusals: number[] = [];
  /** command_status for bind_transceiver; 0 accepts. */
  bindStatus = 0;
  /** When true, submit_sm is recorded but never answered (a hung SMSC). */
  silent = false;
  private readonly sessions = new Set<Session>();
  private nextId = 0x5a000;

  private constructor(private readonly server: Server) {
    server.on('session', (session: Session) => this.serve(session));
  }

  static async start(): Promise<FakeSmsc> {
    warmUp();
    const smsc = new FakeSmsc(smpp.createServer(() => {}));
    await new Promise<void>((resolve) => smsc.server.listen(0, '127.0.0.1', resolve));
    return smsc;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Sessions bound and still open. */
  get openSessions(): number {
    return this.sessions.size;
  }

  /** Sends a receipt for a message id, in the text (`id:... stat:...`) or only in TLVs; resolves with the deliver_sm_resp. */
  receipt(messageId: string, stat: string, how: 'text' | 'tlv' = 'text'): Promise<PDU> {
    const states: Record<string, number> = { DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };
    const body =
      how === 'text'
        ? { short_message: `id:${messageId} sub:001 dlvr:001 submit date:2611161000 done date:2611161001 stat:${stat} err:000 text:` }
        : { short_message: '', receipted_message_id: messageId, message_state: states[stat] };
    return this.deliver({ source_addr: '13800000000', destination_addr: '10655000', esm_class: 0x04, ...body });
  }

  /** A customer's message to a sender number; resolves with the deliver_sm_resp. */
  reply(from: string, to: string, text: string): Promise<PDU> {
    return this.deliver({ source_addr: from, destination_addr: to, esm_class: 0, short_message: text });
  }

  /** Closes every connection from the server's side, as an SMSC restarting does; resolves once they are closed. */
  async dropConnections(): Promise<void> {
    await Promise.all([...this.sessions].map((session) => new Promise<void>((resolve) => session.destroy(() => resolve()))));
  }

  async close(): Promise<void> {
    await this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(options: Record<string, unknown>): Promise<PDU> {
    const session = [...this.sessions].at(-1);
    if (!session) throw new Error('no client is bound');
    return new Promise<PDU>((resolve) => session.deliver_sm(options, resolve));
  }

  private serve(session: Session): void {
    session.on('error', () => {}); // a client going away resets the socket
    session.on('close', () => this.sessions.delete(session));
    session.on('bind_transceiver', (pdu: PDU) => {
      this.binds.push(pdu);
      if (this.bindStatus !== 0) return session.send(pdu.response({ command_status: this.bindStatus }));
      this.sessions.add(session);
      return session.send(pdu.response({ system_id: 'FAKESMSC' }));
    });
    session.on('submit_sm', (pdu: PDU) => {
      const at = performance.now();
      if (this.silent) return void this.submits.push({ pdu, at, messageId: '', ...content(pdu) });
      const status = this.refusals.shift() ?? 0;
      const messageId = status === 0 ? (this.nextId++).toString(16).toUpperCase() : '';
      this.submits.push({ pdu, at, messageId, ...content(pdu) });
      session.send(pdu.response(status === 0 ? { message_id: messageId } : { command_status: status }));
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      this.unbinds.push(pdu);
      session.send(pdu.response());
    });
  }
}

/** The UDH concatenation element (IEI 0x00) and the text of a submit_sm, as smpp decoded them. */
function content(pdu: PDU): Pick<SubmittedPart, 'concatenation' | 'text'> {
  const { udh, message } = pdu.short_message as { udh?: Buffer[]; message: string };
  const element = udh?.find((e) => e[0] === 0x00);
  return {
    concatenation: element && { reference: element[2]!, total: element[3]!, sequence: element[4]! },
    text: message,
  };
}

/**
 * Decodes a GSM and a UCS-2 submit_sm once: smpp loads its character tables on first use, which would hold
 * the first PDU a test times back by milliseconds.
 */
function warmUp(): void {
  for (const data_coding of [0, 8]) {
    const pdu = new smpp.PDU('submit_sm', { data_coding, esm_class: 0x40, short_message: Buffer.from([5, 0, 3, 1, 1, 1, 0, 0x41]) });
    smpp.PDU.fromBuffer(pdu.toBuffer());
  }
}
