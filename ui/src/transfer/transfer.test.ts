import { describe, expect, it } from "vitest";
import type { ImportProblemEntry } from "../bindings/ImportProblemEntry";
import type { ImportSummary } from "../bindings/ImportSummary";
import { createI18n } from "../i18n";
import {
  filterProblems,
  formatFileSize,
  progressDecile,
  progressMeasure,
  reportText,
  suggestedExportName,
  switchExtension,
  wroteRecords,
} from "./transfer";

const problem = (over: Partial<ImportProblemEntry>): ImportProblemEntry => ({
  record: 3,
  offset: 1834,
  control_number: "vn000123",
  field: "245",
  severity: "error",
  outcome: "record_refused",
  reason: "leader length is not a number",
  ...over,
});

const summary = (over: Partial<ImportSummary> = {}): ImportSummary => ({
  cancelled: false,
  read: 12345,
  added: 12000,
  overlaid: 0,
  skipped: 300,
  already_imported: 0,
  failed: 45,
  items_added: 15000,
  items_skipped: 2,
  problems: [],
  ...over,
});

describe("export file names", () => {
  it("suggests shelfmark-<local date> with the format's extension", () => {
    const day = new Date(2026, 10, 26, 23, 59);
    expect(suggestedExportName("iso2709", day)).toBe("shelfmark-2026-11-26.mrc");
    expect(suggestedExportName("marcxml", day)).toBe("shelfmark-2026-11-26.xml");
    expect(suggestedExportName("mrk", new Date(2027, 0, 5))).toBe("shelfmark-2027-01-05.mrk");
    expect(suggestedExportName("json_lines", day)).toBe("shelfmark-2026-11-26.jsonl");
  });

  it("switches the extension only when the path carries the old format's", () => {
    expect(switchExtension("/srv/out/catalog.mrc", "iso2709", "marcxml")).toBe("/srv/out/catalog.xml");
    expect(switchExtension("C:\\Xuat\\ds.MRC", "iso2709", "mrk")).toBe("C:\\Xuat\\ds.mrk");
    expect(switchExtension("/srv/out/catalog.dat", "iso2709", "marcxml")).toBe("/srv/out/catalog.dat");
    expect(switchExtension("", "iso2709", "json")).toBe("");
    expect(switchExtension("/a/b.json", "json", "json_lines")).toBe("/a/b.jsonl");
  });
});

describe("sizes and progress", () => {
  it("formats sizes in the locale with binary units", () => {
    expect(formatFileSize(512, "en")).toBe("512 B");
    expect(formatFileSize(1536, "en")).toBe("1.5 KB");
    expect(formatFileSize(1536, "vi")).toBe("1,5 KB");
    expect(formatFileSize(5 * 1024 * 1024 + 300 * 1024, "vi")).toBe("5,3 MB");
    expect(formatFileSize(3 * 1024 ** 3, "en")).toBe("3 GB");
  });

  it("measures by records, then bytes, else is indeterminate", () => {
    expect(progressMeasure(null)).toBeNull();
    expect(progressMeasure({ records: 5, records_total: 10, bytes_done: 1, bytes_total: 100 })).toEqual({ value: 5, max: 10 });
    expect(progressMeasure({ records: 5, records_total: 0, bytes_done: 40, bytes_total: 100 })).toEqual({ value: 40, max: 100 });
    expect(progressMeasure({ records: 5, records_total: 0, bytes_done: 40, bytes_total: 0 })).toBeNull();
    // A total that was underestimated never draws past the end.
    expect(progressMeasure({ records: 12, records_total: 10, bytes_done: 0, bytes_total: 0 })).toEqual({ value: 10, max: 10 });
  });

  it("announces in tenths", () => {
    const at = (records: number) => progressDecile({ records, records_total: 200, bytes_done: 0, bytes_total: 0 });
    expect(at(0)).toBe(0);
    expect(at(19)).toBe(0);
    expect(at(20)).toBe(1);
    expect(at(199)).toBe(9);
    expect(at(200)).toBe(10);
    expect(progressDecile(null)).toBeNull();
  });
});

describe("report", () => {
  const problems = [
    problem({}),
    problem({ record: 9, severity: "warning", outcome: "imported", reason: "008/07-10 is blank", field: "008" }),
    problem({ record: null, offset: null, control_number: null, field: "952", outcome: "item_skipped", reason: "barcode 0042 in use" }),
  ];

  it("filters errors only", () => {
    expect(filterProblems(problems, "all")).toHaveLength(3);
    expect(filterProblems(problems, "errors").map((p) => p.outcome)).toEqual(["record_refused", "item_skipped"]);
  });

  it("knows when the catalog changed", () => {
    expect(wroteRecords(summary())).toBe(true);
    expect(wroteRecords(summary({ added: 0, items_added: 0 }))).toBe(false);
    expect(wroteRecords(summary({ added: 0, items_added: 0, overlaid: 1 }))).toBe(true);
  });

  it("is plain text with translated, tab-separated rows", () => {
    const i18n = createI18n("en");
    const text = reportText(summary({ cancelled: true, problems }), problems, "/data/in.mrc", i18n.t, "en");
    const lines = text.split("\n");
    expect(lines[0]).toBe("Import report");
    expect(lines[1]).toBe("File: /data/in.mrc");
    expect(lines[2]).toMatch(/^The import was cancelled/);
    expect(text).toContain("Records read: 12,345");
    expect(text).toContain("Record no.\tByte offset\t001\tField\tSeverity\tOutcome\tReason");
    expect(text).toContain("3\t1,834\tvn000123\t245\tError\tRecord refused\tleader length is not a number");
    expect(text).toContain("9\t1,834\tvn000123\t008\tWarning\tImported with warning\t008/07-10 is blank");
    expect(text).toContain("\t\t\t952\tError\tItem skipped\tbarcode 0042 in use");
  });

  it("reads in Vietnamese with Vietnamese numbers", () => {
    const i18n = createI18n("vi");
    const text = reportText(summary(), [], "/d/a.xml", i18n.t, "vi");
    expect(text).toContain("Biểu ghi đã đọc: 12.345");
    expect(text).toContain("Bản đã thêm: 15.000");
    expect(text).toContain("Không có vấn đề");
    expect(text).not.toContain("hủy");
  });
});
