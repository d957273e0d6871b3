import { describe, expect, test } from 'vitest';
import { moveSelection, scrollToRow, visibleWindow } from './virtual-window';

describe('visibleWindow', () => {
  test('renders the rows in view plus the overscan on either side', () => {
    expect(
      visibleWindow({ count: 1000, scrollTop: 3200, viewportHeight: 400, rowHeight: 32, overscan: 3 }),
    ).toEqual({ start: 97, end: 116, offsetTop: 97 * 32, totalHeight: 32_000 });
  });

  test('at the top and the bottom the overscan stops at the list’s ends', () => {
    expect(visibleWindow({ count: 100, scrollTop: 0, viewportHeight: 320, rowHeight: 32 })).toMatchObject({
      start: 0,
      end: 14,
      offsetTop: 0,
    });
    expect(
      visibleWindow({ count: 100, scrollTop: 100 * 32 - 320, viewportHeight: 320, rowHeight: 32 }),
    ).toMatchObject({ start: 86, end: 100 });
  });

  test('a row cut by the viewport’s edge is still rendered', () => {
    const w = visibleWindow({ count: 50, scrollTop: 10, viewportHeight: 100, rowHeight: 32, overscan: 0 });
    // Rows 0 (partly above) to 3 (partly below): 10..110 px.
    expect([w.start, w.end]).toEqual([0, 4]);
  });

  test('50,000 rows cost a window of a few dozen, anywhere in the list', () => {
    for (const scrollTop of [0, 123_456, 1_599_000, 5_000_000]) {
      const w = visibleWindow({ count: 50_000, scrollTop, viewportHeight: 600, rowHeight: 32, overscan: 5 });
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(600 / 32) + 1 + 10);
      expect(w.end).toBeLessThanOrEqual(50_000);
      expect(w.totalHeight).toBe(1_600_000);
      expect(w.offsetTop).toBe(w.start * 32);
    }
  });

  test('a scrollTop past the end (the list shrank under a filter) shows the last rows, not nothing', () => {
    const w = visibleWindow({
      count: 10,
      scrollTop: 90_000,
      viewportHeight: 128,
      rowHeight: 32,
      overscan: 1,
    });
    expect([w.start, w.end]).toEqual([5, 10]);
    expect(
      visibleWindow({ count: 10, scrollTop: -50, viewportHeight: 64, rowHeight: 32, overscan: 0 }),
    ).toMatchObject({
      start: 0,
      end: 2,
    });
  });

  test('no rows, or no height yet (before layout), render nothing or only the overscan', () => {
    expect(visibleWindow({ count: 0, scrollTop: 0, viewportHeight: 500, rowHeight: 32 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
    expect(
      visibleWindow({ count: 100, scrollTop: 0, viewportHeight: 0, rowHeight: 32, overscan: 2 }),
    ).toMatchObject({
      start: 0,
      end: 2,
    });
  });
});

describe('scrollToRow', () => {
  const base = { viewportHeight: 320, rowHeight: 32 };
  test('leaves the scroll alone when the row is already in view', () => {
    expect(scrollToRow({ ...base, index: 5, scrollTop: 64 })).toBe(64);
  });
  test('scrolls up to a row above, and down just enough for a row below', () => {
    expect(scrollToRow({ ...base, index: 1, scrollTop: 320 })).toBe(32);
    expect(scrollToRow({ ...base, index: 20, scrollTop: 0 })).toBe(21 * 32 - 320);
  });
});

describe('moveSelection', () => {
  const move = (key: string, index: number | null, count = 10) =>
    moveSelection({ key, index, count, pageSize: 4 });

  test('arrows move by one and stop at the ends', () => {
    expect(move('ArrowDown', 3)).toBe(4);
    expect(move('ArrowUp', 3)).toBe(2);
    expect(move('ArrowDown', 9)).toBe(9);
    expect(move('ArrowUp', 0)).toBe(0);
  });

  test('from no selection, ↓ enters at the top and ↑ at the bottom', () => {
    expect(move('ArrowDown', null)).toBe(0);
    expect(move('ArrowUp', null)).toBe(9);
  });

  test('pages and ends', () => {
    expect(move('PageDown', 0)).toBe(4);
    expect(move('PageDown', 8)).toBe(9);
    expect(move('PageUp', 5)).toBe(1);
    expect(move('PageUp', null)).toBe(6);
    expect(move('Home', 7)).toBe(0);
    expect(move('End', 2)).toBe(9);
  });

  test('an empty list has no selection; other keys are not the list’s', () => {
    expect(move('ArrowDown', null, 0)).toBeNull();
    expect(move('Enter', 3)).toBeUndefined();
    expect(move('a', 3)).toBeUndefined();
  });
});
