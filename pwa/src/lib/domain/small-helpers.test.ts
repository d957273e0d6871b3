import { describe, expect, test } from 'vitest';
import { agentWordKey } from './agent-status';
import { reconnectDelay } from './backoff';
import { maskNumber } from './phone-display';
import { SHORTCUTS, shortcutFor } from './shortcuts';

describe('reconnectDelay', () => {
  test('doubles up to the cap, with jitter between half the base and the ceiling', () => {
    const top = (attempt: number) => reconnectDelay({ attempt, random: () => 1 });
    expect([0, 1, 2, 3, 10].map(top)).toEqual([500, 1000, 2000, 4000, 15_000]);
    expect(reconnectDelay({ attempt: 10, random: () => 0 })).toBe(250);
    expect(reconnectDelay({ attempt: 3, baseMs: 100, maxMs: 300, random: () => 1 })).toBe(300);
  });
});

describe('maskNumber', () => {
  test('hides the middle of mobile and fixed-line numbers', () => {
    expect(maskNumber({ phone: '+8613712345678' })).toBe('137****5678');
    expect(maskNumber({ phone: '+8657188888888' })).toBe('0571-****8888');
    expect(maskNumber({ phone: '+861088888888' })).toBe('010-****8888');
    expect(maskNumber({ phone: '+12025550123' })).toBe('+*******0123');
  });

  test('a withheld or garbage caller ID shows what it can without the full string', () => {
    expect(maskNumber({ phone: null, raw: '' })).toBe('—');
    expect(maskNumber({ phone: null })).toBe('—');
    expect(maskNumber({ phone: null, raw: 'anonymous' })).toBe('*****mous');
    expect(maskNumber({ phone: null, raw: '123' })).toBe('***');
  });
});

describe('shortcuts', () => {
  test('function keys and Esc map to actions; modified presses are the browser’s', () => {
    expect(shortcutFor({ key: 'F2' })).toBe('answer');
    expect(shortcutFor({ key: 'F3' })).toBe('available');
    expect(shortcutFor({ key: 'F4' })).toBe('break');
    expect(shortcutFor({ key: 'F8' })).toBe('lookup');
    expect(shortcutFor({ key: 'F1' })).toBe('help');
    expect(shortcutFor({ key: 'Escape' })).toBe('close');
    expect(shortcutFor({ key: 'F2', ctrlKey: true })).toBeUndefined();
    expect(shortcutFor({ key: 'a' })).toBeUndefined();
  });

  test('every shortcut is listed once', () => {
    expect(new Set(SHORTCUTS.map((s) => s.key)).size).toBe(SHORTCUTS.length);
  });
});

describe('agentWordKey', () => {
  test("turns mod_callcenter's statuses and states into i18n keys", () => {
    expect(agentWordKey({ word: 'Available (On Demand)' })).toBe('available_on_demand');
    expect(agentWordKey({ word: 'On Break' })).toBe('on_break');
    expect(agentWordKey({ word: 'In a queue call' })).toBe('in_a_queue_call');
  });
});
