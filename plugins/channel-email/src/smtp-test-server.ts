/**
 * A real SMTP server for the tests (smtp-server on 127.0.0.1): it checks the login, refuses the
 * recipients it is told to with a 5xx, and keeps every message it accepted, parsed with mailparser.
 */
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedEmail {
  /** The login the client authenticated with. */
  user: string | undefined;
  recipients: string[];
  mail: ParsedMail;
}

export interface SmtpTestServer {
  readonly port: number;
  readonly received: ReceivedEmail[];
  /** Connections the server holds open now. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface SmtpTestServerOptions {
  /** Default: any free port. */
  port?: number;
  login: { user: string; password: string };
  /** Recipients refused at RCPT TO with this reply. */
  refuse?: Record<string, { code: number; message: string }>;
}

export async function startSmtpTestServer(options: SmtpTestServerOptions): Promise<SmtpTestServer> {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (auth.username === options.login.user && auth.password === options.login.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.refuse?.[address.address];
      callback(refusal ? (Object.assign(new Error(refusal.message), { responseCode: refusal.code }) satisfies SMTPServerError) : null);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ user: session.user as string | undefined, recipients: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    openConnections: () => server.connections.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (yet): taken from the system and released at once. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
