/**
 * The kiosk's pure rules, kept apart from the screens so they can be tested alone: how long
 * a reader may stay idle, how a PIN is typed, which keys a reader may not press, what a
 * check-in asks the reader to do with the book, and how dates read in each language.
 */
import type { CheckinAction } from "../bindings/CheckinAction";
import type { Loan } from "../bindings/Loan";
import type { Refusal } from "../bindings/Refusal";
import { LOCALES, type Language } from "../i18n";

/** Without a touch or a key for this long, the kiosk asks whether the reader is still there. */
export const IDLE_MS = 60_000;
/** Seconds the "Are you still there?" question waits before the session ends. */
export const STILL_THERE_SECONDS = 10;
/** Seconds a receipt stays on screen before the kiosk goes back to the start. */
export const RECEIPT_SECONDS = 20;
/** Longer PINs are not typed by people; the cap keeps a stuck key from filling the field. */
export const PIN_MAX_LENGTH = 12;

/** The PIN after one key: a digit is appended (up to the cap), anything else is ignored. */
export function pinAfterKey(pin: string, key: string): string {
  if (key === "Backspace") return pin.slice(0, -1);
  if (/^[0-9]$/.test(key) && pin.length < PIN_MAX_LENGTH) return pin + key;
  return pin;
}

/** What a typed or pasted PIN becomes: digits only, capped. */
export function cleanPin(text: string): string {
  return text.replace(/[^0-9]/g, "").slice(0, PIN_MAX_LENGTH);
}

/** A scanned or typed barcode as circulation wants it: no surrounding spaces. */
export function cleanBarcode(text: string): string {
  return text.trim();
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/**
 * Keys the browser or the desktop shell would act on (reload, print, find, new window,
 * developer tools, history back): a reader must not reach anything outside the kiosk.
 * Shift alone stays allowed (capital letters in a barcode).
 */
export function isBlockedShortcut(e: KeyLike): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(e.key)) return true;
  return ["BrowserBack", "BrowserForward", "BrowserHome", "BrowserRefresh", "BrowserSearch", "ContextMenu"].includes(
    e.key,
  );
}

/**
 * Whether a keystroke landing outside a text field belongs in the screen's input: a
 * keyboard-wedge scanner types characters then Enter, wherever focus happens to be. Space
 * and Enter are left to a focused button (they press it).
 */
export function belongsInInput(key: string, targetIsButton: boolean): boolean {
  if (key.length !== 1) return false;
  if (key === " " && targetIsButton) return false;
  return true;
}

/** Readers never shelve: a book wanted elsewhere (hold shelf, another branch) goes in the bin. */
export function needsReturnBin(action: CheckinAction): boolean {
  return action.kind === "hold_shelf" || action.kind === "transit";
}

/** The message of a refusal in the reader's language (core words both). */
export function refusalMessage(refusal: Refusal, lang: Language): string {
  return lang === "vi" ? refusal.message_vi : refusal.message_en;
}

/** A calendar day (`2025-03-12`) as readers say it: "Thứ Tư, 12 tháng 3, 2025". */
export function formatDay(isoDay: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDay);
  if (!m) return isoDay;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(LOCALES[lang], {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** A moment, for a receipt: date and time in the reader's locale. */
export function formatMoment(at: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "long", timeStyle: "short" }).format(at);
}

/** The reader's open loans, soonest due first. */
export function openLoans(loans: readonly Loan[]): Loan[] {
  return loans
    .filter((l) => l.returned_at === null)
    .sort((a, b) => a.due_at.localeCompare(b.due_at) || a.title.localeCompare(b.title));
}

/** An amount in whole đồng: "15.000 ₫" in Vietnamese. */
export function formatMoney(dong: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(
    dong,
  );
}
