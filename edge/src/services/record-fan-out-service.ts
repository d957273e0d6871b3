import { RELAYED_ORIGIN, type SyncServer } from '@jiazheng/sync/relay';
import type { Logger } from '../ports/logger';
import type { RecordFanOut } from '../ports/record-fan-out';
import type { Service } from '../ports/service';

/**
 * Joins this hub process's relay to the others on the same database: what it stores is announced, what
 * they announce is relayed to its peers. Changes it relayed are not announced again (no echo), and its
 * own announcements coming back are ignored.
 */
export class RecordFanOutService implements Service {
  readonly #server: Pick<SyncServer, 'subscribe' | 'relay'>;
  readonly #fanOut: RecordFanOut;
  readonly #processId: string;
  readonly #logger: Logger;
  #unsubscribe: (() => void) | null = null;

  constructor(options: {
    server: Pick<SyncServer, 'subscribe' | 'relay'>;
    fanOut: RecordFanOut;
    /** Unique per process (its device id is shared by every process of one hub, so not that). */
    processId: string;
    logger: Logger;
  }) {
    this.#server = options.server;
    this.#fanOut = options.fanOut;
    this.#processId = options.processId;
    this.#logger = options.logger;
  }

  async start(): Promise<void> {
    this.#fanOut.onChange((change) => {
      if (change.from === this.#processId) return;
      this.#server.relay(change).catch((error: unknown) => {
        this.#logger.error(`fan-out: could not relay ${change.recordId}:`, error);
      });
    });
    await this.#fanOut.start();
    this.#unsubscribe = this.#server.subscribe((event) => {
      if (event.origin === RELAYED_ORIGIN) return;
      this.#fanOut
        .announce({
          recordId: event.recordId,
          update: event.update,
          seq: event.seq,
          previousSeq: event.previousSeq,
          from: this.#processId,
        })
        .catch((error: unknown) => {
          // The change is stored; the other processes' peers get it on their next pull instead of now.
          this.#logger.error(`fan-out: could not announce ${event.recordId}:`, error);
        });
    });
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#fanOut.stop();
  }
}
