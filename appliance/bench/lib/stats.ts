import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? Number.NaN;
}

export type Summary = { count: number; p50: number; p90: number; p99: number; max: number; mean: number };

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** The process's resident set, sampled every `intervalMs` while started: the peak and every sample. */
export class RssSampler {
  peak = 0;
  samples: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  start(intervalMs = 1000): void {
    this.stop();
    this.peak = 0;
    this.samples = [];
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  stop(): void {
    if (this.#timer !== undefined) {
      this.#sample();
      clearInterval(this.#timer);
    }
    this.#timer = undefined;
  }

  #sample(): void {
    const rss = process.memoryUsage().rss;
    this.samples.push(rss);
    this.peak = Math.max(this.peak, rss);
  }
}
