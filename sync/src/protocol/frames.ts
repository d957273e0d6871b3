import * as encoding from 'lib0/encoding';
import { ProtocolError, ProtocolErrorCode, malformed, tooLarge } from './protocol-error';
import * as wire from './wire';

/**
 * The bulk sync protocol: many records over one WebSocket, one frame per WebSocket message. The byte
 * layout is documented in sync/PROTOCOL.md; frames.test.ts hashes sample frames per version, so a change
 * of bytes without a bump of this number fails the build.
 */
export const PROTOCOL_VERSION = 1;

export const frameLimits = {
  /** One WebSocket message. A record larger than this cannot travel in one SYNC_STEP2/UPDATE/RESET. */
  maxFrameBytes: 4 * 1024 * 1024,
  maxRecordIdBytes: 120,
  /** Entries in one CHANGES frame (the relay sends at most 500). */
  maxBatchEntries: 1000,
  maxPeerIdBytes: 200,
  maxErrorCodeBytes: 64,
  maxErrorMessageBytes: 2048,
  /** Slots of the per-connection, per-direction record-id table (PROTOCOL.md, "Record ids"). */
  recordIdTableSize: 1024,
} as const;

export const FrameType = {
  hello: 'hello',
  welcome: 'welcome',
  changes: 'changes',
  pull: 'pull',
  syncStep1: 'syncStep1',
  syncStep2: 'syncStep2',
  update: 'update',
  ack: 'ack',
  reset: 'reset',
  error: 'error',
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** The varuint that starts every frame. Never renumber: add new codes and bump PROTOCOL_VERSION. */
export const frameTypeCodes = {
  hello: 1,
  welcome: 2,
  changes: 3,
  pull: 4,
  syncStep1: 5,
  syncStep2: 6,
  update: 7,
  ack: 8,
  reset: 9,
  error: 10,
} as const satisfies Record<FrameType, number>;

const frameTypeByCode = new Map<number, FrameType>(
  Object.entries(frameTypeCodes).map(([type, code]) => [code, type as FrameType]),
);

/** Client → server, first frame: who I am and the last server seq I fully received. */
export type HelloFrame = { type: 'hello'; version: number; peerId: string; cursor: number };
/** Server → client, answer to HELLO. */
export type WelcomeFrame = { type: 'welcome'; version: number; serverId: string; seq: number };
export type ChangeEntry = { recordId: string; stateVector: Uint8Array };
/** Server → client: records changed after the cursor that the peer may read, with the server's state vectors. */
export type ChangesFrame = { type: 'changes'; entries: ChangeEntry[]; nextCursor: number; done: boolean };
/** Client → server: send the CHANGES after `cursor` (also tells the server all earlier replies arrived). */
export type PullFrame = { type: 'pull'; cursor: number };
/** Either way: "this is my state vector of the record, send me what I lack" (y-protocols step 1). */
export type SyncStep1Frame = { type: 'syncStep1'; recordId: string; stateVector: Uint8Array };
/** Either way: the answer to a step 1, a Yjs update (y-protocols step 2). */
export type SyncStep2Frame = { type: 'syncStep2'; recordId: string; update: Uint8Array };
/** Either way: a Yjs update made or received since. */
export type UpdateFrame = { type: 'update'; recordId: string; update: Uint8Array };
/** Server → client: the write (SYNC_STEP2 or UPDATE) is durably stored; the record's seq after it. */
export type AckFrame = { type: 'ack'; recordId: string; seq: number };
/** Server → client: a write was refused; replace your copy of the record with this full state. */
export type ResetFrame = { type: 'reset'; recordId: string; update: Uint8Array };
/** Either way. */
export type ErrorFrame = { type: 'error'; code: string; message: string; recordId?: string };

export type Frame =
  | HelloFrame
  | WelcomeFrame
  | ChangesFrame
  | PullFrame
  | SyncStep1Frame
  | SyncStep2Frame
  | UpdateFrame
  | AckFrame
  | ResetFrame
  | ErrorFrame;

const recordIdLimits = { minBytes: 1, maxBytes: frameLimits.maxRecordIdBytes };
const peerIdLimits = { minBytes: 1, maxBytes: frameLimits.maxPeerIdBytes };
const errorCodeLimits = { minBytes: 1, maxBytes: frameLimits.maxErrorCodeBytes };
const errorMessageLimits = { minBytes: 0, maxBytes: frameLimits.maxErrorMessageBytes };
const payloadLimit = frameLimits.maxFrameBytes;

/** How a record id is written (PROTOCOL.md, "Record ids"). */
const RecordRefTag = {
  /** The id follows as a varstring; no table involved. The only form outside a FrameCodec. */
  literal: 0,
  /** The id follows as a varstring and takes the table's next slot. */
  literalAssign: 1,
  /** Tags from 2 up name slot `tag - 2`. */
  firstSlot: 2,
} as const;

/** The sender's half of a record-id table, with an undo journal so a frame that fails to encode leaves it untouched. */
class SendTable {
  readonly #slotOf = new Map<string, number>();
  readonly #ids: Array<string | undefined>;
  #next = 0;
  #journal: Array<{ slot: number; previous: string | undefined; next: number }> = [];

  constructor(size: number) {
    this.#ids = new Array<string | undefined>(size);
  }

  lookup(recordId: string): number | undefined {
    return this.#slotOf.get(recordId);
  }

  assign(recordId: string): void {
    const slot = this.#next;
    const previous = this.#ids[slot];
    this.#journal.push({ slot, previous, next: this.#next });
    if (previous !== undefined) this.#slotOf.delete(previous);
    this.#ids[slot] = recordId;
    this.#slotOf.set(recordId, slot);
    this.#next = (slot + 1) % this.#ids.length;
  }

  commit(): void {
    this.#journal = [];
  }

  rollback(): void {
    for (let entry = this.#journal.pop(); entry !== undefined; entry = this.#journal.pop()) {
      const current = this.#ids[entry.slot];
      if (current !== undefined) this.#slotOf.delete(current);
      this.#ids[entry.slot] = entry.previous;
      if (entry.previous !== undefined) this.#slotOf.set(entry.previous, entry.slot);
      this.#next = entry.next;
    }
  }
}

/**
 * The receiver's half. Assignments take effect as they are read, even if the rest of the frame then
 * fails: the sender assigned when it wrote the frame, and the two halves must stay in step.
 */
class ReceiveTable {
  readonly #ids: Array<string | undefined>;
  #next = 0;

  constructor(size: number) {
    this.#ids = new Array<string | undefined>(size);
  }

  assign(recordId: string): void {
    this.#ids[this.#next] = recordId;
    this.#next = (this.#next + 1) % this.#ids.length;
  }

  resolve(slot: number): string {
    const recordId = slot < this.#ids.length ? this.#ids[slot] : undefined;
    if (recordId === undefined) throw malformed(`record id slot ${slot} is not assigned`);
    return recordId;
  }
}

function writeRecordId(encoder: encoding.Encoder, recordId: string, table: SendTable | null): void {
  const bytes = wire.utf8Bytes(recordId, 'recordId', recordIdLimits);
  const slot = table?.lookup(recordId);
  if (slot !== undefined) {
    encoding.writeVarUint(encoder, RecordRefTag.firstSlot + slot);
    return;
  }
  encoding.writeVarUint(encoder, table ? RecordRefTag.literalAssign : RecordRefTag.literal);
  encoding.writeVarUint8Array(encoder, bytes);
  table?.assign(recordId);
}

function readRecordId(reader: wire.Reader, table: ReceiveTable | null): string {
  const tag = wire.readVarUint(reader, 'recordId tag');
  if (tag === RecordRefTag.literal) return wire.readVarString(reader, 'recordId', recordIdLimits);
  if (table === null) throw malformed('record-id table reference outside a connection (use FrameCodec)');
  if (tag === RecordRefTag.literalAssign) {
    const recordId = wire.readVarString(reader, 'recordId', recordIdLimits);
    table.assign(recordId);
    return recordId;
  }
  return table.resolve(tag - RecordRefTag.firstSlot);
}

function writeFrame(encoder: encoding.Encoder, frame: Frame, table: SendTable | null): void {
  const code = frameTypeCodes[frame.type] as number | undefined;
  if (code === undefined) throw malformed(`unknown frame type ${String(frame.type)}`);
  encoding.writeVarUint(encoder, code);
  switch (frame.type) {
    case 'hello':
      wire.writeVarUint(encoder, frame.version, 'version');
      wire.writeVarString(encoder, frame.peerId, 'peerId', peerIdLimits);
      wire.writeVarUint(encoder, frame.cursor, 'cursor');
      return;
    case 'welcome':
      wire.writeVarUint(encoder, frame.version, 'version');
      wire.writeVarString(encoder, frame.serverId, 'serverId', peerIdLimits);
      wire.writeVarUint(encoder, frame.seq, 'seq');
      return;
    case 'changes': {
      wire.writeVarUint(encoder, frame.nextCursor, 'nextCursor');
      encoding.writeUint8(encoder, frame.done ? 1 : 0);
      const { entries } = frame;
      if (entries.length > frameLimits.maxBatchEntries) {
        throw tooLarge(`changes: ${entries.length} entries, at most ${frameLimits.maxBatchEntries}`);
      }
      encoding.writeVarUint(encoder, entries.length);
      for (const entry of entries) {
        writeRecordId(encoder, entry.recordId, table);
        wire.writeVarBytes(encoder, entry.stateVector, 'stateVector', payloadLimit);
      }
      return;
    }
    case 'pull':
      wire.writeVarUint(encoder, frame.cursor, 'cursor');
      return;
    case 'syncStep1':
      writeRecordId(encoder, frame.recordId, table);
      wire.writeVarBytes(encoder, frame.stateVector, 'stateVector', payloadLimit);
      return;
    case 'syncStep2':
    case 'update':
    case 'reset':
      writeRecordId(encoder, frame.recordId, table);
      wire.writeVarBytes(encoder, frame.update, 'update', payloadLimit);
      return;
    case 'ack':
      writeRecordId(encoder, frame.recordId, table);
      wire.writeVarUint(encoder, frame.seq, 'seq');
      return;
    case 'error':
      wire.writeVarString(encoder, frame.code, 'code', errorCodeLimits);
      if (frame.recordId === undefined) {
        encoding.writeUint8(encoder, 0);
      } else {
        encoding.writeUint8(encoder, 1);
        writeRecordId(encoder, frame.recordId, table);
      }
      wire.writeVarString(encoder, frame.message, 'message', errorMessageLimits);
      return;
  }
}

function readVersion(reader: wire.Reader): number {
  const version = wire.readVarUint(reader, 'version');
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError({
      code: ProtocolErrorCode.unsupportedVersion,
      message: `protocol version ${version} is not supported (this side speaks ${PROTOCOL_VERSION})`,
    });
  }
  return version;
}

