import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import type { WebsocketProvider } from 'y-websocket';

export { sleep };

/** The `ws` class where y-websocket expects the DOM WebSocket (Node 20 has none). */
export const WebSocketPolyfill = WebSocket as unknown as typeof globalThis.WebSocket;

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Runs `task` over `items` with at most `limit` running at once. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Destroys y-websocket providers: a provider's awareness keeps a 3-second timer until its document goes too. */
export function destroyAll(providers: WebsocketProvider[]): void {
  for (const provider of providers.splice(0)) {
    provider.destroy();
    provider.awareness.destroy();
    provider.doc.destroy();
  }
}
