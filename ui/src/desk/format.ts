/**
 * The desk's pure logic: dates and money in the UI locale, refusal messages in the UI language,
 * the registration form's checks and the scan queue. Kept apart from the components so each rule
 * has its own unit test.
 */
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { PatronInput } from "../bindings/PatronInput";
import type { Refusal } from "../bindings/Refusal";
import { LOCALES, type Language } from "../i18n";

/** A calendar day `YYYY-MM-DD` as a local Date (midnight), or null when it is not one. */
export function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return date.getMonth() === Number(m[2]) - 1 && date.getDate() === Number(m[3]) ? date : null;
}

/** A local Date as `YYYY-MM-DD`. */
export function dayString(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A due date with its weekday, the way a clerk reads it aloud: "thứ Sáu, 11/12/2026",
 * "Friday, December 11, 2026". Vietnamese writes the weekday lower-case inside a sentence.
 */
export function formatDueDay(day: string, lang: Language): string {
  const date = parseDay(day);
  if (!date) return day;
  if (lang === "vi") {
    const text = new Intl.DateTimeFormat(LOCALES.vi, {
      weekday: "long",
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
    }).format(date);
    return text.charAt(0).toLowerCase() + text.slice(1);
  }
  return new Intl.DateTimeFormat(LOCALES.en, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(
    date,
  );
}

/** A plain date (`YYYY-MM-DD`) in the UI locale: 11/12/2026, 12/11/2026. */
export function formatDay(day: string, lang: Language): string {
  const date = parseDay(day);
  if (!date) return day;
  return new Intl.DateTimeFormat(LOCALES[lang], { day: "2-digit", month: "2-digit", year: "numeric" }).format(date);
}

/** An RFC 3339 time in the UI locale, to the minute. */
export function formatTime(rfc3339: string, lang: Language): string {
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) return rfc3339;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "short", timeStyle: "short" }).format(date);
}

/** Whole đồng in the UI locale: "15.000 ₫", "₫15,000". */
export function formatMoney(amount: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(
    amount,
  );
}

export function refusalMessage(refusal: Refusal, lang: Language): string {
  return lang === "vi" ? refusal.message_vi : refusal.message_en;
}

/** Staff may lend despite every refusal except one: a book cannot be on two loans at once. */
export function canOverride(refusal: Refusal): boolean {
  return refusal.code !== "item_already_on_loan";
}

/** A `datetime-local` value (local wall time) as RFC 3339 in UTC; null when empty or invalid. */
export function localInputToRfc3339(value: string): string | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A card's usual term: the same day a year on (29 February becomes 1 March). */
export function oneYearFrom(date: Date): string {
  return dayString(new Date(date.getFullYear() + 1, date.getMonth(), date.getDate()));
}

export const PATRON_CATEGORIES = ["adult", "child", "student", "staff", "visually_impaired"] as const;

export type PatronField = "barcode" | "name" | "category" | "email" | "phone" | "home_branch_code" | "expires_on";

/** Translation keys (under `desk.register.errors`) of what is wrong with each field. */
export type PatronErrors = Partial<Record<PatronField, string>>;

/** What the form can check before asking core: required fields, shapes, an expiry in the future. */
export function validatePatron(input: PatronInput, today: Date): PatronErrors {
  const errors: PatronErrors = {};
  const barcode = input.barcode.trim();
  if (!barcode) errors.barcode = "required";
  else if (/\s/.test(barcode)) errors.barcode = "barcodeSpaces";
  if (!input.name.trim()) errors.name = "required";
  if (!(PATRON_CATEGORIES as readonly string[]).includes(input.category)) errors.category = "required";
  const email = input.email?.trim() ?? "";
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = "email";
  const phone = input.phone?.trim() ?? "";
  if (phone && !/^\+?[0-9 .-]{8,15}$/.test(phone)) errors.phone = "phone";
  const expires = parseDay(input.expires_on);
  if (!input.expires_on) errors.expires_on = "required";
  else if (!expires) errors.expires_on = "date";
  else if (dayString(expires) <= dayString(today)) errors.expires_on = "past";
  return errors;
}

/** The field a registration error from core belongs to; null: the form as a whole. */
export function fieldOfServerError(error: ErrorPayload): PatronField | null {
  if (error.code === "barcode_in_use") return "barcode";
  // The only thing registration looks up is the home branch.
  if (error.code === "not_found") return "home_branch_code";
  return null;
}

/** Parses a whole number of đồng typed by staff ("15.000", "15,000", "15000"); null if not one. */
export function parseAmount(text: string): number | null {
  const digits = text.trim().replace(/[.,\s₫]/g, "");
  if (!/^\d+$/.test(digits)) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Runs scans one after another in the order they came: a keyboard-wedge scanner can send the
 * next barcode before the last answer arrives, and each loan must see the one before it.
 */
export function scanQueue(): (job: () => Promise<void>) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (job) => {
    const next = tail.then(job, job);
    tail = next.catch(() => undefined);
    return next;
  };
}
