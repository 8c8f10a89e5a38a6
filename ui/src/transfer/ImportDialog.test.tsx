import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportRequest } from "../bindings/ImportRequest";
import type { ImportSummary } from "../bindings/ImportSummary";
import type { JobProgress } from "../bindings/JobProgress";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { ImportDialog } from "./ImportDialog";
import { PROBLEM_ROWS_SHOWN } from "./transfer";
import { deferred, expectNoAxeViolations, press, pressEnter, renderIn, tab } from "./testKit";

const PREVIEW: ImportPreview = {
  path: "/home/thuvien/nhap/sach-2026.xml",
  format: "marcxml",
  size_bytes: 1_258_291, // 1.2 MB
  records: 12345,
  unreadable: 3,
  imported_before: false,
};

const SUMMARY: ImportSummary = {
  cancelled: false,
  read: 12345,
  added: 12000,
  overlaid: 40,
  skipped: 300,
  already_imported: 0,
  failed: 3,
  items_added: 15000,
  items_skipped: 1,
  problems: [
    {
      record: 17,
      offset: 48213,
      control_number: "vn0017",
      field: null,
      severity: "error",
      outcome: "record_refused",
      reason: "leader: record length 'x123' is not a number",
    },
    {
      record: 230,
      offset: 600123,
      control_number: "vn0230",
      field: "008",
      severity: "warning",
      outcome: "imported",
      reason: "008/35-37: language code 'xx' is unknown",
    },
    {
      record: 231,
      offset: 601000,
      control_number: "vn0231",
      field: "952",
      severity: "error",
      outcome: "item_skipped",
      reason: "barcode 000042 is used by another item",
    },
  ],
};

/** A fake api whose import runs until the test finishes it, sending progress on demand. */
function fakeApi(over: Partial<CatalogApi> = {}) {
  const run = deferred<ImportSummary>();
  let sendProgress: ((p: JobProgress) => void) | null = null;
  const api = {
    ...memoryApi(0),
    previewImport: vi.fn(async (_path: string) => PREVIEW),
    runImport: vi.fn((_req: ImportRequest, onProgress: (p: JobProgress) => void) => {
      sendProgress = onProgress;
      return run.promise;
    }),
    cancelJob: vi.fn(async () => {}),
    pickFile: vi.fn(async () => PREVIEW.path as string | null),
    ...over,
  };
  const progress = (records: number, records_total = 12345) =>
    act(() => sendProgress!({ records, records_total, bytes_done: 0, bytes_total: 0 }));
  const finish = async (summary: ImportSummary) => {
    await act(async () => run.resolve(summary));
  };
  return { api, progress, finish, run };
}

function open(lang: Language, api: CatalogApi) {
  const onClose = vi.fn();
  const onImported = vi.fn();
  const onError = vi.fn();
  const r = renderIn(lang, <ImportDialog api={api} onClose={onClose} onImported={onImported} onError={onError} />);
  return { ...r, onClose, onImported, onError };
}

async function choosePath(path = PREVIEW.path) {
  const field = screen.getByTestId("import-path");
  fireEvent.change(field, { target: { value: path } });
  press(field, "Enter");
  await screen.findByTestId("import-preview");
}

const TEXT = {
  en: {
    format: "MARCXML",
    size: "1.2 MB",
    records: "12,345",
    unreadable: "3 records cannot be read and will be listed in the report.",
    progress: "6,000 / 12,345 records",
    percent: "40% done",
    added: "12,000",
    refused: "Record refused",
    itemSkipped: "Item skipped",
    warned: "Imported with warning",
    defaultMatch: "Control number (001)",
  },
  vi: {
    format: "MARCXML",
    size: "1,2 MB",
    records: "12.345",
    unreadable: "3 biểu ghi không đọc được và sẽ được liệt kê trong báo cáo.",
    progress: "6.000 / 12.345 biểu ghi",
    percent: "Đã xong 40%",
    added: "12.000",
    refused: "Biểu ghi bị từ chối",
    itemSkipped: "Bỏ qua bản",
    warned: "Đã nhập, có cảnh báo",
    defaultMatch: "Số kiểm soát (001)",
  },
} as const;

