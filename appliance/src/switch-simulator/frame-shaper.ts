/**
 * Fault injection on the bytes the simulator sends: TCP does not preserve message boundaries, and a client
 * that assumes one `data` event per frame breaks on a real network. The shaper can cut every frame into
 * small pieces, glue several frames into one write, or both at random points.
 */
import type { Socket } from 'node:net';
import { createRandom, type Random } from './random';

export type FrameShaping =
  | { readonly mode: 'none' }
  /** Each frame goes out in pieces of at most `maxPieceBytes` (1 splits at every byte). */
  | { readonly mode: 'split'; readonly maxPieceBytes: number }
  /** Frames written in the same tick leave in a single write. */
  | { readonly mode: 'coalesce' }
  /** Frames are glued together, then cut at random points into pieces of 1..maxPieceBytes bytes. */
  | { readonly mode: 'chaos'; readonly seed: number; readonly maxPieceBytes: number };

export type ShaperStats = { frames: number; writes: number };

export class FrameShaper {
  readonly #socket: Socket;
  readonly #shaping: () => FrameShaping;
  readonly #stats: ShaperStats = { frames: 0, writes: 0 };
  #queue: Buffer[] = [];
  #scheduled = false;
  #ending = false;
  #drainWaiters: Array<() => void> = [];
  #random: Random | undefined;
  #randomSeed: number | undefined;

  constructor(options: { socket: Socket; shaping: () => FrameShaping }) {
    this.#socket = options.socket;
    this.#shaping = options.shaping;
    this.#socket.on('drain', () => this.#notifyDrain());
  }

  get stats(): ShaperStats {
    return { ...this.#stats };
  }

  /** True while the client is not keeping up: more should wait in the listener's own event queue. */
  get backlogged(): boolean {
    return this.#queue.length > 0 || this.#socket.writableNeedDrain;
  }

  /** Calls `callback` once the backlog is gone. */
  onDrain(options: { callback: () => void }): void {
    this.#drainWaiters.push(options.callback);
  }

  write(options: { data: string }): void {
    if (this.#socket.destroyed || this.#ending) return;
    this.#stats.frames++;
    const buffer = Buffer.from(options.data, 'utf8');
    const shaping = this.#shaping();
    if (shaping.mode === 'none' && this.#queue.length === 0) {
      this.#stats.writes++;
      this.#socket.write(buffer);
      return;
    }
    this.#queue.push(buffer);
    this.#schedule();
  }

  /** Ends the socket once everything queued has been written. */
  end(): void {
    this.#ending = true;
    if (this.#queue.length === 0) this.#socket.end();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate, not the simulator clock: this is about TCP segments, which exist in real time only.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushOne();
    });
  }

  #flushOne(): void {
    if (this.#socket.destroyed) {
      this.#queue = [];
      return;
    }
    const shaping = this.#shaping();
    let piece: Buffer | undefined;
    if (shaping.mode === 'coalesce' || shaping.mode === 'none') {
      piece = Buffer.concat(this.#queue);
      this.#queue = [];
    } else {
      const maxPiece =
        shaping.mode === 'chaos'
          ? 1 + Math.floor(this.#randomFor(shaping.seed).next() * Math.max(1, shaping.maxPieceBytes))
          : Math.max(1, shaping.maxPieceBytes);
      if (shaping.mode === 'chaos' && this.#queue.length > 1) this.#queue = [Buffer.concat(this.#queue)];
      const head = this.#queue[0];
      if (head !== undefined) {
        piece = head.subarray(0, maxPiece);
        const rest = head.subarray(piece.length);
        if (rest.length > 0) this.#queue[0] = rest;
        else this.#queue.shift();
      }
    }
    if (piece !== undefined && piece.length > 0) {
      this.#stats.writes++;
      this.#socket.write(piece);
    }
    if (this.#queue.length > 0) {
      this.#schedule();
    } else if (this.#ending) {
      this.#socket.end();
    } else if (!this.#socket.writableNeedDrain) {
      this.#notifyDrain();
    }
  }

  #randomFor(seed: number): Random {
    if (this.#random === undefined || this.#randomSeed !== seed) {
      this.#random = createRandom({ seed });
      this.#randomSeed = seed;
    }
    return this.#random;
  }

  #notifyDrain(): void {
    if (this.backlogged) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
