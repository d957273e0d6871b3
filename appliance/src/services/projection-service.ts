import type { Projector } from '@jiazheng/sync/projections';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';

/**
 * Keeps the query tables (orders by phone for the screen pop, the county's lists) in step with the record
 * store: a catch-up at start, then every `intervalMs`. Catch-up reads only what changed since the last one.
 */
export class ProjectionService implements Service {
  readonly #projector: Projector;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: { projector: Projector; logger: Logger; intervalMs?: number }) {
    this.#projector = options.projector;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 1000;
  }

  async start(): Promise<void> {
    await this.catchUp();
    this.#timer = setInterval(() => void this.catchUp(), this.#intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One catch-up, serialised behind any running one. */
  catchUp(): Promise<unknown> {
    this.#running = this.#running.then(() =>
      this.#projector
        .catchUp()
        .catch((error: unknown) => this.#logger.error('projections: catch-up failed', error)),
    );
    return this.#running;
  }
}
