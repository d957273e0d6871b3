import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as lib0String from 'lib0/string';
import { malformed, tooLarge } from './protocol-error';

/**
 * The primitive fields of a frame, written with lib0 and read back with every length checked before the
 * read. lib0's own readers trust their input (a huge length prefix allocates, a bad UTF-8 sequence turns
 * into U+FFFD), and a relay must not. Every reader here accepts exactly the bytes the matching writer
 * produces and nothing else (shortest varuint, strict UTF-8, 0/1 booleans), so a frame that decodes
 * re-encodes to the same bytes: the fuzz test checks that, and it keeps the version-guard hashes honest.
 */

export type Reader = decoding.Decoder;

export function createReader(bytes: Uint8Array): Reader {
  return decoding.createDecoder(bytes);
}

export function remaining(reader: Reader): number {
  return reader.arr.length - reader.pos;
}

export function expectEnd(reader: Reader): void {
  const left = remaining(reader);
  if (left !== 0) throw malformed(`${left} trailing byte(s) after the frame`);
}

export function readByte(reader: Reader, field: string): number {
  if (remaining(reader) < 1) throw malformed(`${field}: unexpected end of frame`);
  return decoding.readUint8(reader);
}

/** lib0's varuint: 7 bits per byte, least significant group first, high bit set on all but the last. */
export function readVarUint(reader: Reader, field: string): number {
  let value = 0;
  let scale = 1;
  for (let index = 0; ; index++) {
    const byte = readByte(reader, field);
    value += (byte & 0x7f) * scale;
    if (value > Number.MAX_SAFE_INTEGER) throw malformed(`${field}: integer larger than 2^53 - 1`);
    if ((byte & 0x80) === 0) {
      // A last group of 0 after other groups is an overlong encoding lib0 never writes.
      if (byte === 0 && index > 0) throw malformed(`${field}: overlong varuint`);
      return value;
    }
    scale *= 128;
  }
}

export function readBoolean(reader: Reader, field: string): boolean {
  const byte = readByte(reader, field);
  if (byte > 1) throw malformed(`${field}: expected 0 or 1, got ${byte}`);
  return byte === 1;
}

/** Length-prefixed bytes, copied: the input buffer is often a slice of a larger socket buffer. */
export function readVarBytes(reader: Reader, field: string, maxBytes: number): Uint8Array {
  const length = readVarUint(reader, field);
  if (length > maxBytes) throw tooLarge(`${field}: ${length} bytes, at most ${maxBytes}`);
  if (length > remaining(reader))
    throw malformed(`${field}: length ${length} runs past the end of the frame`);
  return decoding.readUint8Array(reader, length).slice();
}

/** lib0's varstring (varuint byte length, then UTF-8), with the UTF-8 checked strictly. */
export function readVarString(
  reader: Reader,
  field: string,
  limits: { minBytes: number; maxBytes: number },
): string {
  const length = readVarUint(reader, field);
  if (length > limits.maxBytes) throw tooLarge(`${field}: ${length} bytes, at most ${limits.maxBytes}`);
  if (length < limits.minBytes) throw malformed(`${field}: ${length} bytes, at least ${limits.minBytes}`);
  if (length > remaining(reader))
    throw malformed(`${field}: length ${length} runs past the end of the frame`);
  const bytes = decoding.readUint8Array(reader, length);
  if (!isWellFormedUtf8(bytes)) throw malformed(`${field}: not valid UTF-8`);
  return lib0String.decodeUtf8(bytes);
}

export function writeVarUint(encoder: encoding.Encoder, value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw malformed(`${field}: ${value} is not a non-negative safe integer`);
  encoding.writeVarUint(encoder, value);
}

export function writeVarBytes(
  encoder: encoding.Encoder,
  bytes: Uint8Array,
  field: string,
  maxBytes: number,
): void {
  if (!(bytes instanceof Uint8Array)) throw malformed(`${field}: expected a Uint8Array`);
  if (bytes.length > maxBytes) throw tooLarge(`${field}: ${bytes.length} bytes, at most ${maxBytes}`);
  encoding.writeVarUint8Array(encoder, bytes);
}

/** The UTF-8 bytes of `value`, refusing strings UTF-8 cannot carry (lone surrogates) and size violations. */
export function utf8Bytes(
  value: string,
  field: string,
  limits: { minBytes: number; maxBytes: number },
): Uint8Array {
  if (typeof value !== 'string') throw malformed(`${field}: expected a string`);
  const bytes = lib0String.encodeUtf8(value);
  if (bytes.length > limits.maxBytes)
    throw tooLarge(`${field}: ${bytes.length} bytes, at most ${limits.maxBytes}`);
  if (bytes.length < limits.minBytes)
    throw malformed(`${field}: ${bytes.length} bytes, at least ${limits.minBytes}`);
  if (lib0String.decodeUtf8(bytes) !== value) throw malformed(`${field}: contains a lone surrogate`);
  return bytes;
}

/** Writes a string the way lib0's writeVarString does: varuint byte length, then the UTF-8 bytes. */
export function writeVarString(
  encoder: encoding.Encoder,
  value: string,
  field: string,
  limits: { minBytes: number; maxBytes: number },
): void {
  encoding.writeVarUint8Array(encoder, utf8Bytes(value, field, limits));
}

/**
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Written out because
 * TextDecoder's `fatal` mode is not available everywhere this code runs (workers, old WebViews).
 */
export function isWellFormedUtf8(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] ?? 0;
    if (b0 < 0x80) {
      i += 1;
      continue;
    }
    let needed: number;
    let min: number;
    let max = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      needed = 1;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      needed = 2;
      min = b0 === 0xe0 ? 0xa0 : 0x80;
      if (b0 === 0xed) max = 0x9f; // U+D800..U+DFFF are surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      needed = 3;
      min = b0 === 0xf0 ? 0x90 : 0x80;
      if (b0 === 0xf4) max = 0x8f; // nothing above U+10FFFF
    } else {
      return false;
    }
    if (i + needed >= bytes.length) return false; // truncated sequence
    const b1 = bytes[i + 1] ?? 0;
    if (b1 < min || b1 > max) return false;
    for (let k = 2; k <= needed; k++) {
      const bk = bytes[i + k] ?? 0;
      if (bk < 0x80 || bk > 0xbf) return false;
    }
    i += needed + 1;
  }
  return true;
}
