/**
 * Regenerates sync/src/domain/catalogue/catalogue-pinyin.generated.ts, the pinyin of every catalogue name
 * and keyword, after the catalogue changes:
 *
 *   npx tsx sync/scripts/generate-catalogue-pinyin.ts
 *
 * A test (catalogue.test.ts) fails when the table is out of date.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogueTexts, renderPinyinTable } from '../src/domain/catalogue/catalogue-pinyin-table';

const out = join(
  dirname(fileURLToPath(import.meta.url)),
  '../src/domain/catalogue/catalogue-pinyin.generated.ts',
);
writeFileSync(out, renderPinyinTable({ texts: catalogueTexts() }));
console.log(`wrote ${out}`);
