import { describe, expect, test } from 'vitest';
import { listKnowledge, searchKnowledge } from './knowledge-base';

describe('knowledge base', () => {
  test('holds the centre’s answers and every information item of the catalogue', () => {
    const all = listKnowledge();
    expect(all.some((e) => e.id === 'centre-complaints')).toBe(true);
    const items = all.filter((e) => e.itemCode !== null);
    expect(items.length).toBeGreaterThan(3);
    for (const entry of all) {
      expect(entry.title.zh).not.toBe('');
      expect(entry.answer.en).not.toBe('');
    }
  });

  test('finds by characters, English words and the catalogue’s pinyin', () => {
    expect(searchKnowledge({ query: '投诉' }).map((e) => e.id)).toContain('centre-complaints');
    expect(searchKnowledge({ query: 'guide price' }).map((e) => e.id)).toContain('centre-prices');
    const item = listKnowledge().find((e) => e.itemCode !== null);
    expect(item).toBeDefined();
    expect(searchKnowledge({ query: item?.title.zh ?? '' }).map((e) => e.id)).toContain(item?.id);
  });

  test('an empty query lists the first answers; a hostile one finds nothing and does not throw', () => {
    expect(searchKnowledge({ query: '  ', limit: 3 })).toHaveLength(3);
    expect(searchKnowledge({ query: '<script>'.repeat(40) })).toEqual([]);
  });
});
