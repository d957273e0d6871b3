import { z } from 'zod';
import { ProtocolError, ProtocolErrorCode, malformed, tooLarge } from './protocol-error';

/**
 * The recording relay: how the hub plays a county's call recording without the recording ever being stored
 * at the hub. The county's appliance (usually behind NAT) keeps one WebSocket open OUT to the hub at
 * `RECORDING_RELAY_PATH?token=<device token>` (the token of `/sync`, see records/device-token.ts); the hub
 * sends a REQUEST over it when a quality inspector or legal consultant plays a call, and the appliance
 * answers from its own recordings with HEAD, CHUNKs and END, or an ERROR.
 *
 * ## Wire format (version 1)
 *
 * One frame per binary WebSocket message (text messages are a protocol error). All integers are unsigned
 * big-endian. Every frame has an 8-byte header, then a body that runs to the end of the message:
 *
 *     offset  size  field
 *     0       2     magic: 0x4a 0x52 ("JR")
 *     2       1     version: RECORDING_RELAY_VERSION (1). Any other value is refused as
 *                   `unsupported_version`, and a HELLO with it ends the connection before any request.
 *     3       1     type (below)
 *     4       4     requestId: u32. 0 on HELLO and WELCOME, and on an ERROR about the connection itself;
 *                   1 … 2^32-1 on every frame about one request (the hub picks it, unique per connection).
 *     8       n     body
 *
 *     type  name     direction        body
 *     1     HELLO    appliance → hub  JSON {countyCode, deviceId}: first frame; must match the token
 *     2     WELCOME  hub → appliance  JSON {hubId}: the hub now routes the county's requests here
 *     3     REQUEST  hub → appliance  JSON {callId, purpose, requestedBy: {username, role}, range, window}
 *     4     HEAD     appliance → hub  JSON {totalBytes, start, end, partial}: bytes start…end (inclusive)
 *                                      follow; partial: the range was honoured (HTTP 206, else 200)
 *     5     CHUNK    appliance → hub  1 … 65,536 raw bytes of the recording, in order
 *     6     END      appliance → hub  JSON {bytes}: all sent; bytes = end − start + 1 (the hub takes the
 *                                      body as complete once those bytes arrived; END confirms it)
 *     7     ERROR    either way       JSON {code, message, totalBytes?}: the request (or connection) failed
 *     8     CANCEL   hub → appliance  empty: the listener went away; stop sending
 *     9     CREDIT   hub → appliance  4 bytes, u32 ≥ 1: the appliance may send that many more CHUNK bytes
 *
 * JSON bodies are strict UTF-8, at most 4,096 bytes, one object with exactly the fields named (schemas
 * below; unknown fields are refused). `range` is the listener's HTTP `Range` header (`bytes=…`, ≤ 100
 * characters) or null, interpreted by the appliance exactly as its own `GET /api/recordings/:id` does.
 *
 * Flow control, end to end: REQUEST's `window` is the first credit; the appliance sends CHUNK bytes only
 * while it holds credit, and the hub grants more (CREDIT) as the listener's browser takes the bytes. So
 * neither side buffers more than the window per request, however slow the listener; the appliance also
 * waits while its socket's send buffer is full. A recording longer than `maxRecordingBytes` is refused
 * (`too_large`) before anything is sent.
 *
 * Example: REQUEST 7 = `4a 52 01 03 00 00 00 07` + `{"callId":"…",…}`; CREDIT 7 for 65,536 bytes =
 * `4a 52 01 09 00 00 00 07 00 01 00 00`.
 */
export const RECORDING_RELAY_VERSION = 1;
export const RECORDING_RELAY_PATH = '/relay/recordings';

const MAGIC_0 = 0x4a;
const MAGIC_1 = 0x52;
const HEADER_BYTES = 8;
const MAX_REQUEST_ID = 0xffff_ffff;

export const recordingRelayLimits = {
  headerBytes: HEADER_BYTES,
  maxChunkBytes: 64 * 1024,
  maxJsonBytes: 4096,
  maxFrameBytes: HEADER_BYTES + 64 * 1024,
  maxPurposeLength: 200,
  /** Longer than any call: an hour of 8 kHz 16-bit mono is 57.6 MB. */
  maxRecordingBytes: 256 * 1024 * 1024,
  /** The window a REQUEST grants unless the hub says otherwise. */
  defaultWindowBytes: 512 * 1024,
  maxWindowBytes: 16 * 1024 * 1024,
} as const;

