/** The plugin's settings, per region (see the `weixi.settings` schema in package.json). */
export interface CallSettings {
  /** The call centre's RabbitMQ, `amqp://user:password@host:5672/vhost` (a secret: it carries the password). */
  url?: string;
  /** Where call tasks are published (durable queue, persistent messages). */
  taskQueue: string;
  /** Where the call centre publishes the agents' dispositions. */
  dispositionQueue: string;
  /** Wait between reconnection attempts after the broker connection is lost or refused. */
  reconnectDelayMs: number;
  /** Dispositions handled at once (unacknowledged deliveries the broker hands over). */
  prefetch: number;
  /** How long a publish waits for the broker's confirm before the send is retried. */
  confirmTimeoutMs: number;
}

/** The settings that make one broker link: regions sharing them share a connection. */
export type LinkConfig = Required<CallSettings>;

/** host:port/vhost of an amqp URL, for logs and details: never the credentials. */
export function brokerName(url: string): string {
  try {
    const u = new URL(url);
    const vhost = decodeURIComponent(u.pathname.slice(1)) || '/';
    return `${u.hostname}:${u.port || (u.protocol === 'amqps:' ? '5671' : '5672')} vhost ${vhost}`;
  } catch {
    return 'an unparsable url';
  }
}
