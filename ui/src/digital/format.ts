/**
 * How the digital collection's values read on screen: sizes through Intl, the kind's icon,
 * the access decision's explanation in the UI language, and the reader a "view as" choice means.
 */
import { STAFF_READER } from "../api";
import type { AccessDecision } from "../bindings/AccessDecision";
import type { AccessLevel } from "../bindings/AccessLevel";
import type { DigitalKind } from "../bindings/DigitalKind";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import type { RightsStatus } from "../bindings/RightsStatus";
import { LOCALES, type Language } from "../i18n";

export const ACCESS_LEVELS: readonly AccessLevel[] = ["open", "registered", "premises", "staff", "dark"];
export const RIGHTS_STATUSES: readonly RightsStatus[] = [
  "PublicDomain",
  "InC",
  "InC-OW-EU",
  "InC-EDU",
  "InC-NC",
  "InC-RUU",
  "NoC-CR",
  "NoC-NC",
  "NoC-OKLR",
  "NoC-US",
  "CNE",
  "UND",
  "NKC",
];

/** A decorative mark beside the kind's words (hidden from screen readers, which read the words). */
export const KIND_ICON: Record<DigitalKind, string> = {
  image: "🖼",
  pdf: "📄",
  epub: "📖",
  audio: "🎧",
  text: "📝",
};

const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** "2,4 MB", "812 kB", "512 byte": decimal units (1 kB = 1000 bytes), as Intl names them. */
export function formatSize(bytes: number, lang: Language): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(LOCALES[lang], {
    style: "unit",
    unit: BYTE_UNITS[unit],
    unitDisplay: "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** The decision's explanation as the core wrote it in the UI's language. */
export function explanationOf(decision: AccessDecision, lang: Language): string {
  return lang === "vi" ? decision.explanation_vi : decision.explanation_en;
}

/** Who the staff member is looking through: themselves, a reader's card, or nobody signed in. */
export type ViewAs =
  | { role: "staff" }
  | { role: "patron"; card: string; onPremises: boolean }
  | { role: "anonymous"; onPremises: boolean };

export const VIEW_AS_STAFF: ViewAs = { role: "staff" };

export function readerOf(viewAs: ViewAs): ReaderRequest {
  switch (viewAs.role) {
    case "staff":
      return STAFF_READER;
    case "patron":
      return { role: "patron", card: viewAs.card.trim(), on_premises: viewAs.onPremises };
    case "anonymous":
      return { role: "anonymous", card: null, on_premises: viewAs.onPremises };
  }
}

export function sameViewAs(a: ViewAs, b: ViewAs): boolean {
  return JSON.stringify(readerOf(a)) === JSON.stringify(readerOf(b));
}
