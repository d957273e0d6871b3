import i18next, { type i18n as I18next, type TOptions } from 'i18next';
import { derived, writable, type Readable } from 'svelte/store';
import { en } from './en';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';
export const LANGUAGE_STORAGE_KEY = 'jz.language';
/** The county's clock: the appliance's figures and the call-takers' day are China Standard Time. */
export const TIME_ZONE = 'Asia/Shanghai';

export type Translate = (key: string, options?: TOptions) => string;

/** Where the choice of language is remembered (localStorage in the browser, a Map in tests). */
export type LanguageStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export type I18n = {
  language: Readable<Language>;
  /** `$t('pop.title')` in components: re-evaluated when the language changes. */
  t: Readable<Translate>;
  setLanguage(options: { language: Language }): void;
  current(): Language;
  translate: Translate;
};

/** One i18next instance behind Svelte stores; the language survives a reload through `storage`. */
export function createI18n(options: { storage?: LanguageStorage | undefined } = {}): I18n {
  const storage = options.storage;
  const stored = safeGet(storage);
  const initial: Language = isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
  const instance: I18next = i18next.createInstance();
  void instance.init({
    lng: initial,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    // Resources are bundled: initialisation is synchronous, so the first paint is already translated.
    initAsync: false,
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    // Svelte escapes every {expression}; escaping here too would show `&amp;` to the call-taker.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const language = writable<Language>(initial);
  const translate: Translate = (key, tOptions) => instance.t(key, tOptions ?? {});
  setDocumentLanguage(initial);
  return {
    language: { subscribe: language.subscribe },
    t: derived(language, () => translate),
    translate,
    current: () => (isLanguage(instance.language) ? instance.language : DEFAULT_LANGUAGE),
    setLanguage: ({ language: next }) => {
      void instance.changeLanguage(next);
      try {
        storage?.setItem(LANGUAGE_STORAGE_KEY, next);
      } catch {
        // Private mode or a full quota: the choice lasts for this session only.
      }
      setDocumentLanguage(next);
      language.set(next);
    },
  };
}

function safeGet(storage: LanguageStorage | undefined): string | null {
  try {
    return storage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function setDocumentLanguage(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** A date and time in the language's own format, China time: `2026/11/29 14:05:09` or `29 Nov 2026, 14:05:09`. */
export function formatDateTime(options: {
  iso: string;
  language: Language;
  style?: 'date' | 'time' | 'datetime';
}): string {
  const date = new Date(options.iso);
  if (Number.isNaN(date.getTime())) return options.iso;
  const style = options.style ?? 'datetime';
  const key = `${options.language}|${style}`;
  let format = dateTimeFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(options.language, {
      timeZone: TIME_ZONE,
      ...(style === 'time' ? {} : { year: 'numeric', month: 'short', day: 'numeric' }),
      ...(style === 'date'
        ? {}
        : { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(date);
}

/** Building a formatter costs far more than using one: a scrolled list of orders formats dozens per frame. */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** Money in yuan, as the language writes it: `¥1,234.50` / `CN¥1,234.50`. */
export function formatMoney(options: { yuan: number; language: Language }): string {
  return new Intl.NumberFormat(options.language, { style: 'currency', currency: 'CNY' }).format(options.yuan);
}

/** The app's one instance. */
let shared: I18n | undefined;
export function appI18n(): I18n {
  shared ??= createI18n({ storage: typeof localStorage === 'undefined' ? undefined : localStorage });
  return shared;
}
