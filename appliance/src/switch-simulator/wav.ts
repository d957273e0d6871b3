/**
 * The recordings `record_session` writes: RIFF/WAVE, 16-bit signed little-endian PCM, mono, 8 kHz
 * (128 kbit/s, 57.6 MB an hour). The simulator has no media, so the audio is a quiet 425 Hz tone (the
 * Chinese dial-tone pitch) under low noise: quiet enough not to startle a listener, never digital silence, so
 * a player, a waveform view or a silence detector has something real to work on.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Random } from './random';

export const WAV_SAMPLE_RATE = 8000;
const BYTES_PER_SAMPLE = 2;
const HEADER_BYTES = 44;

export type WavInfo = {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes of PCM in the `data` chunk. */
  dataBytes: number;
  durationMs: number;
};

function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM fmt chunk size
  header.writeUInt16LE(1, 20); // audio format: PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(WAV_SAMPLE_RATE, 24);
  header.writeUInt32LE(WAV_SAMPLE_RATE * BYTES_PER_SAMPLE, 28); // byte rate
  header.writeUInt16LE(BYTES_PER_SAMPLE, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** One second of the quiet tone-and-noise bed, repeated for the length of the recording. */
function audioSecond(random: Random): Buffer {
  const second = Buffer.alloc(WAV_SAMPLE_RATE * BYTES_PER_SAMPLE);
  for (let i = 0; i < WAV_SAMPLE_RATE; i++) {
    const tone = 600 * Math.sin((2 * Math.PI * 425 * i) / WAV_SAMPLE_RATE); // about -35 dBFS
    const noise = (random.next() - 0.5) * 200;
    second.writeInt16LE(Math.round(tone + noise), i * BYTES_PER_SAMPLE);
  }
  return second;
}

/**
 * Writes a recording of `samples` samples, creating missing directories as `record_session` does. Written in
 * one-second blocks so an hour-long call never needs 57 MB in memory at once.
 */
export function writeWavFile(options: { path: string; samples: number; random: Random }): number {
  const samples = Math.max(0, Math.floor(options.samples));
  const dataBytes = samples * BYTES_PER_SAMPLE;
  mkdirSync(dirname(options.path), { recursive: true });
  const fd = openSync(options.path, 'w');
  try {
    writeSync(fd, wavHeader(dataBytes));
    const block = audioSecond(options.random);
    let remaining = dataBytes;
    while (remaining > 0) {
      const length = Math.min(remaining, block.length);
      writeSync(fd, block, 0, length);
      remaining -= length;
    }
  } finally {
    closeSync(fd);
  }
  return HEADER_BYTES + dataBytes;
}

/** Reads the format of a canonical PCM WAV (what `writeWavFile` and most prompt tools produce). */
export function readWavInfo(options: { buffer: Buffer }): WavInfo {
  const { buffer } = options;
  if (
    buffer.length < 12 ||
    buffer.toString('ascii', 0, 4) !== 'RIFF' ||
    buffer.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: Omit<WavInfo, 'dataBytes' | 'durationMs'> | undefined;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        channels: buffer.readUInt16LE(body + 2),
        sampleRate: buffer.readUInt32LE(body + 4),
        bitsPerSample: buffer.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (format === undefined) throw new Error('WAV data chunk before fmt chunk');
      const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
      return { ...format, dataBytes: size, durationMs: (size / bytesPerSecond) * 1000 };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
