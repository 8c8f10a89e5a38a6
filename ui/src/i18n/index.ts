import i18next, { type i18n } from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";
import vi from "./vi.json";

/*
 * Each screen keeps its strings in its own file, `i18n/<lang>/<area>.json`, found here by
 * name and merged under the key `<area>` (`i18n/en/search.json` -> `t("search.box")`), so
 * screens can be written side by side without touching one shared file.
 */
const areaFiles = import.meta.glob<{ default: Record<string, unknown> }>("./*/*.json", { eager: true });

function withAreas(base: Record<string, unknown>, lang: string): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [path, module] of Object.entries(areaFiles)) {
    const match = /^\.\/([a-z]+)\/([A-Za-z0-9_-]+)\.json$/.exec(path);
    if (match && match[1] === lang) merged[match[2]!] = module.default;
  }
  return merged;
}

/** Every string of each language: the shared file plus the screens' own. */
export const RESOURCES = {
  vi: withAreas(vi, "vi"),
  en: withAreas(en, "en"),
} as const;

export const LANGUAGES = ["vi", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "vi";
export const LANG_STORAGE_KEY = "shelfmark.lang";

/** BCP 47 locale used for number formatting in each UI language. */
export const LOCALES: Record<Language, string> = { vi: "vi-VN", en: "en-US" };

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function storedLanguage(): Language {
  try {
    const value = globalThis.localStorage?.getItem(LANG_STORAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function currentLanguage(instance: i18n): Language {
  return isLanguage(instance.language) ? instance.language : DEFAULT_LANGUAGE;
}

export function formatNumber(value: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(value);
}

function applyLanguage(lang: string): void {
  if (!isLanguage(lang)) return;
  document.documentElement.lang = lang;
  try {
    globalThis.localStorage?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Storage may be unavailable; the choice then lasts for this session only.
  }
}

/** A fresh, synchronously initialized i18next instance (one per app, one per test). */
export function createI18n(lang: Language = storedLanguage()): i18n {
  const instance = i18next.createInstance();
  instance.use(initReactI18next);
  void instance.init({
    resources: { vi: { translation: RESOURCES.vi }, en: { translation: RESOURCES.en } },
    lng: lang,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  document.documentElement.lang = lang;
  instance.on("languageChanged", applyLanguage);
  return instance;
}
