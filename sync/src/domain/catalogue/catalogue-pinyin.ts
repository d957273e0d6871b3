import { pinyin } from 'pinyin-pro';

/**
 * The toneless pinyin syllables of a catalogue text, as the search indexes them. Used only to generate
 * `catalogue-pinyin.generated.ts` (sync/scripts/generate-catalogue-pinyin.ts) and by the test that checks the
 * generated table is current: pinyin-pro's dictionary is about 200 kB gzip, which a console should not
 * load to search 92 items.
 */
export function toSyllables(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array', nonZh: 'removed', v: true })
    .map((s) => s.toLowerCase())
    .filter((s) => /^[a-z]+$/.test(s));
}
