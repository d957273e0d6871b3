import { z } from 'zod';
import { DomainError, DomainErrorCode, parseInput } from './errors';

/**
 * Hybrid logical clock (Kulkarni et al. 2014): wall-clock milliseconds plus a counter, so that causally
 * later events always compare later even when device clocks disagree, while staying close to real time.
 * Functions take the physical time as input, so the clock is pure and testable.
 */
export const hlcSchema = z.object({
  wallMs: z.number().int().min(0).max(8_640_000_000_000_000),
  counter: z.number().int().min(0).max(0xffff),
  node: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9_-]+$/, 'node id may hold only letters, digits, _ and -'),
});
export type Hlc = z.infer<typeof hlcSchema>;

/** A remote clock further ahead than this is treated as broken, not trusted. */
export const maxHlcDriftMs = 60_000;

export function createHlc(options: { node: string; now: number }): Hlc {
  return parseInput({
    schema: hlcSchema,
    input: { wallMs: options.now, counter: 0, node: options.node },
    what: 'hlc',
  });
}

function bump(options: { wallMs: number; counter: number; node: string }): Hlc {
  if (options.counter > 0xffff) {
    throw new DomainError({
      code: DomainErrorCode.conflict,
      field: 'hlc.counter',
      message: 'hlc.counter overflow: more than 65535 events in one millisecond',
    });
  }
  return { wallMs: options.wallMs, counter: options.counter, node: options.node };
}

/** The clock's next timestamp for a local event (send or write). */
export function tickHlc(options: { clock: Hlc; now: number }): Hlc {
  const { clock, now } = options;
  return now > clock.wallMs
    ? bump({ wallMs: now, counter: 0, node: clock.node })
    : bump({ wallMs: clock.wallMs, counter: clock.counter + 1, node: clock.node });
}

/** Merges a timestamp received from another replica; rejects one implausibly far in the future. */
export function receiveHlc(options: { clock: Hlc; remote: Hlc; now: number }): Hlc {
  const remote = parseInput({ schema: hlcSchema, input: options.remote, what: 'remote' });
  const { clock, now } = options;
  if (remote.wallMs - now > maxHlcDriftMs) {
    throw new DomainError({
      code: DomainErrorCode.invalidInput,
      field: 'remote.wallMs',
      message: `remote.wallMs is ${remote.wallMs - now} ms ahead of local time (limit ${maxHlcDriftMs} ms)`,
    });
  }
  const wallMs = Math.max(clock.wallMs, remote.wallMs, now);
  let counter = 0;
  if (wallMs === clock.wallMs && wallMs === remote.wallMs)
    counter = Math.max(clock.counter, remote.counter) + 1;
  else if (wallMs === clock.wallMs) counter = clock.counter + 1;
  else if (wallMs === remote.wallMs) counter = remote.counter + 1;
  return bump({ wallMs, counter, node: clock.node });
}

export function compareHlc(options: { a: Hlc; b: Hlc }): number {
  const { a, b } = options;
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** Fixed-width text form whose string order equals compareHlc order: `0000018f3a2b1c00-0001-node`. */
export function encodeHlc(options: { hlc: Hlc }): string {
  const { wallMs, counter, node } = options.hlc;
  return `${wallMs.toString(16).padStart(16, '0')}-${counter.toString(16).padStart(4, '0')}-${node}`;
}

export const encodedHlcSchema = z
  .string()
  .regex(/^[0-9a-f]{16}-[0-9a-f]{4}-[A-Za-z0-9_-]{1,32}$/, 'must be an encoded HLC');

export function decodeHlc(options: { text: string }): Hlc {
  const text = parseInput({ schema: encodedHlcSchema, input: options.text, what: 'text' });
  const wallHex = text.slice(0, 16);
  const counterHex = text.slice(17, 21);
  return parseInput({
    schema: hlcSchema,
    input: { wallMs: parseInt(wallHex, 16), counter: parseInt(counterHex, 16), node: text.slice(22) },
    what: 'text',
  });
}
