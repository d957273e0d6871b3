import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameCodec,
  PROTOCOL_VERSION,
  decodeFrame,
  encodeFrame,
  frameLimits,
  frameTypeCodes,
  truncateMessage,
  type Frame,
} from './frames';
import { ProtocolError } from './protocol-error';

const orderId = 'order:330106:01JABCDEFGHJKMNPQRSTVWXYZ0';
const enterpriseId = 'enterprise:hub:01JABCDEFGHJKMNPQRSTVWXYZ1';
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const hex = (value: Uint8Array): string => Buffer.from(value).toString('hex');

/** One of every frame, with every optional part both present and absent. Fixed forever per version. */
const sampleFrames: Frame[] = [
  { type: 'hello', version: PROTOCOL_VERSION, peerId: 'appliance-330106', cursor: 1234 },
  { type: 'welcome', version: PROTOCOL_VERSION, serverId: 'hub-1', seq: 98765 },
  {
    type: 'changes',
    entries: [
      { recordId: orderId, stateVector: bytes(1, 0xb4, 0xe2, 0xa5, 0x81, 0x0d, 3) },
      { recordId: enterpriseId, stateVector: bytes(0) },
    ],
    nextCursor: 98765,
    done: true,
  },
  { type: 'changes', entries: [], nextCursor: 0, done: false },
  { type: 'pull', cursor: 98765 },
  { type: 'syncStep1', recordId: orderId, stateVector: bytes(1, 7, 4) },
  { type: 'syncStep2', recordId: orderId, update: bytes(0, 0) },
  {
    type: 'update',
    recordId: orderId,
    update: bytes(1, 1, 7, 4, 0x28, 1, 6, 0x66, 0x69, 0x65, 0x6c, 0x64, 0x73, 0, 0),
  },
  { type: 'ack', recordId: orderId, seq: 98766 },
  { type: 'reset', recordId: enterpriseId, update: bytes(0, 0) },
  {
    type: 'error',
    code: 'forbidden',
    recordId: orderId,
    message: 'only the home of the record writes its log',
  },
  { type: 'error', code: 'malformed', message: 'unknown frame type 99 (未知)' },
];

/**
 * sha256 of the sample frames' bytes, per protocol version: once through encodeFrame (ids written out),
 * once through one FrameCodec (table references). Add a line when you bump PROTOCOL_VERSION; never edit one.
 */
const knownWireHashes: Record<number, string> = {
  1: 'bbc9b34420c94c20e545adc69641ca9c0b340128f0340b77ecb18817265a371e',
};

function wireHash(): string {
  const hash = createHash('sha256');
  const codec = new FrameCodec();
  for (const encoded of [...sampleFrames.map(encodeFrame), ...sampleFrames.map((f) => codec.encode(f))]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(encoded.length);
    hash.update(length).update(encoded);
  }
  return hash.digest('hex');
}

function expectProtocolError(run: () => unknown, code?: string): ProtocolError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    if (code !== undefined) expect((error as ProtocolError).code).toBe(code);
    return error as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

