import type { Projector } from './projector';

/** Where a failed catch-up is reported (console, or an app's logger). */
export type ProjectionLogger = { error(message: string, error?: unknown): void };

/**
 * Keeps a replica's query tables in step with its record store (the appliance's for its county and the
 * screen pop, the hub's for every county and the statistics): the tables are created or upgraded at start
 * (idempotent), caught up, then caught up every `intervalMs`; each catch-up reads only what changed, so
 * the tables lag the records by at most an interval and a batch. A service with start()/stop().
 */
export class ProjectionService {
  readonly #projector: Projector;
  readonly #logger: ProjectionLogger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: { projector: Projector; logger: ProjectionLogger; intervalMs?: number }) {
    this.#projector = options.projector;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 1000;
  }

  async start(): Promise<void> {
    await this.#projector.migrate();
    await this.catchUp();
    this.#timer = setInterval(() => void this.catchUp(), this.#intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One catch-up, serialised behind any running one; a failure is logged and retried next interval. */
  catchUp(): Promise<unknown> {
    this.#running = this.#running.then(() =>
      this.#projector
        .catchUp()
        .catch((error: unknown) => this.#logger.error('projections: catch-up failed', error)),
    );
    return this.#running;
  }
}
