/**
 * Reads a RIFF/WAVE header: enough to know a recording's format and length without trusting the file name
 * or the switch's `record_ms`. Returns a reason instead of throwing: a truncated file (full disk) is a fact
 * to index and report, not a crash.
 */
export type WavInfo = {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataBytes: number;
  durationMs: number;
};

export function readWavHeader(options: {
  bytes: Uint8Array;
  fileBytes: number;
}): { ok: true; info: WavInfo } | { ok: false; reason: string } {
  const { bytes } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number): string => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    return { ok: false, reason: 'not a RIFF/WAVE file' };
  let offset = 12;
  let format: Omit<WavInfo, 'dataBytes' | 'durationMs'> | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      if (offset + 24 > bytes.length) return { ok: false, reason: 'truncated fmt chunk' };
      const audioFormat = view.getUint16(offset + 8, true);
      if (audioFormat !== 1) return { ok: false, reason: `not PCM (format ${audioFormat})` };
      format = {
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    } else if (id === 'data') {
      if (format === undefined) return { ok: false, reason: 'data chunk before fmt chunk' };
      const bytesPerSecond = (format.sampleRate * format.channels * format.bitsPerSample) / 8;
      if (bytesPerSecond <= 0) return { ok: false, reason: 'zero sample rate, channels or bits per sample' };
      // A header written before the recording ended (crash, full disk) claims more than the file holds.
      const dataBytes = Math.min(size, Math.max(0, options.fileBytes - (offset + 8)));
      return {
        ok: true,
        info: { ...format, dataBytes, durationMs: Math.round((dataBytes / bytesPerSecond) * 1000) },
      };
    }
    offset += 8 + size + (size % 2);
  }
  return { ok: false, reason: 'no data chunk in the header' };
}
