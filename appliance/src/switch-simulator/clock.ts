/**
 * Time for the switch simulator. Everything that waits (ringing, talk time, wrap-up, heartbeats, job threads)
 * goes through a `SimClock`, so tests drive a `FakeClock` through an hour of calls in milliseconds while the
 * CLI and demos run on `realClock` in real time.
 *
 * Internal call flows use callbacks, never promises: a promise continuation runs after `FakeClock.advance()`
 * has returned, at the wrong simulated time, while a timer callback runs at exactly its due time.
 */

export type TimerHandle = { readonly id: number };

export interface SimClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Microseconds since the Unix epoch: FreeSWITCH stamps events and channel times in µs. */
  nowMicros(): number;
  setTimer(options: { delayMs: number; callback: () => void }): TimerHandle;
  clearTimer(options: { handle: TimerHandle }): void;
}

/** The wall clock. Timers are Node timers; sub-millisecond precision comes from `performance.now()`. */
export function createRealClock(): SimClock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    nowMicros: () => Math.floor((performance.timeOrigin + performance.now()) * 1000),
    setTimer({ delayMs, callback }) {
      const id = nextId++;
      const timeout = setTimeout(
        () => {
          timers.delete(id);
          callback();
        },
        Math.max(0, delayMs),
      );
      timers.set(id, timeout);
      return { id };
    },
    clearTimer({ handle }) {
      const timeout = timers.get(handle.id);
      if (timeout !== undefined) clearTimeout(timeout);
      timers.delete(handle.id);
    },
  };
}

type FakeTimer = { id: number; due: number; seq: number; callback: () => void };

/**
 * A clock that only moves when told to. `advance()` runs every timer that falls due, in due order (ties in the
 * order they were set), with `now()` equal to each timer's due time while it runs. A zero-delay timer set
 * outside `advance()` (say, by a command arriving over TCP) runs on the next microtask, so work the simulator
 * does "immediately" never needs the test to advance the clock.
 */
export class FakeClock implements SimClock {
  #now: number;
  #timers: FakeTimer[] = [];
  #nextId = 1;
  #seq = 0;
  #advancing = false;
  #flushQueued = false;

  constructor(options: { startMs?: number } = {}) {
    // A fixed default start keeps dates in events reproducible: Tuesday 7 July 2020, 02:00:00 UTC.
    this.#now = options.startMs ?? Date.UTC(2020, 6, 7, 2, 0, 0);
  }

  now(): number {
    return this.#now;
  }

  nowMicros(): number {
    return Math.floor(this.#now * 1000);
  }

  setTimer({ delayMs, callback }: { delayMs: number; callback: () => void }): TimerHandle {
    const id = this.#nextId++;
    this.#timers.push({ id, due: this.#now + Math.max(0, delayMs), seq: this.#seq++, callback });
    if (delayMs <= 0 && !this.#advancing && !this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        if (!this.#advancing) this.advance({ ms: 0 });
      });
    }
    return { id };
  }

  clearTimer({ handle }: { handle: TimerHandle }): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle.id);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance({ ms }: { ms: number }): void {
    const target = this.#now + Math.max(0, ms);
    const wasAdvancing = this.#advancing;
    this.#advancing = true;
    try {
      for (;;) {
        const next = this.#earliestDue(target);
        if (next === undefined) break;
        this.#timers = this.#timers.filter((timer) => timer !== next);
        this.#now = Math.max(this.#now, next.due);
        next.callback();
      }
      this.#now = Math.max(this.#now, target);
    } finally {
      this.#advancing = wasAdvancing;
    }
  }

  /** How many timers are waiting; a test can assert a flow left nothing behind. */
  pendingTimers(): number {
    return this.#timers.length;
  }

  #earliestDue(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.due > target) continue;
      if (best === undefined || timer.due < best.due || (timer.due === best.due && timer.seq < best.seq)) {
        best = timer;
      }
    }
    return best;
  }
}

/**
 * Timers owned by one part of the simulator, so a switch restart or `stop()` can cancel all of them at once
 * (a restarted FreeSWITCH has no memory of the calls it was timing).
 */
export class Scheduler {
  readonly clock: SimClock;
  #handles = new Set<TimerHandle>();

  constructor(options: { clock: SimClock }) {
    this.clock = options.clock;
  }

  /** Runs `run` after `ms`; the returned function cancels it (harmless after it ran). */
  after({ ms, run }: { ms: number; run: () => void }): () => void {
    const handle = this.clock.setTimer({
      delayMs: ms,
      callback: () => {
        this.#handles.delete(handle);
        run();
      },
    });
    this.#handles.add(handle);
    return () => {
      if (this.#handles.delete(handle)) this.clock.clearTimer({ handle });
    };
  }

  /** Runs `run` every `ms` until the returned function is called. */
  every({ ms, run }: { ms: number; run: () => void }): () => void {
    let cancelCurrent: () => void = () => undefined;
    let stopped = false;
    const arm = (): void => {
      cancelCurrent = this.after({
        ms,
        run: () => {
          if (stopped) return;
          arm();
          run();
        },
      });
    };
    arm();
    return () => {
      stopped = true;
      cancelCurrent();
    };
  }

  cancelAll(): void {
    for (const handle of this.#handles) this.clock.clearTimer({ handle });
    this.#handles.clear();
  }
}
