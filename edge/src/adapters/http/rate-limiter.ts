/**
 * A sliding-window limit per key (a form and a client address), in memory: one hub process serves the
 * website, and a restart forgetting the counts costs little. Bounded, so a flood of distinct addresses
 * cannot grow it without end.
 */
export class SlidingWindowRateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #hits = new Map<string, number[]>();

  constructor(options: { limit: number; windowMs: number; maxKeys?: number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Counts one attempt; when over the limit, answers how many seconds until the next is allowed. */
  hit(options: { key: string; now: number }): { ok: true } | { ok: false; retryAfterSec: number } {
    const { key, now } = options;
    const recent = (this.#hits.get(key) ?? []).filter((at) => at > now - this.#windowMs);
    if (recent.length >= this.#limit) {
      this.#hits.set(key, recent);
      const retryAfterSec = Math.max(1, Math.ceil(((recent[0] ?? now) + this.#windowMs - now) / 1000));
      return { ok: false, retryAfterSec };
    }
    recent.push(now);
    // Re-inserted, so the map's order is least recently seen first: the first to go when it is full.
    this.#hits.delete(key);
    this.#hits.set(key, recent);
    if (this.#hits.size > this.#maxKeys) this.#evict({ now });
    return { ok: true };
  }

  #evict(options: { now: number }): void {
    for (const [key, hits] of this.#hits) {
      if ((hits.at(-1) ?? 0) <= options.now - this.#windowMs) this.#hits.delete(key);
    }
    for (const key of this.#hits.keys()) {
      if (this.#hits.size <= this.#maxKeys) break;
      this.#hits.delete(key);
    }
  }
}