describe('frames: round trips', () => {
  it.each(sampleFrames.map((frame) => [frame.type, frame] as const))('%s round-trips', (_type, frame) => {
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
    const sender = new FrameCodec();
    const receiver = new FrameCodec();
    expect(receiver.decode(sender.encode(frame))).toEqual(frame);
    expect(receiver.decode(sender.encode(frame))).toEqual(frame); // now by table reference
  });

  it('covers every frame type', () => {
    expect(new Set(sampleFrames.map((f) => f.type))).toEqual(new Set(Object.keys(frameTypeCodes)));
  });

  it('writes the documented bytes (PROTOCOL.md examples)', () => {
    expect(hex(encodeFrame({ type: 'hello', version: 1, peerId: 'a1', cursor: 300 }))).toBe('0101026131ac02');
    // fields.set('status', 'served') by Yjs client 1234567 at clock 1: a typical one-field change.
    const update = Uint8Array.from(
      Buffer.from('010187ad4b012801066669656c64730673746174757301770673657276656400', 'hex'),
    );
    const sender = new FrameCodec();
    const first = sender.encode({ type: 'update', recordId: orderId, update });
    expect(hex(first)).toBe(`070127${hex(new TextEncoder().encode(orderId))}20${hex(update)}`);
    const second = sender.encode({ type: 'update', recordId: orderId, update });
    expect(hex(second)).toBe(`070220${hex(update)}`);
    expect(encodeFrame({ type: 'update', recordId: orderId, update }).length).toBe(75);
    expect(first.length).toBe(75);
    expect(second.length).toBe(35);
  });

  it('refers to a record id by its slot after first use, and keeps both tables in step past wrap-around', () => {
    const sender = new FrameCodec();
    const receiver = new FrameCodec();
    const ids = Array.from({ length: 1500 }, (_, i) => `order:330106:${String(i).padStart(26, '0')}`);
    let seed = 7;
    for (let i = 0; i < 6000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const recordId = ids[seed % ids.length] ?? orderId;
      const frame: Frame = { type: 'ack', recordId, seq: i };
      expect(receiver.decode(sender.encode(frame))).toEqual(frame);
    }
  });

  it('leaves the table untouched when a frame fails to encode', () => {
    const sender = new FrameCodec();
    const receiver = new FrameCodec();
    const tooLong = 'x'.repeat(frameLimits.maxRecordIdBytes + 1);
    expectProtocolError(
      () =>
        sender.encode({
          type: 'changes',
          entries: [
            { recordId: 'order:330106:new-one', stateVector: bytes(0) },
            { recordId: tooLong, stateVector: bytes(0) },
          ],
          nextCursor: 1,
          done: true,
        }),
      'too_large',
    );
    const frame: Frame = { type: 'ack', recordId: 'order:330106:new-one', seq: 1 };
    expect(receiver.decode(sender.encode(frame))).toEqual(frame);
    expect(receiver.decode(sender.encode(frame))).toEqual(frame);
  });
});

describe('frames: version guard', () => {
  it('has the same wire bytes as recorded for this PROTOCOL_VERSION', () => {
    const actual = wireHash();
    const recorded = knownWireHashes[PROTOCOL_VERSION];
    const advice =
      `The bytes of the sample frames are ${actual}. If you changed the wire format on purpose, bump ` +
      `PROTOCOL_VERSION in sync/src/protocol/frames.ts, describe the change in sync/PROTOCOL.md ("Versions"), ` +
      `and add "${PROTOCOL_VERSION + 1}: '<new hash>'" to knownWireHashes; never edit a recorded hash.`;
    expect(recorded, `No hash recorded for version ${PROTOCOL_VERSION}. ${advice}`).toBeDefined();
    expect(
      actual,
      `Wire format of version ${PROTOCOL_VERSION} changed without a version bump. ${advice}`,
    ).toBe(recorded);
  });
});

