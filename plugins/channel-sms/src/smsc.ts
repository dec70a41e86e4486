/**
 * One SMPP 3.4 account at an SMSC (短信中心): a transceiver session bound lazily on the first submit, bound
 * again on the next submit after the connection dropped, paced by the account's rate, and unbound on close.
 * Everything the SMSC sends on it (receipts, customers' replies) goes to `inbound`, whose answer is the
 * deliver_sm_resp command_status.
 */
import smpp, { type PDU, type Session } from 'smpp';
import type { PluginLogger } from '@weixi/sdk';
import type { SmsSettings } from './settings.js';
import { Throttle } from './throttle.js';

export type Account = Pick<SmsSettings, 'host' | 'port' | 'systemId' | 'password' | 'timeoutMs' | 'enquireLinkSeconds'>;
export type Inbound = (pdu: PDU) => Promise<number>;

/** ESME_RX_T_APPN: "temporary application error", the SMSC delivers the PDU again later. */
const TRY_AGAIN_LATER = 0x64;

/** A bound session and the requests still waiting for their response on it. */
interface Link {
  session: Session;
  password: string;
  alive: boolean;
  waiting: Set<(error: Error) => void>;
}

/** The (host, port, systemId) a session is bound to. */
export const accountKey = (a: Pick<Account, 'host' | 'port' | 'systemId'>) => `${a.systemId}@${a.host}:${a.port}`;

export class Smsc {
  private link: Promise<Link> | undefined;
  private readonly throttle = new Throttle();

  constructor(
    private readonly inbound: Inbound,
    private readonly logger: PluginLogger,
  ) {}

  /** Submits one part; its submit_sm_resp (command_status 0 or not). Throws when the link is down or times out. */
  async submit(account: Account, ratePerSecond: number, params: Record<string, unknown>): Promise<PDU> {
    let link = await this.bound(account);
    // dropped before the write: nothing was sent, so binding again is safe
    if (!link.alive) link = await this.bound(account);
    const bound = link;
    const answer = await this.throttle.paced(ratePerSecond, () => this.request(bound, account, 'submit_sm', (done) => bound.session.submit_sm(params, done)));
    return answer;
  }

  /** Unbinds and closes the session, if any. */
  async close(): Promise<void> {
    const pending = this.link;
    this.link = undefined;
    const link = await pending?.catch(() => undefined);
    if (!link?.alive) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => link.session.destroy(), 1000);
      link.session.once('close', () => (clearTimeout(done), resolve()));
      if (!link.session.unbind({}, () => link.session.destroy())) link.session.destroy();
    });
  }

  /** The bound link: the current one, or a new bind when there is none, it dropped, or the password changed. */
  private bound(account: Account): Promise<Link> {
    const current = this.link;
    if (current) {
      return current.then((link) => {
        if (link.alive && link.password === account.password) return link;
        if (this.link === current) this.link = undefined;
        if (link.alive) link.session.destroy();
        return this.bound(account);
      });
    }
    const next = this.bind(account);
    this.link = next;
    next.catch(() => {
      if (this.link === next) this.link = undefined;
    });
    return next;
  }

  private bind(account: Account): Promise<Link> {
    const where = accountKey(account);
    const session = smpp.connect({
      host: account.host,
      port: account.port,
      ...(account.enquireLinkSeconds > 0 ? { auto_enquire_link_period: account.enquireLinkSeconds * 1000 } : {}),
    });
    // PDUs are small and each waits for its answer: Nagle's algorithm would only hold them back
    session.socket.setNoDelay(true);
    const link: Link = { session, password: account.password, alive: false, waiting: new Set() };
    session.on('error', (error: Error) => this.logger.warn('SMSC connection error', { smsc: where, error: error.message }));
    session.on('close', () => {
      if (link.alive) this.logger.warn('SMSC connection closed; the next message binds again', { smsc: where });
      link.alive = false;
      for (const fail of link.waiting) fail(new Error(`connection to SMSC ${where} closed`));
    });
    session.on('deliver_sm', (pdu: PDU) => this.answer(session, pdu));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    let timer: NodeJS.Timeout | undefined;
    return new Promise<Link>((resolve, reject) => {
      link.waiting.add(reject); // a refused or closed connection
      timer = setTimeout(() => {
        session.destroy();
        reject(new Error(`no connection to SMSC ${where} within ${account.timeoutMs} ms`));
      }, account.timeoutMs);
      session.once('connect', () => {
        this.request(link, account, 'bind_transceiver', (answer) => session.bind_transceiver({ system_id: account.systemId, password: account.password }, answer))
          .then((resp) => {
            if (resp.command_status !== 0) throw new Error(`SMSC ${where} refused bind_transceiver: ${commandStatusName(resp.command_status)}`);
            link.alive = true;
            resolve(link);
          })
          .catch((error: Error) => {
            session.destroy();
            reject(error);
          });
      });
    }).finally(() => {
      clearTimeout(timer);
      link.waiting.clear(); // only the bind waited on it so far
    });
  }

  /** Sends a request and waits for its response; rejects when the link closes or the SMSC takes too long. */
  private request(link: Link, account: Account, command: string, send: (answer: (resp: PDU) => void) => boolean): Promise<PDU> {
    return new Promise<PDU>((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        link.waiting.delete(fail);
        reject(error);
      };
      const timer = setTimeout(() => {
        fail(new Error(`no ${command}_resp from SMSC ${accountKey(account)} within ${account.timeoutMs} ms`));
        link.alive = false; // a silent SMSC: bind again on the next message
        link.session.destroy();
      }, account.timeoutMs);
      link.waiting.add(fail);
      const written = send((resp) => {
        clearTimeout(timer);
        link.waiting.delete(fail);
        resolve(resp);
      });
      if (!written) {
        link.alive = false;
        fail(new Error(`connection to SMSC ${accountKey(account)} is closed`));
      }
    });
  }

  /** Answers a deliver_sm once it is handled; a failure to handle it asks the SMSC to deliver it again later. */
  private answer(session: Session, pdu: PDU): void {
    this.inbound(pdu)
      .catch((error: unknown) => {
        this.logger.error('could not handle a deliver_sm; the SMSC will deliver it again', { error: error instanceof Error ? error.message : String(error) });
        return TRY_AGAIN_LATER;
      })
      .then((status) => session.send(pdu.response(status === 0 ? {} : { command_status: status })));
  }
}

const statusNames = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));

/** `ESME_RTHROTTLED (0x00000058)`. */
export function commandStatusName(status: number): string {
  return `${statusNames.get(status) ?? 'unknown status'} (${commandStatusCode(status)})`;
}

/** The command_status as the SMPP specification writes it, `0x0000000B`: the providerCode. */
export const commandStatusCode = (status: number) => `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
