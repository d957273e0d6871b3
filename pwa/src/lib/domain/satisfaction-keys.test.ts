import { describe, expect, test } from 'vitest';
import { unsatisfiedAtMost } from '@jiazheng/sync/domain';
import { reopensOrder, satisfactionForKey } from './satisfaction-keys';

describe('satisfactionForKey', () => {
  test('1 to 5 set the score; full-width digits from an IME too', () => {
    expect([1, 2, 3, 4, 5].map((n) => satisfactionForKey({ key: String(n), inTextField: false }))).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(satisfactionForKey({ key: '４', inTextField: false })).toBe(4);
  });

  test('other keys set nothing', () => {
    for (const key of ['0', '6', '9', 'a', 'Enter', 'F1', '１０', '６'])
      expect(satisfactionForKey({ key, inTextField: false })).toBeNull();
  });

  test('digits typed into the comment are text, and modified presses are the browser’s', () => {
    expect(satisfactionForKey({ key: '3', inTextField: true })).toBeNull();
    expect(satisfactionForKey({ key: '3', inTextField: false, ctrlKey: true })).toBeNull();
    expect(satisfactionForKey({ key: '3', inTextField: false, altKey: true })).toBeNull();
    expect(satisfactionForKey({ key: '3', inTextField: false, metaKey: true })).toBeNull();
  });
});

describe('reopensOrder', () => {
  test('a score of 2 or less sends the order back, as the reducer does', () => {
    expect([1, 2, 3, 4, 5].map((satisfaction) => reopensOrder({ satisfaction, unsatisfiedAtMost }))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
