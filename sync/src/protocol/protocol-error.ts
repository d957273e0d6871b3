/**
 * The only error `decodeFrame` and `FrameCodec.decode` ever throw, whatever bytes they are given, and
 * what the encoders throw for a frame that cannot go on the wire. `code` is stable: it travels in ERROR
 * frames and the relay decides on it (a `too_large` or `unsupported_version` ends the connection).
 */
export const ProtocolErrorCode = {
  malformed: 'malformed',
  tooLarge: 'too_large',
  unsupportedVersion: 'unsupported_version',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;

  constructor(options: { code: ProtocolErrorCode; message: string }) {
    super(options.message);
    this.code = options.code;
  }
}

export function malformed(message: string): ProtocolError {
  return new ProtocolError({ code: ProtocolErrorCode.malformed, message });
}

export function tooLarge(message: string): ProtocolError {
  return new ProtocolError({ code: ProtocolErrorCode.tooLarge, message });
}
