/**
 * Copy cataloging's pure logic, kept apart from the dialog so each rule has its own unit test:
 * the light ISBN check before a search, the labelled description of a target's record (the
 * record view's rules, applied to a MarcRecord the catalog does not hold yet), paging by SRU
 * `start`, the remembered target, and which kind of failure an ErrorPayload is.
 *
 * Nothing here talks to the back end; normalizing the ISBN and building the CQL is the SRU
 * client's (crates/sru/src/client.rs).
 */
import type { CopyQuery } from "../bindings/CopyQuery";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { MarcField } from "../bindings/MarcField";
import type { MarcRecord } from "../bindings/MarcRecord";

/** Records asked for in one page (the client allows up to 50; ten fit the list without scrolling far). */
export const COPY_PAGE_SIZE = 10;

/** Where the last target searched is remembered on this workstation. */
export const COPY_TARGET_STORAGE_KEY = "shelfmark.copy.target";

export function storedTarget(): string | null {
  try {
    return globalThis.localStorage?.getItem(COPY_TARGET_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function rememberTarget(name: string): void {
  try {
    globalThis.localStorage?.setItem(COPY_TARGET_STORAGE_KEY, name);
  } catch {
    // Without storage the choice lasts while the dialog is open.
  }
}

/** The target to start with: the remembered one while it is still configured, else the first. */
export function initialTarget(names: readonly string[], remembered: string | null): string {
  if (remembered !== null && names.includes(remembered)) return remembered;
  return names[0] ?? "";
}

export type SearchBy = CopyQuery["by"];
export const SEARCH_BY: readonly SearchBy[] = ["isbn", "title", "author"];

/** Keys under `copy.search.problem`. */
export type QueryProblem = "empty" | "isbnCharacters" | "isbnLength";

/**
 * A light check before asking the network: something typed and, for an ISBN, only digits
 * (with X as an ISBN-10's last character) once hyphens and spaces are taken out, 10 or 13 of
 * them. The check digit is the server's to judge (it normalizes and reports a wrong one).
 */
export function checkQuery(by: SearchBy, value: string): QueryProblem | null {
  const trimmed = value.trim();
  if (!trimmed) return "empty";
  if (by !== "isbn") return null;
  const compact = trimmed.replace(/[\s-]/g, "");
  if (!/^[0-9]*[0-9Xx]$/.test(compact)) return "isbnCharacters";
  if (compact.length !== 10 && compact.length !== 13) return "isbnLength";
  if (compact.length === 13 && /[Xx]/.test(compact)) return "isbnCharacters";
  return null;
}

export function toQuery(by: SearchBy, value: string): CopyQuery {
  return { by, value: value.trim() };
}

/** Where the pages before and after the one shown start, or null at either end. */
export function pageStarts(start: number, shown: number, total: number, size = COPY_PAGE_SIZE) {
  const previous = start > 1 ? Math.max(1, start - size) : null;
  const next = shown > 0 && start + shown <= total ? start + shown : null;
  return { previous, next, from: shown > 0 ? start : 0, to: start + shown - 1 };
}

/** The kind of failure, for a title and what to do in the cataloger's language. */
export type CopyFailure =
  | "invalidQuery"
  | "noTarget"
  | "timeout"
  | "unreachable"
  | "notSru"
  | "http"
  | "diagnostics"
  | "other";

/**
 * Which failure an error is. The code says an invalid search or a target no longer
 * configured; the SRU client's own failures (crates/sru/src/client.rs `SruError`) are told
 * apart by the sentence it writes, checked most specific first. The message itself is always
 * shown too, so an unrecognised one loses only its translated title.
 */
export function copyFailure(error: ErrorPayload): CopyFailure {
  const m = error.message;
  if (error.code === "not_found" && /copy target/i.test(m)) return "noTarget";
  if (/did not answer within/i.test(m)) return "timeout";
  if (/did not answer with SRU/i.test(m)) return "notSru";
  if (/did not answer/i.test(m)) return "unreachable";
  if (/answered HTTP \d+/i.test(m)) return "http";
  if (/refused the search/i.test(m)) return "diagnostics";
  if (error.code === "invalid_input") return "invalidQuery";
  return "other";
}

/** The failure's own words: the message, then the details when there are any. */
export function failureDetail(error: ErrorPayload): string {
  return [error.message, error.details].filter((s): s is string => !!s && s.trim() !== "").join(" — ");
}

// ---- The description of a target's record -------------------------------------------------

/**
 * Strips the ISBD punctuation that ends a MARC subfield (` /`, ` :`, ` ;`, `,`, `=`, a final
 * period after a word but not after an initial), as core's `trim_isbd` does.
 */
export function trimIsbd(s: string): string {
  let t = s.trim().replace(/[ /:;,=]+$/u, "");
  if (t.endsWith(".")) {
    const rest = t.slice(0, -1);
    const last = rest.slice(-1);
    if (!(last && last === last.toUpperCase() && last !== last.toLowerCase())) t = rest;
  }
  return t.trim().normalize("NFC");
}

type DataField = Extract<MarcField, { kind: "data" }>;

function dataFields(marc: MarcRecord, tags: readonly string[]): DataField[] {
  return marc.fields.filter((f): f is DataField => f.kind === "data" && tags.includes(f.tag));
}

function controlValue(marc: MarcRecord, tag: string): string | null {
  const f = marc.fields.find((x) => x.kind === "control" && x.tag === tag);
  return f && f.kind === "control" ? f.value : null;
}

/** A field's chosen subfields as one statement, as printed, trimmed at the end. */
function statement(field: DataField, wanted: (code: string) => boolean): string | null {
  const parts = field.subfields
    .filter((s) => wanted(s.code))
    .map((s) => s.value.trim())
    .filter((v) => v !== "");
  const joined = trimIsbd(parts.join(" "));
  return joined === "" ? null : joined;
}

/** The first of `tags` (in that order of preference) that gives a statement. */
function firstStatement(marc: MarcRecord, tags: readonly string[], wanted: (code: string) => boolean): string | null {
  for (const tag of tags) {
    for (const f of dataFields(marc, [tag])) {
      const s = statement(f, wanted);
      if (s) return s;
    }
  }
  return null;
}

function unique(values: Array<string | null>): string[] {
  const out: string[] = [];
  for (const v of values) if (v && !out.includes(v)) out.push(v);
  return out;
}

const isLetter = (c: string) => /^[a-z]$/.test(c);

/** One ISBN as the record writes it: the number and its qualifier ($q, or text after the number). */
export interface IsbnLine {
  value: string;
  qualifier: string | null;
}

/** What the preview lists, in the record view's order and with its labels (`record.fields.*`). */
export interface CopyDescription {
  title: string;
  responsibility: string | null;
  authors: string[];
  edition: string | null;
  publication: string | null;
  year: number | null;
  physicalDescription: string | null;
  series: string[];
  subjects: string[];
  notes: string[];
  isbn: IsbnLine[];
  issn: IsbnLine[];
  languages: string[];
  callNumber: string | null;
  controlNumber: string | null;
}

function identifierLines(marc: MarcRecord, tag: string): IsbnLine[] {
  const out: IsbnLine[] = [];
  for (const f of dataFields(marc, [tag])) {
    const q = f.subfields.filter((s) => s.code === "q").map((s) => s.value.trim()).filter(Boolean);
    for (const a of f.subfields.filter((s) => s.code === "a")) {
      const [number = "", ...rest] = a.value.trim().split(/\s+/);
      if (!number) continue;
      const qualifiers = [...rest.filter(Boolean), ...q].join(" ");
      out.push({ value: number, qualifier: qualifiers || null });
    }
  }
  return out;
}

function firstYear(s: string): number | null {
  const m = /\d{4}/.exec(s);
  return m ? Number(m[0]) : null;
}

/** The record described as the record view describes a catalog record (core's display rules). */
export function describeMarc(marc: MarcRecord): CopyDescription {
  const f245 = dataFields(marc, ["245"])[0];
  const title = f245
    ? f245.subfields
        .filter((s) => ["a", "b", "n", "p"].includes(s.code))
        .map((s) => trimIsbd(s.value))
        .filter(Boolean)
        .join(" : ")
    : "";
  const responsibility = f245 ? statement(f245, (c) => c === "c") : null;
  const authors = unique(
    dataFields(marc, ["100", "110", "111", "700", "710", "711"]).map((f) =>
      f.subfields
        .filter((s) => s.code === "a")
        .map((s) => trimIsbd(s.value))
        .join(" "),
    ),
  );
  const series: string[] = unique(
    dataFields(marc, ["490", "800", "810", "811", "830"]).map((f) =>
      statement(f, f.tag === "490" ? (c) => ["a", "v", "x"].includes(c) : (c) => isLetter(c) && c !== "w"),
    ),
  );
  const subjects = unique(
    dataFields(marc, ["600", "610", "611", "630", "648", "650", "651", "653", "655"]).map(
      (f) =>
        f.subfields
          .filter((s) => isLetter(s.code))
          .map((s) => trimIsbd(s.value))
          .filter(Boolean)
          .join(" -- ") || null,
    ),
  );
  const notes = marc.fields
    .filter((f): f is DataField => f.kind === "data" && f.tag.startsWith("5"))
    .map((f) =>
      f.subfields
        .filter((s) => isLetter(s.code))
        .map((s) => s.value.trim())
        .filter(Boolean)
        .join(" ")
        .normalize("NFC"),
    )
    .filter(Boolean);
  const f008 = controlValue(marc, "008") ?? "";
  const year008 = /^\d{4}$/.test(f008.slice(7, 11)) ? Number(f008.slice(7, 11)) : null;
  const yearPub =
    dataFields(marc, ["264", "260"])
      .flatMap((f) => f.subfields.filter((s) => s.code === "c"))
      .map((s) => firstYear(s.value))
      .find((y) => y !== null) ?? null;
  const lang008 = /^[a-z]{3}$/.test(f008.slice(35, 38)) ? f008.slice(35, 38) : null;
  const lang041 = dataFields(marc, ["041"])
    .flatMap((f) => f.subfields.filter((s) => s.code === "a"))
    .flatMap((s) => s.value.match(/.{1,3}/g) ?? [])
    .filter((c) => /^[A-Za-z]{3}$/.test(c))
    .map((c) => c.toLowerCase());
  const callNumber =
    ["050", "082", "090", "084", "092", "099"]
      .map((tag) => {
        const f = dataFields(marc, [tag])[0];
        if (!f) return null;
        const parts = f.subfields
          .filter((s) => s.code === "a" || s.code === "b")
          .map((s) => s.value.trim())
          .filter(Boolean);
        return parts.length ? parts.join(" ").normalize("NFC") : null;
      })
      .find((c) => c !== null) ?? null;
  const controlNumber = controlValue(marc, "001")?.trim() || null;
  return {
    title: title.normalize("NFC"),
    responsibility,
    authors,
    edition: firstStatement(marc, ["250"], (c) => c === "a" || c === "b"),
    publication: firstStatement(marc, ["264", "260"], (c) => c === "a" || c === "b" || c === "c"),
    year: year008 ?? yearPub,
    physicalDescription: firstStatement(marc, ["300"], isLetter),
    series,
    subjects,
    notes,
    isbn: identifierLines(marc, "020"),
    issn: identifierLines(marc, "022"),
    languages: unique([lang008, ...lang041]),
    callNumber,
    controlNumber,
  };
}
