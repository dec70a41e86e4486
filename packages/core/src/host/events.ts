import type { Disposable, DomainEvents } from '@weixi/sdk';

type Handler = (payload: unknown) => void | Promise<void>;

/**
 * In-process domain events. Each handler runs on its own: one that throws is reported through `onError`
 * (the host counts it against its plugin) and the others still run.
 */
export class EventBus {
  private readonly handlers = new Map<string, Set<{ pluginId: string; handler: Handler }>>();

  constructor(private readonly onError: (pluginId: string, event: string, error: unknown) => void) {}

  on<E extends keyof DomainEvents>(pluginId: string, event: E, handler: (payload: DomainEvents[E]) => void | Promise<void>): Disposable {
    const entry = { pluginId, handler: handler as Handler };
    const set = this.handlers.get(event) ?? new Set();
    set.add(entry);
    this.handlers.set(event, set);
    return { dispose: () => void set.delete(entry) };
  }

  async emit<E extends keyof DomainEvents>(event: E, payload: DomainEvents[E]): Promise<void> {
    const entries = [...(this.handlers.get(event) ?? [])];
    await Promise.all(
      entries.map(async ({ pluginId, handler }) => {
        try {
          await handler(payload);
        } catch (error) {
          this.onError(pluginId, event, error);
        }
      }),
    );
  }
}