describe('frames: refusals', () => {
  const valid = encodeFrame({ type: 'ack', recordId: orderId, seq: 5 });

  it('refuses trailing bytes, truncation, empty input and unknown types as malformed', () => {
    expectProtocolError(() => decodeFrame(Uint8Array.of(...valid, 0)), 'malformed');
    expectProtocolError(() => decodeFrame(valid.subarray(0, valid.length - 1)), 'malformed');
    expectProtocolError(() => decodeFrame(new Uint8Array()), 'malformed');
    expectProtocolError(() => decodeFrame(bytes(99)), 'malformed');
    expectProtocolError(() => decodeFrame(bytes(0x80)), 'malformed');
  });

  it('refuses overlong varuints, booleans other than 0/1 and invalid UTF-8', () => {
    expectProtocolError(() => decodeFrame(bytes(frameTypeCodes.pull, 0x80, 0x00)), 'malformed');
    expectProtocolError(() => decodeFrame(bytes(frameTypeCodes.changes, 0, 2, 0)), 'malformed');
    expectProtocolError(() => decodeFrame(bytes(frameTypeCodes.error, 1, 0xc3, 0, 0)), 'malformed');
    expectProtocolError(
      () => decodeFrame(bytes(frameTypeCodes.error, 3, 0xed, 0xa0, 0x80, 0, 0)),
      'malformed',
    );
    expectProtocolError(() =>
      decodeFrame(bytes(frameTypeCodes.pull, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)),
    );
  });

  it('refuses another protocol version', () => {
    const hello = encodeFrame({ type: 'hello', version: 2, peerId: 'p', cursor: 0 });
    const error = expectProtocolError(() => decodeFrame(hello), 'unsupported_version');
    expect(error.message).toContain('version 2');
  });

  it('caps the frame, the record id and the batch', () => {
    expectProtocolError(() => decodeFrame(new Uint8Array(frameLimits.maxFrameBytes + 1)), 'too_large');
    expectProtocolError(
      () =>
        encodeFrame({ type: 'update', recordId: orderId, update: new Uint8Array(frameLimits.maxFrameBytes) }),
      'too_large',
    );
    const longId = 'o'.repeat(frameLimits.maxRecordIdBytes + 1);
    expectProtocolError(() => encodeFrame({ type: 'ack', recordId: longId, seq: 1 }), 'too_large');
    const hand = bytes(frameTypeCodes.ack, 0, 121, ...new Array<number>(121).fill(0x61), 1);
    expectProtocolError(() => decodeFrame(hand), 'too_large');
    const entries = Array.from({ length: frameLimits.maxBatchEntries + 1 }, (_, i) => ({
      recordId: `r${i}`,
      stateVector: bytes(0),
    }));
    expectProtocolError(
      () => encodeFrame({ type: 'changes', entries, nextCursor: 1, done: false }),
      'too_large',
    );
    expectProtocolError(() => decodeFrame(bytes(frameTypeCodes.changes, 1, 1, 0xea, 0x07)), 'too_large');
  });

  it('refuses table references outside a codec, and unassigned slots inside one', () => {
    const withTable = new FrameCodec().encode({ type: 'ack', recordId: orderId, seq: 1 });
    expectProtocolError(() => decodeFrame(withTable), 'malformed');
    expectProtocolError(() => new FrameCodec().decode(bytes(frameTypeCodes.ack, 5, 1)), 'malformed');
  });

  it('refuses to encode what it cannot write', () => {
    expectProtocolError(() => encodeFrame({ type: 'pull', cursor: -1 }), 'malformed');
    expectProtocolError(() => encodeFrame({ type: 'pull', cursor: 1.5 }), 'malformed');
    expectProtocolError(() => encodeFrame({ type: 'ack', recordId: '', seq: 1 }), 'malformed');
    expectProtocolError(() => encodeFrame({ type: 'error', code: 'x', message: 'lone \ud800' }), 'malformed');
    expectProtocolError(() => encodeFrame({ type: 'nope' } as unknown as Frame), 'malformed');
  });

  it('truncates error messages to what an ERROR frame carries', () => {
    const long = '错'.repeat(2000);
    const cut = truncateMessage({ message: long });
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(frameLimits.maxErrorMessageBytes);
    expect(cut.endsWith('…')).toBe(true);
    expect(truncateMessage({ message: 'short' })).toBe('short');
    expect(() => encodeFrame({ type: 'error', code: 'x', message: cut })).not.toThrow();
  });
});

// ---- fuzz ---------------------------------------------------------------------------------------------

const recordIdArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.constantFrom(orderId, enterpriseId),
);
const smallBytes = fc.uint8Array({ maxLength: 48 });
const safeNat = fc.oneof(fc.nat(1000), fc.maxSafeNat());
const textArb = fc.string({ unit: 'grapheme', maxLength: 40 });

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    type: fc.constant('hello' as const),
    version: fc.constant(PROTOCOL_VERSION),
    peerId: recordIdArb,
    cursor: safeNat,
  }),
  fc.record({
    type: fc.constant('welcome' as const),
    version: fc.constant(PROTOCOL_VERSION),
    serverId: recordIdArb,
    seq: safeNat,
  }),
  fc.record({
    type: fc.constant('changes' as const),
    entries: fc.array(fc.record({ recordId: recordIdArb, stateVector: smallBytes }), { maxLength: 8 }),
    nextCursor: safeNat,
    done: fc.boolean(),
  }),
  fc.record({ type: fc.constant('pull' as const), cursor: safeNat }),
  fc.record({ type: fc.constant('syncStep1' as const), recordId: recordIdArb, stateVector: smallBytes }),
  fc.record({ type: fc.constant('syncStep2' as const), recordId: recordIdArb, update: smallBytes }),
  fc.record({ type: fc.constant('update' as const), recordId: recordIdArb, update: smallBytes }),
  fc.record({ type: fc.constant('ack' as const), recordId: recordIdArb, seq: safeNat }),
  fc.record({ type: fc.constant('reset' as const), recordId: recordIdArb, update: smallBytes }),
  fc.record(
    {
      type: fc.constant('error' as const),
      code: fc.string({ minLength: 1, maxLength: 20 }),
      recordId: recordIdArb,
      message: textArb,
    },
    { requiredKeys: ['type', 'code', 'message'] },
  ),
);

/** Decodes, and if that works, checks the encoding is canonical: the same bytes come back. */
function decodeCanonically(input: Uint8Array): void {
  let frame: Frame;
  try {
    frame = decodeFrame(input);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return;
  }
  expect(hex(encodeFrame(frame))).toBe(hex(input));
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'extend'; extra: Uint8Array }
  | { kind: 'splice'; at: number; other: Frame; from: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), other: frameArb, from: fc.nat() }),
);

function mutate(input: Uint8Array, mutation: Mutation): Uint8Array {
  switch (mutation.kind) {
    case 'flip': {
      const out = input.slice();
      const at = mutation.at % out.length;
      out[at] = (out[at] ?? 0) ^ (1 << mutation.bit);
      return out;
    }
    case 'truncate':
      return input.subarray(0, mutation.at % input.length);
    case 'extend':
      return Uint8Array.of(...input, ...mutation.extra);
    case 'splice': {
      const other = encodeFrame(mutation.other);
      return Uint8Array.of(
        ...input.subarray(0, mutation.at % (input.length + 1)),
        ...other.subarray(mutation.from % other.length),
      );
    }
  }
}

describe('frames: fuzz', () => {
  it('round-trips every valid frame, with and without the record-id table', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), (frames) => {
        const sender = new FrameCodec();
        const receiver = new FrameCodec();
        for (const frame of frames) {
          expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
          expect(receiver.decode(sender.encode(frame))).toEqual(frame);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws anything but ProtocolError on random bytes, and what decodes is canonical', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => decodeCanonically(input)),
      { numRuns: 4000 },
    );
    fc.assert(
      fc.property(fc.nat(10), fc.uint8Array({ maxLength: 40 }), (type, rest) =>
        decodeCanonically(Uint8Array.of(type, ...rest)),
      ),
      { numRuns: 4000 },
    );
  });

  it('never throws anything but ProtocolError on mutated valid frames', () => {
    fc.assert(
      fc.property(frameArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (frame, mutations) => {
        let input = encodeFrame(frame);
        for (const mutation of mutations) if (input.length > 0) input = mutate(input, mutation);
        decodeCanonically(input);
        const codec = new FrameCodec();
        try {
          codec.decode(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('never throws anything but ProtocolError from a codec fed a mutated stream', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(frameArb, fc.option(mutationArb)), { maxLength: 8 }), (steps) => {
        const sender = new FrameCodec();
        const receiver = new FrameCodec();
        for (const [frame, mutation] of steps) {
          const encoded = sender.encode(frame);
          try {
            receiver.decode(mutation && encoded.length > 0 ? mutate(encoded, mutation) : encoded);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});