function readFrameBody(reader: wire.Reader, type: FrameType, table: ReceiveTable | null): Frame {
  switch (type) {
    case 'hello': {
      // The version comes first and is checked first: a later version may change everything after it.
      const version = readVersion(reader);
      const peerId = wire.readVarString(reader, 'peerId', peerIdLimits);
      return { type, version, peerId, cursor: wire.readVarUint(reader, 'cursor') };
    }
    case 'welcome': {
      const version = readVersion(reader);
      const serverId = wire.readVarString(reader, 'serverId', peerIdLimits);
      return { type, version, serverId, seq: wire.readVarUint(reader, 'seq') };
    }
    case 'changes': {
      const nextCursor = wire.readVarUint(reader, 'nextCursor');
      const done = wire.readBoolean(reader, 'done');
      const count = wire.readVarUint(reader, 'entry count');
      if (count > frameLimits.maxBatchEntries) {
        throw tooLarge(`changes: ${count} entries, at most ${frameLimits.maxBatchEntries}`);
      }
      // Each entry takes at least 2 bytes (a slot tag, an empty state vector): refuse impossible counts up front.
      if (count * 2 > wire.remaining(reader))
        throw malformed(`changes: ${count} entries cannot fit in the frame`);
      const entries: ChangeEntry[] = [];
      for (let index = 0; index < count; index++) {
        const recordId = readRecordId(reader, table);
        entries.push({ recordId, stateVector: wire.readVarBytes(reader, 'stateVector', payloadLimit) });
      }
      return { type, entries, nextCursor, done };
    }
    case 'pull':
      return { type, cursor: wire.readVarUint(reader, 'cursor') };
    case 'syncStep1': {
      const recordId = readRecordId(reader, table);
      return { type, recordId, stateVector: wire.readVarBytes(reader, 'stateVector', payloadLimit) };
    }
    case 'syncStep2':
    case 'update':
    case 'reset': {
      const recordId = readRecordId(reader, table);
      return { type, recordId, update: wire.readVarBytes(reader, 'update', payloadLimit) };
    }
    case 'ack': {
      const recordId = readRecordId(reader, table);
      return { type, recordId, seq: wire.readVarUint(reader, 'seq') };
    }
    case 'error': {
      const code = wire.readVarString(reader, 'code', errorCodeLimits);
      const hasRecordId = wire.readBoolean(reader, 'hasRecordId');
      const recordId = hasRecordId ? readRecordId(reader, table) : undefined;
      const message = wire.readVarString(reader, 'message', errorMessageLimits);
      return recordId === undefined ? { type, code, message } : { type, code, recordId, message };
    }
  }
}

