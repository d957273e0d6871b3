import { describe, expect, test } from 'vitest';
import { fenToYuanText, MAX_FEN, parseYuanInput } from './yuan-input';

const fen = (text: string) => parseYuanInput({ text });

describe('parseYuanInput', () => {
  test('whole yuan, one or two decimals, as integer fen', () => {
    expect(fen('128')).toEqual({ ok: true, fen: 12_800 });
    expect(fen('128.5')).toEqual({ ok: true, fen: 12_850 });
    expect(fen('128.05')).toEqual({ ok: true, fen: 12_805 });
    expect(fen('0.1')).toEqual({ ok: true, fen: 10 });
    expect(fen('.5')).toEqual({ ok: true, fen: 50 });
    expect(fen('12.')).toEqual({ ok: true, fen: 1_200 });
    expect(fen('0')).toEqual({ ok: true, fen: 0 });
  });

  test('no float rounding: amounts that are inexact in binary stay exact', () => {
    expect(fen('0.29')).toEqual({ ok: true, fen: 29 });
    expect(fen('1.15')).toEqual({ ok: true, fen: 115 });
    expect(fen('4.35')).toEqual({ ok: true, fen: 435 });
    expect(fen('99999999.99')).toEqual({ ok: true, fen: 9_999_999_999 });
  });

  test('what people type around the number: ¥, thousands separators, 元, full-width digits, spaces', () => {
    expect(fen(' ¥1,280.00 ')).toEqual({ ok: true, fen: 128_000 });
    expect(fen('￥ 300')).toEqual({ ok: true, fen: 30_000 });
    expect(fen('300元')).toEqual({ ok: true, fen: 30_000 });
    expect(fen('１２８．５')).toEqual({ ok: true, fen: 12_850 });
    expect(fen('1,234,567')).toEqual({ ok: true, fen: 123_456_700 });
  });

  test('clear errors for what is not a fee', () => {
    expect(fen('')).toEqual({ ok: false, error: 'empty' });
    expect(fen('   ')).toEqual({ ok: false, error: 'empty' });
    expect(fen('-5')).toEqual({ ok: false, error: 'negative' });
    expect(fen('12.345')).toEqual({ ok: false, error: 'too_many_decimals' });
    expect(fen('abc')).toEqual({ ok: false, error: 'not_a_number' });
    expect(fen('1e3')).toEqual({ ok: false, error: 'not_a_number' });
    expect(fen('1.2.3')).toEqual({ ok: false, error: 'not_a_number' });
    expect(fen('.')).toEqual({ ok: false, error: 'not_a_number' });
    expect(fen('1,2')).toEqual({ ok: false, error: 'not_a_number' });
    expect(fen('100000000.01')).toEqual({ ok: false, error: 'too_large' });
    expect(fen('99999999999999999999')).toEqual({ ok: false, error: 'too_large' });
  });

  test('the ceiling itself is allowed, as the domain allows it', () => {
    expect(fen('100000000')).toEqual({ ok: true, fen: MAX_FEN });
    expect(fen('000000000000000012')).toEqual({ ok: true, fen: 1_200 });
  });
});

describe('fenToYuanText', () => {
  test('always two decimals, no separators, round-trips through the parser', () => {
    expect(fenToYuanText({ fen: 12_850 })).toBe('128.50');
    expect(fenToYuanText({ fen: 5 })).toBe('0.05');
    for (const n of [0, 1, 99, 100, 12_345, MAX_FEN]) {
      expect(parseYuanInput({ text: fenToYuanText({ fen: n }) })).toEqual({ ok: true, fen: n });
    }
  });
});
