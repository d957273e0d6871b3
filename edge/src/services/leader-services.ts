import type { LeaderLock } from '../ports/leader-lock';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';

/** The only process on its data: PGlite belongs to one process, which is therefore always the leader. */
export class SoleLeaderLock implements LeaderLock {
  tryAcquire(): Promise<boolean> {
    return Promise.resolve(true);
  }
  stillHeld(): Promise<boolean> {
    return Promise.resolve(true);
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Runs `services` (in order; stopped in reverse) only while this hub process holds the leader lock. A
 * process that is not the leader asks again every `pollMs`, so when the leader dies another takes over
 * within about that long; a leader that finds its lock lost stops its services at once, before another
 * process can start the same work. start() waits for the first attempt only: a follower starts too.
 */
export class LeaderServices implements Service {
  readonly #lock: LeaderLock;
  readonly #services: readonly Service[];
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #name: string;
  #timer: NodeJS.Timeout | null = null;
  #leading = false;
  #stopped = true;
  /** One check at a time: a slow start of the led services must not overlap the next poll. */
  #checking: Promise<void> = Promise.resolve();

  constructor(options: {
    lock: LeaderLock;
    services: readonly Service[];
    logger: Logger;
    pollMs?: number;
    /** For the log: what the leader runs. */
    name: string;
  }) {
    this.#lock = options.lock;
    this.#services = options.services;
    this.#logger = options.logger;
    this.#pollMs = options.pollMs ?? 5_000;
    this.#name = options.name;
  }

  get leading(): boolean {
    return this.#leading;
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    await this.#check();
    this.#timer = setInterval(() => void this.#check(), this.#pollMs);
    this.#timer.unref();
    if (!this.#leading) this.#logger.info(`leader: another hub process runs ${this.#name}; standing by`);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#checking;
    await this.#stopLed();
    await this.#lock.release();
  }

  #check(): Promise<void> {
    this.#checking = this.#checking
      .then(() => this.#checkOnce())
      .catch((error: unknown) => {
        this.#logger.error('leader: check failed:', error);
      });
    return this.#checking;
  }

  async #checkOnce(): Promise<void> {
    if (this.#stopped) return;
    if (this.#leading) {
      if (await this.#lock.stillHeld()) return;
      this.#logger.error(`leader: lost the leader lock; stopping ${this.#name}`);
      await this.#stopLed();
    }
    if (!(await this.#lock.tryAcquire()) || this.#stopped) return;
    this.#leading = true;
    this.#logger.info(`leader: this hub process now runs ${this.#name}`);
    const started: Service[] = [];
    try {
      for (const service of this.#services) {
        await service.start();
        started.push(service);
      }
    } catch (error) {
      // Half-started leadership is worse than none: undo it and let another process (or the next poll) try.
      for (const service of started.reverse()) await service.stop().catch(() => {});
      this.#leading = false;
      await this.#lock.release();
      throw error;
    }
  }

  async #stopLed(): Promise<void> {
    if (!this.#leading) return;
    this.#leading = false;
    for (const service of [...this.#services].reverse()) {
      try {
        await service.stop();
      } catch (error) {
        this.#logger.error('leader: error while stopping:', error);
      }
    }
  }
}