/** Never renumber: add codes and bump RECORDING_RELAY_VERSION. */
export const relayFrameTypeCodes = {
  hello: 1,
  welcome: 2,
  request: 3,
  head: 4,
  chunk: 5,
  end: 6,
  error: 7,
  cancel: 8,
  credit: 9,
} as const;
export type RelayFrameType = keyof typeof relayFrameTypeCodes;
const typeByCode = new Map<number, RelayFrameType>(
  Object.entries(relayFrameTypeCodes).map(([type, code]) => [code, type as RelayFrameType]),
);

/** Why a request failed; the hub maps each to an HTTP status. */
export const RelayErrorCode = {
  notFound: 'not_found',
  tooLarge: 'too_large',
  unsatisfiable: 'unsatisfiable',
  refused: 'refused',
  busy: 'busy',
  cancelled: 'cancelled',
  internal: 'internal',
  malformed: 'malformed',
  unsupportedVersion: 'unsupported_version',
} as const;
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

// eslint-disable-next-line no-control-regex -- control characters are refused in logged text
const CONTROL = /[\u0000-\u001f\u007f]/;

export const relayCountyCodeSchema = z.string().regex(/^\d{6}$/, 'must be a six-digit county code');
/** The switch's call ids (UUIDs) and imported ones: safe in paths, logs and file names. */
export const relayCallIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1–128 letters, digits, . _ : -');
/** Why someone listens: free text or a complaint record id; it is written into both access logs. */
export const relayPurposeSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(
    recordingRelayLimits.maxPurposeLength,
    `must be at most ${recordingRelayLimits.maxPurposeLength} characters`,
  )
  .refine((value) => !CONTROL.test(value), 'must not contain control characters');
export const relayRangeSchema = z
  .string()
  .max(100)
  .regex(/^bytes=[0-9, -]*$/, 'must be a bytes= range')
  .nullable();
const byteCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const relayHelloSchema = z.strictObject({
  countyCode: relayCountyCodeSchema,
  deviceId: z.string().min(1).max(200),
});
export const relayWelcomeSchema = z.strictObject({ hubId: z.string().max(200) });
export const relayRequestSchema = z.strictObject({
  callId: relayCallIdSchema,
  purpose: relayPurposeSchema,
  requestedBy: z.strictObject({
    username: z
      .string()
      .min(1)
      .max(64)
      .refine((v) => !CONTROL.test(v), 'must not contain control characters'),
    role: z.string().regex(/^[a-z_]{1,40}$/, 'must be a role name'),
  }),
  range: relayRangeSchema,
  window: z.number().int().min(1).max(recordingRelayLimits.maxWindowBytes),
});
export const relayHeadSchema = z
  .strictObject({ totalBytes: byteCount, start: byteCount, end: byteCount, partial: z.boolean() })
  .refine((h) => h.start <= h.end && h.end < h.totalBytes, 'must have start ≤ end < totalBytes')
  .refine(
    (h) => h.end - h.start + 1 <= recordingRelayLimits.maxRecordingBytes,
    `must announce at most ${recordingRelayLimits.maxRecordingBytes} bytes`,
  );
export const relayEndSchema = z.strictObject({ bytes: byteCount });
export const relayErrorSchema = z.strictObject({
  code: z.string().regex(/^[a-z_]{1,40}$/, 'must be an error code'),
  message: z.string().max(1000),
  totalBytes: byteCount.optional(),
});

export type RelayHello = z.infer<typeof relayHelloSchema>;
export type RelayRequest = z.infer<typeof relayRequestSchema>;
export type RelayHead = z.infer<typeof relayHeadSchema>;
export type RelayErrorBody = z.infer<typeof relayErrorSchema>;

export type RelayFrame =
  | { type: 'hello'; requestId: 0; body: RelayHello }
  | { type: 'welcome'; requestId: 0; body: z.infer<typeof relayWelcomeSchema> }
  | { type: 'request'; requestId: number; body: RelayRequest }
  | { type: 'head'; requestId: number; body: RelayHead }
  | { type: 'chunk'; requestId: number; bytes: Uint8Array }
  | { type: 'end'; requestId: number; body: z.infer<typeof relayEndSchema> }
  | { type: 'error'; requestId: number; body: RelayErrorBody }
  | { type: 'cancel'; requestId: number }
  | { type: 'credit'; requestId: number; credit: number };

