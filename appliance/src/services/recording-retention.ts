import type { RecordingFiles } from '../adapters/files/recording-files';
import { choosePurges, type RetentionPolicy } from '../domain/calls/retention';
import type { CallStore } from '../ports/call-store';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';

/** Runs the retention policy at start and then every `intervalMs` (hourly by default). */
export class RecordingRetention implements Service {
  readonly #files: RecordingFiles;
  readonly #store: CallStore;
  readonly #policy: RetentionPolicy;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #lastRun: { at: string; purged: number; overQuotaBytes: number } | undefined;

  constructor(options: {
    files: RecordingFiles;
    store: CallStore;
    policy: RetentionPolicy;
    logger: Logger;
    intervalMs?: number;
    now?: () => Date;
  }) {
    this.#files = options.files;
    this.#store = options.store;
    this.#policy = options.policy;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 3600_000;
    this.#now = options.now ?? (() => new Date());
  }

  lastRun(): { at: string; purged: number; overQuotaBytes: number } | undefined {
    return this.#lastRun;
  }

  start(): Promise<void> {
    this.#schedule();
    this.#timer = setInterval(() => this.#schedule(), this.#intervalMs);
    this.#timer.unref();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    this.#running = this.#running.then(() =>
      this.run().catch((error: unknown) => this.#logger.error('recordings: retention run failed', error)),
    );
  }

  /** One pass: deletes the chosen files and marks them purged in the index. */
  async run(): Promise<{ purged: number; overQuotaBytes: number }> {
    const recordings = (await this.#store.listRecordingsForRetention()).filter(
      (recording) => !recording.missing,
    );
    const now = this.#now();
    const { purge, overQuotaBytes } = choosePurges({ recordings, policy: this.#policy, now });
    const byId = new Map(recordings.map((recording) => [recording.id, recording]));
    let purged = 0;
    for (const choice of purge) {
      const recording = byId.get(choice.id);
      if (recording === undefined) continue;
      try {
        await this.#files.remove({ path: recording.path });
      } catch (error) {
        const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
        if (code !== 'ENOENT') {
          this.#logger.error(`recordings: cannot purge ${recording.path}`, error);
          continue;
        }
      }
      await this.#store.markRecording({ id: recording.id, purgedAt: now.toISOString() });
      purged += 1;
    }
    if (purged > 0) this.#logger.info(`recordings: retention purged ${purged} recording(s)`);
    if (overQuotaBytes > 0) {
      this.#logger.error(`recordings: ${overQuotaBytes} bytes over quota, all of it under dispute`);
    }
    this.#lastRun = { at: now.toISOString(), purged, overQuotaBytes };
    return { purged, overQuotaBytes };
  }
}