function encodeWith(frame: Frame, table: SendTable | null): Uint8Array {
  try {
    if (typeof frame !== 'object' || frame === null) throw malformed('a frame must be an object');
    const encoder = encoding.createEncoder();
    writeFrame(encoder, frame, table);
    const length = encoding.length(encoder);
    if (length > frameLimits.maxFrameBytes) {
      throw tooLarge(`${frame.type} frame of ${length} bytes, at most ${frameLimits.maxFrameBytes}`);
    }
    const bytes = encoding.toUint8Array(encoder);
    table?.commit();
    return bytes;
  } catch (error) {
    table?.rollback();
    throw asProtocolError(error);
  }
}

function decodeWith(bytes: Uint8Array, table: ReceiveTable | null): Frame {
  try {
    if (!(bytes instanceof Uint8Array)) throw malformed('a frame must be a Uint8Array');
    if (bytes.length > frameLimits.maxFrameBytes) {
      throw tooLarge(`frame of ${bytes.length} bytes, at most ${frameLimits.maxFrameBytes}`);
    }
    if (bytes.length === 0) throw malformed('empty frame');
    const reader = wire.createReader(bytes);
    const code = wire.readVarUint(reader, 'frame type');
    const type = frameTypeByCode.get(code);
    if (type === undefined) throw malformed(`unknown frame type ${code}`);
    const frame = readFrameBody(reader, type, table);
    wire.expectEnd(reader);
    return frame;
  } catch (error) {
    throw asProtocolError(error);
  }
}

