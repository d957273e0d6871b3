import { get } from 'svelte/store';
import { WorkerIneligibility } from '@jiazheng/sync/domain';
import { describe, expect, test } from 'vitest';
import { en } from './en';
import { createI18n, formatDateTime, formatMoney, LANGUAGE_STORAGE_KEY } from './i18n';
import { zhCN } from './zh-CN';

function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
  };
}

function keys(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, child]) =>
    typeof child === 'object' && child !== null
      ? keys(child as object, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

describe('i18n', () => {
  test('Chinese by default', () => {
    const i18n = createI18n();
    expect(i18n.current()).toBe('zh-CN');
    expect(get(i18n.t)('pop.answer')).toBe('接听 (F2)');
  });

  test('switching to English is remembered, and the t store changes with it', () => {
    const storage = memoryStorage();
    const i18n = createI18n({ storage });
    const seen: string[] = [];
    const stop = i18n.t.subscribe((t) => seen.push(t('seat.break')));
    i18n.setLanguage({ language: 'en' });
    stop();
    expect(seen).toEqual(['小休', 'Break']);
    expect(storage.map.get(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(createI18n({ storage }).current()).toBe('en');
  });

  test('an unknown stored language, or a storage that throws, falls back to Chinese', () => {
    expect(createI18n({ storage: memoryStorage({ [LANGUAGE_STORAGE_KEY]: 'fr' }) }).current()).toBe('zh-CN');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const i18n = createI18n({ storage: broken });
    expect(i18n.current()).toBe('zh-CN');
    i18n.setLanguage({ language: 'en' });
    expect(i18n.current()).toBe('en');
  });

  test('interpolation does not HTML-escape (Svelte does), so a caller’s name shows as typed', () => {
    const t = get(createI18n().t);
    expect(t('topBar.user', { name: '<b>王&李</b>' })).toBe('当前用户：<b>王&李</b>');
  });

  test('both languages have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  test('dates, times and money in the language’s format, China time', () => {
    const iso = '2026-11-29T06:05:09.000Z';
    expect(formatDateTime({ iso, language: 'zh-CN' })).toBe('2026年11月29日 14:05:09');
    expect(formatDateTime({ iso, language: 'en' })).toBe('Nov 29, 2026, 14:05:09');
    expect(formatDateTime({ iso, language: 'zh-CN', style: 'time' })).toBe('14:05:09');
    expect(formatDateTime({ iso, language: 'en', style: 'date' })).toBe('Nov 29, 2026');
    expect(formatDateTime({ iso: 'not a date', language: 'en' })).toBe('not a date');
    expect(formatMoney({ yuan: 1234.5, language: 'zh-CN' })).toBe('¥1,234.50');
    expect(formatMoney({ yuan: 1234.5, language: 'en' })).toBe('CN¥1,234.50');
  });
});

test('every reason the home gives for refusing a worker reads in both languages', () => {
  for (const code of Object.values(WorkerIneligibility)) {
    expect(zhCN.orderDesk.ineligible[code], code).toBeTruthy();
    expect(en.orderDesk.ineligible[code], code).toBeTruthy();
  }
});
