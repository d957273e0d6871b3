import { expect, test } from 'vitest';
import { parseInput } from './errors';
import { fenSchema, formatFen, priceRangeSchema } from './money';

test('formatFen renders yuan from integer fen in both locales', () => {
  expect(formatFen({ fen: 12345, locale: 'zh-CN' })).toBe('¥123.45');
  expect(formatFen({ fen: 5, locale: 'en' })).toBe('CN¥0.05');
});

test('fen must be a non-negative integer', () => {
  expect(() => parseInput({ schema: fenSchema, input: 1.5, what: 'fee' })).toThrow(/fee: must be a whole/);
  expect(() => parseInput({ schema: fenSchema, input: -1, what: 'fee' })).toThrow(/negative/);
});

test('a price range names the field that is wrong', () => {
  try {
    parseInput({ schema: priceRangeSchema, input: { minFen: 500, maxFen: 100 }, what: 'price' });
    expect.unreachable();
  } catch (e) {
    expect(e).toMatchObject({ code: 'invalid_input', field: 'price.minFen' });
  }
});
