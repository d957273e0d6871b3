// Writes the app's icons (PNG) into static/icons/: a blue square with a white telephone-handset-like shape
// and a ring, drawn pixel by pixel so no image tool or package is needed. Run: npm run icons -w @jiazheng/pwa
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stdout } from 'node:process';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'static', 'icons');

const BLUE = [15, 92, 140, 255];
const WHITE = [255, 255, 255, 255];
const ORANGE = [245, 166, 35, 255];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels → PNG (colour type 6, 8 bits, no interlace, filter 0 on every row). */
function encodePng(options) {
  const { size, pixel } = options;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The drawing in unit coordinates (0..1); `inset` shrinks it into the maskable safe zone. */
function drawIcon(options) {
  const { size, inset, rounded } = options;
  return encodePng({
    size,
    pixel: (px, py) => {
      const x = (px + 0.5) / size;
      const y = (py + 0.5) / size;
      if (rounded) {
        const r = 0.18;
        const cx = Math.min(Math.max(x, r), 1 - r);
        const cy = Math.min(Math.max(y, r), 1 - r);
        if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return [0, 0, 0, 0];
      }
      // Map into the inner drawing area.
      const u = (x - inset) / (1 - 2 * inset);
      const v = (y - inset) / (1 - 2 * inset);
      const d = Math.hypot(u - 0.5, v - 0.5);
      // An orange ring: the "ringing" call.
      if (d > 0.36 && d < 0.42) return ORANGE;
      // A handset: two ear/mouth pieces joined by a bar, drawn as a thick arc.
      const inBar = Math.abs(u + v - 1) < 0.09 && u > 0.3 && u < 0.7;
      const inEar = Math.hypot(u - 0.33, v - 0.67) < 0.11;
      const inMouth = Math.hypot(u - 0.67, v - 0.33) < 0.11;
      if (inBar || inEar || inMouth) return WHITE;
      return BLUE;
    },
  });
}

mkdirSync(outDir, { recursive: true });
const icons = [
  { file: 'icon-192.png', size: 192, inset: 0.08, rounded: true },
  { file: 'icon-512.png', size: 512, inset: 0.08, rounded: true },
  // Maskable: full bleed, the drawing inside the central 80 % safe zone.
  { file: 'maskable-512.png', size: 512, inset: 0.14, rounded: false },
];
for (const icon of icons) {
  writeFileSync(join(outDir, icon.file), drawIcon(icon));
  stdout.write(`wrote static/icons/${icon.file}\n`);
}
