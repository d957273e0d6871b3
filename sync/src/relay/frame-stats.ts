import type { FrameType } from '../protocol/frames';

/** Frames and bytes per frame type, each way: what the benchmarks and the catch-up tests count. */
export type FrameCounts = Partial<Record<FrameType | 'invalid', { frames: number; bytes: number }>>;
export type FrameStatsSnapshot = { sent: FrameCounts; received: FrameCounts };

export class FrameStats {
  #sent: FrameCounts = {};
  #received: FrameCounts = {};

  record(options: { direction: 'sent' | 'received'; type: FrameType | 'invalid'; bytes: number }): void {
    const counts = options.direction === 'sent' ? this.#sent : this.#received;
    const entry = counts[options.type] ?? { frames: 0, bytes: 0 };
    entry.frames += 1;
    entry.bytes += options.bytes;
    counts[options.type] = entry;
  }

  snapshot(): FrameStatsSnapshot {
    const copy = (counts: FrameCounts): FrameCounts =>
      Object.fromEntries(Object.entries(counts).map(([type, entry]) => [type, { ...entry }]));
    return { sent: copy(this.#sent), received: copy(this.#received) };
  }

  reset(): void {
    this.#sent = {};
    this.#received = {};
  }
}

/** Totals of a snapshot side, for assertions like "caught up in under N bytes". */
export function totalOf(counts: FrameCounts): { frames: number; bytes: number } {
  let frames = 0;
  let bytes = 0;
  for (const entry of Object.values(counts)) {
    frames += entry.frames;
    bytes += entry.bytes;
  }
  return { frames, bytes };
}