const jsonSchemas = {
  hello: relayHelloSchema,
  welcome: relayWelcomeSchema,
  request: relayRequestSchema,
  head: relayHeadSchema,
  end: relayEndSchema,
  error: relayErrorSchema,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Reads one frame. Throws only ProtocolError (`malformed`, `too_large`, `unsupported_version`), whatever
 * the bytes; never returns a frame that would not re-encode to the same meaning.
 */
export function decodeRelayFrame(options: { bytes: Uint8Array }): RelayFrame {
  const { bytes } = options;
  if (bytes.byteLength > recordingRelayLimits.maxFrameBytes) {
    throw tooLarge(`relay frame of ${bytes.byteLength} bytes exceeds ${recordingRelayLimits.maxFrameBytes}`);
  }
  if (bytes.byteLength < HEADER_BYTES) throw malformed(`relay frame of ${bytes.byteLength} bytes: no header`);
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) throw malformed('relay frame: bad magic (not "JR")');
  const version = bytes[2] ?? 0;
  if (version !== RECORDING_RELAY_VERSION) {
    throw new ProtocolError({
      code: ProtocolErrorCode.unsupportedVersion,
      message: `relay frame version ${version}; this side speaks ${RECORDING_RELAY_VERSION}`,
    });
  }
  const type = typeByCode.get(bytes[3] ?? 0);
  if (type === undefined) throw malformed(`relay frame: unknown type ${bytes[3] ?? 0}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const requestId = view.getUint32(4, false);
  const connectionLevel = type === 'hello' || type === 'welcome';
  if (connectionLevel && requestId !== 0) throw malformed(`relay ${type}: requestId must be 0`);
  if (!connectionLevel && type !== 'error' && requestId === 0) throw malformed(`relay ${type}: requestId 0`);
  const body = bytes.subarray(HEADER_BYTES);

  switch (type) {
    case 'chunk':
      if (body.byteLength === 0) throw malformed('relay chunk: empty');
      if (body.byteLength > recordingRelayLimits.maxChunkBytes) throw tooLarge('relay chunk: too large');
      // A copy: the caller may keep it while the socket reuses its buffer.
      return { type, requestId, bytes: body.slice() };
    case 'cancel':
      if (body.byteLength !== 0) throw malformed('relay cancel: must have no body');
      return { type, requestId };
    case 'credit': {
      if (body.byteLength !== 4) throw malformed('relay credit: body must be 4 bytes');
      const credit = view.getUint32(HEADER_BYTES, false);
      if (credit === 0) throw malformed('relay credit: must be at least 1');
      return { type, requestId, credit };
    }
    default: {
      const parsed = readJson({ type, body });
      return { type, requestId, body: parsed } as RelayFrame;
    }
  }
}

function readJson(options: { type: keyof typeof jsonSchemas; body: Uint8Array }): unknown {
  const { type, body } = options;
  if (body.byteLength > recordingRelayLimits.maxJsonBytes) {
    throw tooLarge(`relay ${type}: JSON body over ${recordingRelayLimits.maxJsonBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    throw malformed(`relay ${type}: body is not UTF-8 JSON`);
  }
  return checkJson({ type, value });
}

function checkJson(options: { type: keyof typeof jsonSchemas; value: unknown }): unknown {
  const { type, value } = options;
  const parsed = jsonSchemas[type].safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.') ?? '';
  throw malformed(`relay ${type}: ${where === '' ? 'body' : where} ${issue?.message ?? 'is invalid'}`);
}

/** Writes one frame; throws ProtocolError for one that breaks a limit or a schema (nothing is sent). */
export function encodeRelayFrame(options: { frame: RelayFrame }): Uint8Array {
  const { frame } = options;
  const { requestId } = frame;
  if (!Number.isInteger(requestId) || requestId < 0 || requestId > MAX_REQUEST_ID) {
    throw malformed(`relay ${frame.type}: requestId ${requestId} is not a u32`);
  }
  let body: Uint8Array;
  switch (frame.type) {
    case 'chunk':
      body = frame.bytes;
      break;
    case 'cancel':
      body = new Uint8Array(0);
      break;
    case 'credit':
      if (!Number.isInteger(frame.credit) || frame.credit < 1 || frame.credit > MAX_REQUEST_ID)
        throw malformed('relay credit: must be a u32 ≥ 1');
      body = new Uint8Array(4);
      new DataView(body.buffer).setUint32(0, frame.credit, false);
      break;
    default: {
      body = utf8Encoder.encode(JSON.stringify(checkJson({ type: frame.type, value: frame.body })));
    }
  }
  const bytes = new Uint8Array(HEADER_BYTES + body.byteLength);
  bytes[0] = MAGIC_0;
  bytes[1] = MAGIC_1;
  bytes[2] = RECORDING_RELAY_VERSION;
  bytes[3] = relayFrameTypeCodes[frame.type];
  new DataView(bytes.buffer).setUint32(4, requestId, false);
  bytes.set(body, HEADER_BYTES);
  // Decoding what we wrote checks every rule in one place (sizes, requestId 0 or not, schemas).
  decodeRelayFrame({ bytes });
  return bytes;
}
