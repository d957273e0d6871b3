import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './protocol-error';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  RECORDING_RELAY_VERSION,
  recordingRelayLimits,
  relayFrameTypeCodes,
  type RelayFrame,
} from './recording-relay';

const request: RelayFrame = {
  type: 'request',
  requestId: 7,
  body: {
    callId: '3f2a6c1e-0b7d-4c1a-9e55-2b7f0d9a1c33',
    purpose: '投诉 complaint:330106:01JCOMPLAINT0000000000000',
    requestedBy: { username: 'inspector', role: 'quality_inspector' },
    range: 'bytes=0-1023',
    window: 65_536,
  },
};

const samples: RelayFrame[] = [
  { type: 'hello', requestId: 0, body: { countyCode: '330106', deviceId: 'appliance-330106-01J' } },
  { type: 'welcome', requestId: 0, body: { hubId: 'hub-1' } },
  request,
  { type: 'head', requestId: 7, body: { totalBytes: 16_044, start: 0, end: 1023, partial: true } },
  { type: 'chunk', requestId: 7, bytes: Uint8Array.of(1, 2, 3) },
  { type: 'end', requestId: 7, body: { bytes: 1024 } },
  { type: 'error', requestId: 7, body: { code: 'unsatisfiable', message: 'past the end', totalBytes: 44 } },
  { type: 'error', requestId: 0, body: { code: 'malformed', message: 'bad frame' } },
  { type: 'cancel', requestId: 7 },
  { type: 'credit', requestId: 7, credit: 65_536 },
];

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('recording relay frames', () => {
  it('round-trips one frame of every type', () => {
    expect(new Set(samples.map((s) => s.type))).toEqual(new Set(Object.keys(relayFrameTypeCodes)));
    for (const frame of samples) {
      expect(decodeRelayFrame({ bytes: encodeRelayFrame({ frame }) })).toEqual(frame);
    }
  });

  it('writes the documented bytes', () => {
    expect(hex(encodeRelayFrame({ frame: { type: 'credit', requestId: 7, credit: 65_536 } }))).toBe(
      '4a5201090000000700010000',
    );
    const bytes = encodeRelayFrame({ frame: request });
    expect(hex(bytes.subarray(0, 8))).toBe('4a52010300000007');
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(8)))).toEqual(request.body);
    expect(RECORDING_RELAY_VERSION).toBe(1);
  });

  it('refuses another version as unsupported_version, and bad magic, types, ids and bodies as malformed', () => {
    const good = encodeRelayFrame({ frame: samples[0] as RelayFrame });
    const code = (bytes: Uint8Array): string => {
      try {
        decodeRelayFrame({ bytes });
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        return (error as ProtocolError).code;
      }
      return 'decoded';
    };
    const patched = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    expect(code(patched(2, 2))).toBe('unsupported_version');
    expect(code(patched(0, 0x4b))).toBe('malformed');
    expect(code(patched(3, 42))).toBe('malformed');
    expect(code(patched(7, 1))).toBe('malformed'); // HELLO with a request id
    expect(code(good.subarray(0, 7))).toBe('malformed');
    expect(code(Uint8Array.of(...good.subarray(0, 8), 0x7b))).toBe('malformed'); // "{"
    const cancelWithBody = encodeRelayFrame({ frame: { type: 'cancel', requestId: 1 } });
    expect(code(Uint8Array.of(...cancelWithBody, 0))).toBe('malformed');
    expect(code(encodeRelayFrame({ frame: { type: 'cancel', requestId: 1 } }).fill(0, 4, 8))).toBe(
      'malformed',
    );
    // Unknown fields, invalid UTF-8, and a HEAD whose range lies past the file.
    const json = (type: number, text: string | Uint8Array) =>
      Uint8Array.of(
        0x4a,
        0x52,
        1,
        type,
        0,
        0,
        0,
        1,
        ...(typeof text === 'string' ? new TextEncoder().encode(text) : text),
      );
    expect(code(json(6, '{"bytes":1,"extra":2}'))).toBe('malformed');
    expect(code(json(6, Uint8Array.of(0xc0, 0xaf)))).toBe('malformed');
    expect(code(json(4, '{"totalBytes":10,"start":5,"end":10,"partial":true}'))).toBe('malformed');
    expect(code(json(6, '{"bytes":1}'))).toBe('decoded');
  });

  it('caps chunks, JSON bodies, purposes and the announced length', () => {
    const chunk = new Uint8Array(recordingRelayLimits.maxChunkBytes);
    expect(() => encodeRelayFrame({ frame: { type: 'chunk', requestId: 1, bytes: chunk } })).not.toThrow();
    expect(() =>
      encodeRelayFrame({ frame: { type: 'chunk', requestId: 1, bytes: new Uint8Array(chunk.length + 1) } }),
    ).toThrow(/exceeds/);
    expect(() => decodeRelayFrame({ bytes: new Uint8Array(recordingRelayLimits.maxFrameBytes + 1) })).toThrow(
      ProtocolError,
    );
    const long = { ...request, body: { ...request.body, purpose: 'x'.repeat(201) } } as RelayFrame;
    expect(() => encodeRelayFrame({ frame: long })).toThrow(/purpose/);
    const huge: RelayFrame = {
      type: 'head',
      requestId: 1,
      body: { totalBytes: 2 ** 40, start: 0, end: 2 ** 40 - 1, partial: false },
    };
    expect(() => encodeRelayFrame({ frame: huge })).toThrow(/at most/);
    const padded = Uint8Array.of(0x4a, 0x52, 1, 6, 0, 0, 0, 1, ...new Uint8Array(4097).fill(0x20));
    expect(() => decodeRelayFrame({ bytes: padded })).toThrow(/4096/);
  });

  it('never throws anything but ProtocolError on random bytes, nor on mutated valid frames', () => {
    const decodes = (bytes: Uint8Array): void => {
      try {
        const frame = decodeRelayFrame({ bytes });
        // What decodes re-encodes and decodes to the same frame.
        expect(decodeRelayFrame({ bytes: encodeRelayFrame({ frame }) })).toEqual(frame);
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), decodes), { numRuns: 3000 });
    // Past the header, so the body parsers see the random bytes.
    fc.assert(
      fc.property(fc.nat(10), fc.nat(3), fc.uint8Array({ maxLength: 60 }), (type, id, rest) =>
        decodes(Uint8Array.of(0x4a, 0x52, 1, type, 0, 0, 0, id, ...rest)),
      ),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(300), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        (frame, flips) => {
          const bytes = encodeRelayFrame({ frame });
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          decodes(bytes);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