describe("ImportDialog", () => {
  for (const lang of ["en", "vi"] as const) {
    it(`imports a file from preview to report, accessible at every step (${lang})`, async () => {
      const text = TEXT[lang];
      const { api, progress, finish } = fakeApi();
      const { container, onImported, onClose, onError } = open(lang, api);
      const dialog = screen.getByRole("dialog");
      expect(dialog).toHaveProperty("open", true);
      await expectNoAxeViolations(container);

      // Step 1 and 2: a pasted path and Enter read the file.
      await choosePath();
      expect(api.previewImport).toHaveBeenCalledWith(PREVIEW.path);
      expect(screen.getByTestId("preview-format").textContent).toBe(text.format);
      expect(screen.getByTestId("preview-size").textContent).toBe(text.size);
      expect(screen.getByTestId("preview-records").textContent).toBe(text.records);
      expect(screen.getByTestId("preview-unreadable").textContent).toBe(text.unreadable);
      expect(screen.queryByTestId("preview-imported-before")).toBeNull();

      // Step 3: defaults are control number + skip; the choice is labelled by its text.
      const match = screen.getByRole("radio", { name: text.defaultMatch }) as HTMLInputElement;
      expect(match.checked).toBe(true);
      expect((screen.getByTestId("policy-skip") as HTMLInputElement).checked).toBe(true);
      fireEvent.click(screen.getByTestId("policy-overlay"));
      fireEvent.change(screen.getByTestId("import-format"), { target: { value: "iso2709" } });
      await expectNoAxeViolations(container);

      // Step 4: run, with progress.
      fireEvent.click(screen.getByTestId("import-start"));
      expect(api.runImport).toHaveBeenCalledWith(
        { path: PREVIEW.path, format: "iso2709", match_on: "control_number", on_match: "overlay" },
        expect.any(Function),
      );
      const bar = screen.getByTestId("import-progress-bar") as HTMLProgressElement;
      expect(bar.hasAttribute("value")).toBe(false); // indeterminate until the first event
      progress(6000);
      expect(bar.getAttribute("value")).toBe("6000");
      expect(bar.getAttribute("max")).toBe("12345");
      expect(screen.getByTestId("import-progress-text").textContent).toBe(text.progress);
      expect(screen.getByTestId("import-progress-status").textContent!.replace(/\s/g, "")).toBe(
        text.percent.replace(/\s/g, ""),
      );
      expect(screen.getByRole("status").textContent).toBeTruthy();
      await expectNoAxeViolations(container);
      progress(12345);
      expect(bar.getAttribute("value")).toBe("12345");

      // Step 5: the report.
      await finish(SUMMARY);
      const report = screen.getByTestId("import-report");
      expect(within(screen.getByTestId("count-added")).getByText(text.added)).toBeTruthy();
      expect(screen.queryByTestId("report-cancelled")).toBeNull();
      const rows = screen.getAllByTestId("problem-row");
      expect(rows).toHaveLength(3);
      expect(within(rows[0]!).getByText(text.refused)).toBeTruthy();
      expect(within(rows[0]!).getByText("vn0017")).toBeTruthy();
      expect(within(rows[0]!).getByText("leader: record length 'x123' is not a number")).toBeTruthy();
      expect(within(rows[1]!).getByText(text.warned)).toBeTruthy();
      expect(within(rows[2]!).getByText(text.itemSkipped)).toBeTruthy();
      expect(within(report).getByRole("table")).toBeTruthy();
      expect(onImported).toHaveBeenCalledWith(SUMMARY);
      expect(onError).not.toHaveBeenCalled();
      // The report's heading takes focus so it is read out.
      expect(document.activeElement?.tagName).toBe("H3");
      await expectNoAxeViolations(container);

      fireEvent.click(screen.getByTestId("import-done"));
      expect(onClose).toHaveBeenCalledTimes(1);
    });
  }

  it("cancels: Cancel is called, the button says so, Esc waits, and the report says what stayed", async () => {
    const { api, progress, finish } = fakeApi();
    const { onImported, onClose } = open("en", api);
    await choosePath();
    fireEvent.click(screen.getByTestId("import-start"));
    progress(100);
    expect(screen.getByTestId("import-cancel-explain").textContent).toMatch(/records already committed stay/);

    // Esc while running: handled (the app must not navigate) but the dialog stays.
    expect(press(screen.getByRole("dialog"), "Escape")).toBe(true);
    expect(onClose).not.toHaveBeenCalled();

    const cancel = screen.getByTestId("import-cancel") as HTMLButtonElement;
    expect(cancel.textContent).toBe("Cancel");
    await act(async () => {
      fireEvent.click(cancel);
    });
    expect(api.cancelJob).toHaveBeenCalledTimes(1);
    expect(cancel.textContent).toBe("Cancelling…");
    expect(cancel.disabled).toBe(true);
    expect(screen.getByTestId("import-progress-status").textContent).toBe("Cancelling…");

    const cancelled = { ...SUMMARY, cancelled: true, read: 100, added: 100, overlaid: 0, problems: [] };
    await finish(cancelled);
    expect(screen.getByTestId("report-cancelled").textContent).toMatch(/cancelled.*stay in the catalog/);
    expect(screen.getByTestId("report-no-problems")).toBeTruthy();
    expect(onImported).toHaveBeenCalledWith(cancelled);

    // Once it ended, Esc closes.
    press(screen.getByRole("dialog"), "Escape");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("does not report a change when a cancelled run wrote nothing", async () => {
    const { api, finish } = fakeApi();
    const { onImported } = open("vi", api);
    await choosePath();
    fireEvent.click(screen.getByTestId("import-start"));
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-cancel"));
    });
    expect(screen.getByTestId("import-cancel").textContent).toBe("Đang hủy…");
    await finish({ ...SUMMARY, cancelled: true, read: 0, added: 0, overlaid: 0, items_added: 0, problems: [] });
    expect(screen.getByTestId("report-cancelled").textContent).toMatch(/đã bị hủy/);
    expect(onImported).not.toHaveBeenCalled();
  });

  it("shows a missing file in the dialog, with what to do, and cannot start", async () => {
    const { api } = fakeApi({
      previewImport: vi.fn(async () => Promise.reject({ code: "not_found", message: "no such file: /x.mrc", details: null })),
    });
    const { onError, container } = open("en", api);
    const field = screen.getByTestId("import-path");
    fireEvent.change(field, { target: { value: "/x.mrc" } });
    press(field, "Enter");
    const alert = await screen.findByTestId("import-preview-error");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("The file was not found.");
    expect(alert.textContent).toContain("choose the file with Browse…");
    expect(alert.textContent).toContain("no such file: /x.mrc");
    expect((screen.getByTestId("import-start") as HTMLButtonElement).disabled).toBe(true);
    expect(onError).not.toHaveBeenCalled();
    await expectNoAxeViolations(container);

    // Typing another path clears the old error.
    fireEvent.change(field, { target: { value: "/y.mrc" } });
    expect(screen.queryByTestId("import-preview-error")).toBeNull();
  });

  it("explains a folder or unknown format in Vietnamese; a storage failure also reaches the app", async () => {
    const previewImport = vi
      .fn<(path: string) => Promise<ImportPreview>>()
      .mockRejectedValueOnce({ code: "invalid_input", message: "is a directory", details: null })
      .mockRejectedValueOnce({ code: "storage", message: "disk I/O error", details: null });
    const { api } = fakeApi({ previewImport });
    const { onError, container } = open("vi", api);
    await act(async () => {
      pressEnter(screen.getByTestId("import-browse"));
    });
    const alert = await screen.findByTestId("import-preview-error");
    expect(alert.textContent).toContain("Không thể nhập tệp này.");
    expect(alert.textContent).toContain("không phải thư mục");
    expect(onError).not.toHaveBeenCalled();
    await expectNoAxeViolations(container);

    press(screen.getByTestId("import-path"), "Enter");
    await waitFor(() => expect(screen.getByTestId("import-preview-error").dataset.code).toBe("storage"));
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it("warns when the file was imported before", async () => {
    const { api } = fakeApi({ previewImport: vi.fn(async () => ({ ...PREVIEW, imported_before: true, unreadable: 0 })) });
    const { container } = open("en", api);
    await choosePath();
    expect(screen.getByTestId("preview-imported-before").textContent).toBe(
      "This file was imported before; records already imported from it will not be added twice.",
    );
    expect(screen.queryByTestId("preview-unreadable")).toBeNull();
    await expectNoAxeViolations(container);
  });

  it("says in words that another job is running, and lets the cataloger try again", async () => {
    const { api } = fakeApi({
      runImport: vi.fn(async () => Promise.reject({ code: "job_running", message: "export running", details: null })),
    });
    const { onError, container } = open("en", api);
    await choosePath();
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-start"));
    });
    const alert = screen.getByTestId("import-run-error");
    expect(alert.textContent).toContain("Another import or export is running.");
    expect(alert.textContent).toContain("Wait for it to finish or cancel it");
    expect((screen.getByTestId("import-start") as HTMLButtonElement).disabled).toBe(false);
    expect(onError).not.toHaveBeenCalled();
    await expectNoAxeViolations(container);
  });

  it("filters the problems and copies the report", async () => {
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
    const { api, finish } = fakeApi();
    const { container } = open("en", api);
    await choosePath();
    fireEvent.click(screen.getByTestId("import-start"));
    await finish(SUMMARY);

    expect(screen.getAllByTestId("problem-row")).toHaveLength(3);
    expect(screen.getByText("Problems found (3 of 3 shown)")).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: "Errors only (2)" }));
    const rows = screen.getAllByTestId("problem-row");
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.className)).toEqual(["severity-error", "severity-error"]);
    expect(screen.getByText("Problems found (2 of 3 shown)")).toBeTruthy();
    await expectNoAxeViolations(container);

    await act(async () => {
      fireEvent.click(screen.getByTestId("report-copy"));
    });
    expect(writeText).toHaveBeenCalledTimes(1);
    const copied = writeText.mock.calls[0]![0];
    expect(copied).toContain("Import report");
    expect(copied).toContain("Records added: 12,000");
    expect(copied).toContain("17\t48,213\tvn0017\t\tError\tRecord refused");
    expect(copied).not.toContain("language code 'xx'"); // the filtered-out warning
    expect(screen.getByTestId("copy-status").textContent).toBe("The report was copied to the clipboard.");

    fireEvent.click(screen.getByRole("radio", { name: "All problems (3)" }));
    writeText.mockRejectedValueOnce(new Error("denied"));
    await act(async () => {
      fireEvent.click(screen.getByTestId("report-copy"));
    });
    expect(screen.getByTestId("copy-status").textContent).toMatch(/could not be copied.*Ctrl\+C/);
    Reflect.deleteProperty(navigator, "clipboard");
  });

  it("draws the first rows of a huge report and copies them all", async () => {
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
    const many = Array.from({ length: PROBLEM_ROWS_SHOWN + 700 }, (_, i) => ({ ...SUMMARY.problems[0]!, record: i + 1 }));
    const { api, finish } = fakeApi();
    open("en", api);
    await choosePath();
    fireEvent.click(screen.getByTestId("import-start"));
    await finish({ ...SUMMARY, problems: many });
    expect(screen.getAllByTestId("problem-row")).toHaveLength(PROBLEM_ROWS_SHOWN);
    expect(screen.getByTestId("report-truncated").textContent).toBe(
      "Only the first 500 of 1,200 problems are listed here; Copy report copies them all.",
    );
    await act(async () => {
      fireEvent.click(screen.getByTestId("report-copy"));
    });
    expect(writeText.mock.calls[0]![0].split("\n").filter((l) => l.includes("Record refused"))).toHaveLength(1200);
    Reflect.deleteProperty(navigator, "clipboard");
  });

  it("copies gracefully where there is no clipboard", async () => {
    Reflect.deleteProperty(navigator, "clipboard");
    const { api, finish } = fakeApi();
    open("vi", api);
    await choosePath();
    fireEvent.click(screen.getByTestId("import-start"));
    await finish(SUMMARY);
    await act(async () => {
      fireEvent.click(screen.getByTestId("report-copy"));
    });
    expect(screen.getByTestId("copy-status").textContent).toMatch(/Không sao chép được/);
  });

  it("works by keyboard alone: Tab order, Enter on Browse, arrows in the radio groups, Esc", async () => {
    const { api, progress, finish } = fakeApi();
    const opener = document.createElement("button");
    opener.textContent = "Import";
    document.body.appendChild(opener);
    opener.focus();
    const { onClose, unmount } = open("en", api);

    // Focus starts in the path field; Read is skipped while the field is empty and Import while nothing is read.
    const path = screen.getByTestId("import-path");
    expect(document.activeElement).toBe(path);
    expect(tab()).toBe(screen.getByTestId("import-browse"));
    expect(tab()).toBe(screen.getByTestId("import-close"));
    expect(tab()).toBe(path); // trapped: wraps to the first
    expect(tab(true)).toBe(screen.getByTestId("import-close")); // and back

    // Enter on Browse opens the picker; the file it returns is read.
    screen.getByTestId("import-browse").focus();
    await act(async () => {
      pressEnter(screen.getByTestId("import-browse"));
    });
    expect(api.pickFile).toHaveBeenCalledWith("open");
    await screen.findByTestId("import-preview");
    expect((path as HTMLInputElement).value).toBe(PREVIEW.path);

    // The match group is one Tab stop; arrows move the choice and wrap.
    screen.getByTestId("import-browse").focus();
    expect(tab()).toBe(screen.getByTestId("match-control_number"));
    expect(tab()).toBe(screen.getByTestId("policy-skip"));
    expect(tab()).toBe(screen.getByTestId("import-format"));
    expect(tab()).toBe(screen.getByTestId("import-close"));
    expect(tab()).toBe(screen.getByTestId("import-start"));
    expect(tab()).toBe(path);

    const matchRadio = screen.getByTestId("match-control_number");
    matchRadio.focus();
    expect(press(matchRadio, "ArrowDown")).toBe(true);
    expect(document.activeElement).toBe(screen.getByTestId("match-isbn"));
    expect((screen.getByTestId("match-isbn") as HTMLInputElement).checked).toBe(true);
    press(document.activeElement!, "ArrowDown");
    expect((screen.getByTestId("match-none") as HTMLInputElement).checked).toBe(true);
    // Without matching the policy does not apply, so its group leaves the Tab order.
    expect((screen.getByTestId("policy-skip") as HTMLInputElement).matches(":disabled")).toBe(true);
    press(document.activeElement!, "ArrowDown");
    expect((screen.getByTestId("match-control_number") as HTMLInputElement).checked).toBe(true);
    press(document.activeElement!, "ArrowUp");
    expect((screen.getByTestId("match-none") as HTMLInputElement).checked).toBe(true);
    press(document.activeElement!, "ArrowUp");
    press(document.activeElement!, "ArrowUp");
    expect((screen.getByTestId("match-control_number") as HTMLInputElement).checked).toBe(true);

    const policy = screen.getByTestId("policy-skip");
    policy.focus();
    press(policy, "ArrowRight");
    expect((screen.getByTestId("policy-overlay") as HTMLInputElement).checked).toBe(true);

    // Enter on Import runs; focus goes to the running step's heading, and Tab stays in the dialog.
    pressEnter(screen.getByTestId("import-start"));
    expect(vi.mocked(api.runImport).mock.calls[0]![0]).toMatchObject({ match_on: "control_number", on_match: "overlay", format: null });
    progress(10);
    expect(document.activeElement?.textContent).toBe("Importing…");
    expect(tab()).toBe(screen.getByTestId("import-cancel"));
    expect(tab()).toBe(screen.getByTestId("import-cancel"));
    await finish(SUMMARY);

    // The report: heading focused, then filter, table region, Copy, Import another, Close.
    expect(tab()).toBe(screen.getByTestId("filter-all"));
    press(document.activeElement!, "ArrowDown");
    expect(screen.getAllByTestId("problem-row")).toHaveLength(2);
    expect(tab()?.getAttribute("role")).toBe("region");
    expect(tab()).toBe(screen.getByTestId("report-copy"));
    expect(tab()).toBe(screen.getByTestId("import-again"));
    expect(tab()).toBe(screen.getByTestId("import-done"));

    // Esc closes when nothing runs, and is kept from the app.
    expect(press(screen.getByTestId("import-done"), "Escape")).toBe(true);
    expect(onClose).toHaveBeenCalledTimes(1);
    unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });

  it("starts again from the path after a report", async () => {
    const { api, finish } = fakeApi();
    open("en", api);
    await choosePath();
    fireEvent.click(screen.getByTestId("import-start"));
    await finish({ ...SUMMARY, problems: [] });
    fireEvent.click(screen.getByTestId("import-again"));
    const path = screen.getByTestId("import-path") as HTMLInputElement;
    expect(path.value).toBe("");
    expect(document.activeElement).toBe(path);
    expect(screen.queryByTestId("import-preview")).toBeNull();
  });

  it("keeps the dialog open when the picker is closed", async () => {
    const { api } = fakeApi({ pickFile: vi.fn(async () => null) });
    open("en", api);
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-browse"));
    });
    expect(api.previewImport).not.toHaveBeenCalled();
    expect(screen.getByTestId("import-dialog")).toBeTruthy();
  });
});
