import type { Disposable, DomainEvents } from '@weixi/sdk';

type Handler = (payload: unknown) => void | Promise<void>;

/**
 * In-process domain events. A handler hears an event of a region only while its plugin is enabled there
 * (`accepts`); each runs on its own: one that throws is reported through `onError` (the host counts it
 * against its plugin in the event's region) and the others still run.
 */
export class EventBus {
  private readonly handlers = new Map<string, Set<{ pluginId: string; handler: Handler }>>();

  constructor(
    private readonly accepts: (pluginId: string, regionCode: string | undefined) => boolean,
    private readonly onError: (pluginId: string, event: string, error: unknown, regionCode: string | undefined) => void,
  ) {}

  on<E extends keyof DomainEvents>(pluginId: string, event: E, handler: (payload: DomainEvents[E]) => void | Promise<void>): Disposable {
    const entry = { pluginId, handler: handler as Handler };
    const set = this.handlers.get(event) ?? new Set();
    set.add(entry);
    this.handlers.set(event, set);
    return { dispose: () => void set.delete(entry) };
  }

  /** Whether a handler would hear `event` in the region: when none would, its payload need not be built. */
  heard(event: keyof DomainEvents, regionCode: string | undefined): boolean {
    return [...(this.handlers.get(event) ?? [])].some((entry) => this.accepts(entry.pluginId, regionCode));
  }

  async emit<E extends keyof DomainEvents>(event: E, payload: DomainEvents[E]): Promise<void> {
    const regionCode = 'regionCode' in payload ? payload.regionCode : undefined;
    const entries = [...(this.handlers.get(event) ?? [])].filter((entry) => this.accepts(entry.pluginId, regionCode));
    await Promise.all(
      entries.map(async ({ pluginId, handler }) => {
        try {
          await handler(payload);
        } catch (error) {
          this.onError(pluginId, event, error, regionCode);
        }
      }),
    );
  }
}
