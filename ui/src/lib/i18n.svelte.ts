// UI strings live in src/i18n/<locale>.json; every catalog must have every English key (the
// type check enforces it). Messages from the engine (error details, date glosses) are English.
import en from "../i18n/en.json";
import es from "../i18n/es.json";

export type Key = keyof typeof en;
export type Locale = "en" | "es";

const catalogs: Record<Locale, Record<Key, string>> = { en, es };
export const locales: Locale[] = ["en", "es"];

const STORAGE_KEY = "walkout.locale";

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "es") return saved;
  return navigator.language.toLowerCase().startsWith("es") ? "es" : "en";
}

let current = $state<Locale>(initialLocale());

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(value: Locale) {
    current = value;
    localStorage.setItem(STORAGE_KEY, value);
    document.documentElement.lang = value;
  },
};

/** The string for `key`, with `{name}` placeholders filled from `params`. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = catalogs[current][key] ?? catalogs.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value) : value;
  });
}

/** Picks `<base>.one` or `<base>.other` for `count` and fills `{count}`. */
export function tn(base: string, count: number, params: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(current).select(count) === "one" ? "one" : "other";
  return t(`${base}.${form}` as Key, { count, ...params });
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(current).format(value);
}

/** A moment (an RFC 3339 time) as a date and time in the reader's locale. */
export function formatDateTime(at: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(new Date(at));
}
