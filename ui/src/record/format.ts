/**
 * The record view's pure logic: the MARC copy text, language names, dates, the item form's
 * checks and option lists, and the order of the history. Kept apart from the components so
 * each rule has its own unit test.
 */
import type { Item } from "../bindings/Item";
import type { ItemInput } from "../bindings/ItemInput";
import type { ItemStatus } from "../bindings/ItemStatus";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { RecordChange } from "../bindings/RecordChange";
import { LOCALES, type Language } from "../i18n";

/** A copy of the record without its control number (001), to be saved as a new record. */
export function withoutControlNumber(marc: MarcRecord): MarcRecord {
  return {
    leader: marc.leader,
    fields: marc.fields
      .filter((f) => f.tag !== "001")
      .map((f) => (f.kind === "data" ? { ...f, subfields: f.subfields.map((s) => ({ ...s })) } : { ...f })),
  };
}

/** MarcEdit writes a blank (in the leader, control fields and indicators) as a backslash. */
const mrkBlanks = (s: string) => s.replace(/ /g, "\\");
/** MarcEdit's escape for a literal dollar sign in a subfield value. */
const mrkDollar = (s: string) => s.replace(/\$/g, "{dollar}");

/**
 * The record as MarcEdit mnemonic text (`=245  10$aTitle`), what a cataloger pastes into
 * MarcEdit or another catalog; built here so copying works without asking the back end.
 */
export function marcToMnemonic(marc: MarcRecord): string {
  const lines = [`=LDR  ${mrkBlanks(marc.leader)}`];
  for (const f of marc.fields) {
    if (f.kind === "control") lines.push(`=${f.tag}  ${mrkBlanks(f.value)}`);
    else {
      const subfields = f.subfields.map((s) => `$${s.code}${mrkDollar(s.value)}`).join("");
      lines.push(`=${f.tag}  ${mrkBlanks(f.ind1 || " ")}${mrkBlanks(f.ind2 || " ")}${subfields}`);
    }
  }
  return lines.join("\n");
}

/** Whether an indicator position is blank (a space, or missing in a record being edited). */
export function isBlankIndicator(ind: string): boolean {
  return ind === "" || ind === " ";
}

/**
 * MARC language codes are ISO 639-2/B; Intl knows the /T forms. These are the codes that
 * differ between the two.
 */
const BIBLIOGRAPHIC_TO_TERMINOLOGIC: Record<string, string> = {
  alb: "sqi", arm: "hye", baq: "eus", bur: "mya", chi: "zho", cze: "ces", dut: "nld",
  fre: "fra", geo: "kat", ger: "deu", gre: "ell", ice: "isl", mac: "mkd", mao: "mri",
  may: "msa", per: "fas", rum: "ron", slo: "slk", tib: "bod", wel: "cym",
};

/** The name of a MARC language code in the UI language (`vie` -> "Tiếng Việt"), or the code. */
export function languageName(code: string, lang: Language): string {
  const normalized = code.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(normalized)) return code;
  try {
    const names = new Intl.DisplayNames([LOCALES[lang]], { type: "language", fallback: "none" });
    const name = names.of(BIBLIOGRAPHIC_TO_TERMINOLOGIC[normalized] ?? normalized);
    return name && name.toLowerCase() !== normalized ? name : code;
  } catch {
    return code;
  }
}

/** A date and time from the change log (RFC 3339, UTC) in the reader's locale and time zone. */
export function formatDateTime(iso: string, lang: Language, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** The history as the view lists it: newest first, ties kept in log order (later first). */
export function newestFirst(changes: readonly RecordChange[]): RecordChange[] {
  return changes
    .map((c, i) => ({ c, i, t: Date.parse(c.recorded_at) }))
    .sort((a, b) => {
      const at = Number.isNaN(a.t) ? 0 : a.t;
      const bt = Number.isNaN(b.t) ? 0 : b.t;
      return bt - at || b.i - a.i;
    })
    .map((x) => x.c);
}

/** The statuses a cataloger may set; the others belong to circulation. */
export const CATALOGING_STATUSES: readonly ItemStatus[] = [
  "available",
  "not_for_loan",
  "lost",
  "damaged",
  "withdrawn",
  "claimed_returned",
];

export const CIRCULATION_STATUSES: readonly ItemStatus[] = ["on_loan", "in_transit", "on_hold_shelf"];

export function isCirculationStatus(status: ItemStatus): boolean {
  return CIRCULATION_STATUSES.includes(status);
}

/** The item types every library uses. */
export const COMMON_ITEM_TYPES = ["book", "reference", "periodical", "audiobook", "ebook", "map", "dvd"] as const;

/** The item type choices: the common ones, then any other type this record's items use. */
export function itemTypeOptions(items: readonly Item[], current?: string): string[] {
  const options: string[] = [...COMMON_ITEM_TYPES];
  for (const type of [...items.map((i) => i.item_type), current ?? ""]) {
    if (type && !options.includes(type)) options.push(type);
  }
  return options;
}

/** The item type a new item starts with: what most of the record's items are, else a book. */
export function defaultItemType(items: readonly Item[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.item_type, (counts.get(item.item_type) ?? 0) + 1);
  let best = "book";
  let bestCount = 0;
  for (const [type, count] of counts) {
    if (count > bestCount) {
      best = type;
      bestCount = count;
    }
  }
  return best;
}

/** What the item form holds, as typed. */
export interface ItemDraft {
  barcode: string;
  branch_code: string;
  location: string;
  call_number: string;
  item_type: string;
  status: ItemStatus;
}

export type ItemField = "barcode" | "branch_code" | "location";
/** Keys under `items.errors`. */
export type ItemProblem = "barcodeRequired" | "barcodeSpaces" | "branchRequired" | "locationRequired";

/** The form's own checks, before anything is sent; the server still checks uniqueness. */
export function checkItem(draft: ItemDraft): Partial<Record<ItemField, ItemProblem>> {
  const problems: Partial<Record<ItemField, ItemProblem>> = {};
  const barcode = draft.barcode.trim();
  if (!barcode) problems.barcode = "barcodeRequired";
  else if (/\s/.test(barcode)) problems.barcode = "barcodeSpaces";
  if (!draft.branch_code) problems.branch_code = "branchRequired";
  if (!draft.location.trim()) problems.location = "locationRequired";
  return problems;
}

/** The draft as the back end takes it: trimmed, an empty call number as none. */
export function toItemInput(draft: ItemDraft): ItemInput {
  const callNumber = draft.call_number.trim();
  return {
    barcode: draft.barcode.trim(),
    branch_code: draft.branch_code,
    location: draft.location.trim(),
    call_number: callNumber ? callNumber : null,
    item_type: draft.item_type,
    status: draft.status,
  };
}

export function draftFromItem(item: Item): ItemDraft {
  return {
    barcode: item.barcode,
    branch_code: item.branch_code,
    location: item.location,
    call_number: item.call_number ?? "",
    item_type: item.item_type,
    status: item.status,
  };
}

/** A new item: the record's call number, and the branch and location of its last item. */
export function newItemDraft(items: readonly Item[], callNumber: string | null): ItemDraft {
  const last = items[items.length - 1];
  return {
    barcode: "",
    branch_code: last?.branch_code ?? "",
    location: last?.location ?? "",
    call_number: callNumber ?? "",
    item_type: defaultItemType(items),
    status: "available",
  };
}

/** Whether a link may be opened as one: the web and mail only, never `javascript:`. */
export function isSafeLink(url: string): boolean {
  return /^(https?:|mailto:)/i.test(url.trim());
}
