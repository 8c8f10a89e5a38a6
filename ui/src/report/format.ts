/** Numbers, money and days of the report in the UI language, all through Intl. */
import { LOCALES, type Language } from "../i18n";
import { dayAsDate } from "./period";

export function formatCount(value: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(value);
}

/** Whole đồng: "15.000 ₫" in Vietnamese, "₫15,000" in English. */
export function formatMoney(value: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(value);
}

export type DayStyle = "axis" | "long";

const DAY_OPTIONS: Record<DayStyle, Intl.DateTimeFormatOptions> = {
  // Days are UTC midnights (see period.ts), so they are formatted in UTC to stay the same day.
  axis: { day: "numeric", month: "numeric", timeZone: "UTC" },
  long: { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" },
};

/** Formats `YYYY-MM-DD` days; one Intl formatter per language and style. */
export function dayFormatter(lang: Language, style: DayStyle): (day: string) => string {
  const format = new Intl.DateTimeFormat(LOCALES[lang], DAY_OPTIONS[style]);
  return (day) => format.format(dayAsDate(day));
}
