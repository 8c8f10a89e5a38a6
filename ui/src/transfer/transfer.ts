/**
 * The import and export dialogs' logic that needs no DOM: file names and extensions per
 * format, sizes and progress in the reader's locale, and the import report as plain text.
 * Kept apart so it is unit-tested directly and the dialogs stay about interaction.
 */
import type { TFunction } from "i18next";
import type { ImportProblemEntry } from "../bindings/ImportProblemEntry";
import type { ImportSummary } from "../bindings/ImportSummary";
import type { JobProgress } from "../bindings/JobProgress";
import type { MarcFormat } from "../bindings/MarcFormat";
import { LOCALES, formatNumber, type Language } from "../i18n";

/** Every format, in the order the dialogs list them. */
export const FORMATS: readonly MarcFormat[] = ["iso2709", "marcxml", "mrk", "json", "json_lines"];

/** The extension each format's files conventionally carry (MarcEdit's and Koha's habits). */
export const EXTENSIONS: Record<MarcFormat, string> = {
  iso2709: ".mrc",
  marcxml: ".xml",
  mrk: ".mrk",
  json: ".json",
  json_lines: ".jsonl",
};

/** `shelfmark-2026-11-26.mrc`: the catalog's name and the local date, so exports sort by day. */
export function suggestedExportName(format: MarcFormat, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return `shelfmark-${day}${EXTENSIONS[format]}`;
}

/**
 * The path with the extension of `to` when it carries the extension of `from` (the cataloger
 * switched format after choosing a name); any other name is theirs and left alone.
 */
export function switchExtension(path: string, from: MarcFormat, to: MarcFormat): string {
  const old = EXTENSIONS[from];
  if (from === to || !path.toLowerCase().endsWith(old)) return path;
  return path.slice(0, path.length - old.length) + EXTENSIONS[to];
}

/** A file size in B, KB or MB (1024-based, as file managers on Windows show it), in the locale. */
export function formatFileSize(bytes: number, lang: Language): string {
  const unit = (value: number, name: string, digits: number) =>
    `${new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits }).format(value)} ${name}`;
  if (bytes < 1024) return unit(bytes, "B", 0);
  if (bytes < 1024 * 1024) return unit(bytes / 1024, "KB", 1);
  if (bytes < 1024 * 1024 * 1024) return unit(bytes / (1024 * 1024), "MB", 1);
  return unit(bytes / (1024 * 1024 * 1024), "GB", 2);
}

/** What the `<progress>` element shows: records when their total is known, else bytes, else indeterminate. */
export function progressMeasure(p: JobProgress | null): { value: number; max: number } | null {
  if (!p) return null;
  if (p.records_total > 0) return { value: Math.min(p.records, p.records_total), max: p.records_total };
  if (p.bytes_total > 0) return { value: Math.min(p.bytes_done, p.bytes_total), max: p.bytes_total };
  return null;
}

/**
 * The tenth of the work done (0-10), or null when unknown. The live region speaks only when
 * this changes, so a screen reader hears "30 %" rather than every one of thousands of events.
 */
export function progressDecile(p: JobProgress | null): number | null {
  const m = progressMeasure(p);
  if (!m) return null;
  return Math.floor((m.value / m.max) * 10);
}

/**
 * Rows the problems table draws. A damaged 1 GB file can report hundreds of thousands of
 * problems; drawing them all would freeze the window, and Copy report gives them all anyway.
 */
export const PROBLEM_ROWS_SHOWN = 500;

export type ProblemFilter = "all" | "errors";

export function filterProblems(problems: readonly ImportProblemEntry[], filter: ProblemFilter): ImportProblemEntry[] {
  return filter === "all" ? [...problems] : problems.filter((p) => p.severity === "error");
}

/** Whether the run wrote anything the catalog screens must show (also true for a cancelled run). */
export function wroteRecords(summary: ImportSummary): boolean {
  return summary.added + summary.overlaid + summary.items_added > 0;
}

/** The counts the report lists, in order, with their translation keys. */
export const SUMMARY_COUNTS = [
  "read",
  "added",
  "overlaid",
  "skipped",
  "already_imported",
  "failed",
  "items_added",
  "items_skipped",
] as const satisfies readonly (keyof ImportSummary)[];

/**
 * The report as plain text for the clipboard: a heading, the counts, then one line per
 * problem with tab-separated columns so it pastes into a spreadsheet as a table.
 */
export function reportText(
  summary: ImportSummary,
  problems: readonly ImportProblemEntry[],
  path: string,
  t: TFunction,
  lang: Language,
): string {
  const n = (v: number) => formatNumber(v, lang);
  const lines: string[] = [t("transfer.report.title"), t("transfer.report.file", { path })];
  if (summary.cancelled) lines.push(t("transfer.report.cancelled"));
  lines.push("");
  for (const key of SUMMARY_COUNTS) lines.push(`${t(`transfer.report.counts.${key}`)}: ${n(summary[key])}`);
  lines.push("");
  if (problems.length === 0) {
    lines.push(t("transfer.report.noProblems"));
  } else {
    const columns = ["record", "offset", "controlNumber", "field", "severity", "outcome", "reason"] as const;
    lines.push(columns.map((c) => t(`transfer.report.columns.${c}`)).join("\t"));
    for (const p of problems) {
      lines.push(
        [
          p.record === null ? "" : n(p.record),
          p.offset === null ? "" : n(p.offset),
          p.control_number ?? "",
          p.field ?? "",
          t(`transfer.severity.${p.severity}`),
          t(`transfer.outcome.${p.outcome}`),
          p.reason,
        ].join("\t"),
      );
    }
  }
  return lines.join("\n");
}