/** Anything else thrown while coding is a bug in this file; the caller still only ever sees a ProtocolError. */
function asProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  return malformed(`cannot code frame: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * One frame as bytes, record ids always written out (no table). Throws a ProtocolError for a frame that
 * cannot be sent (a field over its limit, a frame over 4 MiB, a number that is not a safe integer).
 */
export function encodeFrame(frame: Frame): Uint8Array {
  return encodeWith(frame, null);
}

/**
 * The frame in `bytes`, which must hold exactly one frame with record ids written out. Throws only
 * ProtocolError, whatever the input. Frames from a connection use table references: decode those with
 * the connection's FrameCodec.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  return decodeWith(bytes, null);
}

/**
 * The coder of one connection end: both record-id tables (what this end sent, what it received). Create
 * one per connection, encode every outgoing frame and decode every incoming one with it, in order.
 */
export class FrameCodec {
  readonly #sent = new SendTable(frameLimits.recordIdTableSize);
  readonly #received = new ReceiveTable(frameLimits.recordIdTableSize);

  encode(frame: Frame): Uint8Array {
    return encodeWith(frame, this.#sent);
  }

  decode(bytes: Uint8Array): Frame {
    return decodeWith(bytes, this.#received);
  }
}

/** A message cut to at most `maxBytes` of UTF-8 (on a character boundary), for ERROR frames. */
export function truncateMessage(options: { message: string; maxBytes?: number }): string {
  const maxBytes = options.maxBytes ?? frameLimits.maxErrorMessageBytes;
  const ellipsis = '…'; // 3 bytes of UTF-8
  let kept = '';
  let bytes = 0;
  for (const char of options.message) {
    const point = char.codePointAt(0) ?? 0xfffd;
    // A lone surrogate cannot be written as UTF-8: it becomes U+FFFD (3 bytes).
    const safe = point >= 0xd800 && point <= 0xdfff ? '\uFFFD' : char;
    const size = point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) {
      while (bytes + 3 > maxBytes && kept.length > 0) {
        const last = Array.from(kept).pop() ?? '';
        kept = kept.slice(0, kept.length - last.length);
        const lastPoint = last.codePointAt(0) ?? 0;
        bytes -= lastPoint < 0x80 ? 1 : lastPoint < 0x800 ? 2 : lastPoint < 0x10000 ? 3 : 4;
      }
      return bytes + 3 <= maxBytes ? kept + ellipsis : kept;
    }
    kept += safe;
    bytes += size;
  }
  return kept;
}
