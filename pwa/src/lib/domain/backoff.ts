/**
 * How long to wait before reconnecting: doubling from `baseMs` up to `maxMs`, with "full jitter" so a
 * county's consoles do not all knock at once when the appliance comes back.
 */
export function reconnectDelay(options: {
  attempt: number;
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 15_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, options.attempt));
  return Math.round(base / 2 + random() * (ceiling - base / 2));
}
