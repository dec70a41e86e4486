/** The part of the `smpp` package (0.5.x, untyped CommonJS) this plugin and its tests use. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A decoded PDU: its header and whatever parameters and TLVs its command carries. */
  export interface PDU {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: any;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
  }

  export class Session extends EventEmitter {
    socket: Socket;
    /** False when the socket is no longer writable (nothing was sent). */
    send(pdu: PDU, onResponse?: (pdu: PDU) => void): boolean;
    bind_transceiver(options: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    submit_sm(options: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    deliver_sm(options: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    enquire_link(options?: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    unbind(options?: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  interface Smpp {
    PDU: { new (command: string, options?: Record<string, unknown>): PDU & { toBuffer(): Buffer }; fromBuffer(buffer: Buffer): PDU | false };
    connect(options: { host: string; port: number; auto_enquire_link_period?: number }): Session;
    createServer(listener: (session: Session) => void): Server;
    errors: Record<string, number>;
  }

  const smpp: Smpp;
  export default smpp;
}
