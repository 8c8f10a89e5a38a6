import { act, fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { ExportRequest } from "../bindings/ExportRequest";
import type { ExportSummary } from "../bindings/ExportSummary";
import type { JobProgress } from "../bindings/JobProgress";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { ExportDialog } from "./ExportDialog";
import { deferred, expectNoAxeViolations, press, pressEnter, renderIn, tab } from "./testKit";

function fakeApi(over: Partial<CatalogApi> = {}) {
  const run = deferred<ExportSummary>();
  let sendProgress: ((p: JobProgress) => void) | null = null;
  const api = {
    ...memoryApi(0),
    runExport: vi.fn((_req: ExportRequest, onProgress: (p: JobProgress) => void) => {
      sendProgress = onProgress;
      return run.promise;
    }),
    cancelJob: vi.fn(async () => {}),
    pickFile: vi.fn(async (_mode: "open" | "save", name?: string) => `/home/thuvien/xuat/${name}` as string | null),
    ...over,
  };
  const progress = (records: number, records_total: number, bytes_done = 0) =>
    act(() => sendProgress!({ records, records_total, bytes_done, bytes_total: 0 }));
  const finish = async (summary: ExportSummary) => {
    await act(async () => run.resolve(summary));
  };
  return { api, progress, finish };
}

function open(lang: Language, api: CatalogApi, query = "") {
  const onClose = vi.fn();
  const onError = vi.fn();
  const r = renderIn(lang, <ExportDialog api={api} query={query} onClose={onClose} onError={onError} />);
  return { ...r, onClose, onError };
}

const radio = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe("ExportDialog", () => {
  it("offers the current search only when there is one", () => {
    const { api } = fakeApi();
    const { unmount } = open("en", api, "");
    expect(screen.getAllByRole("radio", { name: /catalog|search/ }).map((r) => r.getAttribute("data-testid"))).toEqual([
      "scope-all",
    ]);
    expect(radio("scope-all").checked).toBe(true);
    unmount();

    open("en", api, "  ");
    expect(screen.queryByTestId("scope-search")).toBeNull();
  });

  it("shows the query text with the current-search choice", () => {
    const { api } = fakeApi();
    open("vi", api, "tác giả:Nguyễn Du");
    const search = screen.getByRole("radio", { name: "Kết quả tìm kiếm hiện tại" });
    expect(search.getAttribute("aria-describedby")).toBeTruthy();
    expect(document.getElementById(search.getAttribute("aria-describedby")!)!.textContent).toBe(
      "Tìm kiếm: tác giả:Nguyễn Du",
    );
  });

  for (const lang of ["en", "vi"] as const) {
    it(`exports the current search: the request, progress and result, accessible at every step (${lang})`, async () => {
      const { api, progress, finish } = fakeApi();
      const { container, onClose, onError } = open(lang, api, "ha noi");
      await expectNoAxeViolations(container);
      expect((screen.getByTestId("export-start") as HTMLButtonElement).disabled).toBe(true);

      fireEvent.click(radio("scope-search"));
      fireEvent.click(radio("format-marcxml"));
      await act(async () => {
        fireEvent.click(screen.getByTestId("export-browse"));
      });
      const [mode, suggested] = vi.mocked(api.pickFile).mock.calls[0]!;
      expect(mode).toBe("save");
      expect(suggested).toMatch(/^shelfmark-\d{4}-\d{2}-\d{2}\.xml$/);
      const path = `/home/thuvien/xuat/${suggested}`;
      expect((screen.getByTestId("export-path") as HTMLInputElement).value).toBe(path);
      await expectNoAxeViolations(container);

      fireEvent.click(screen.getByTestId("export-start"));
      expect(api.runExport).toHaveBeenCalledWith({ path, format: "marcxml", query: "ha noi" }, expect.any(Function));
      progress(500, 1000);
      const bar = screen.getByTestId("export-progress-bar");
      expect(bar.getAttribute("value")).toBe("500");
      expect(bar.getAttribute("max")).toBe("1000");
      expect(screen.getByTestId("export-progress-text").textContent).toBe(
        lang === "en" ? "500 / 1,000 records" : "500 / 1.000 biểu ghi",
      );
      await expectNoAxeViolations(container);

      await finish({ path, records: 12345, cancelled: false });
      expect(screen.getByTestId("export-result-text").textContent).toBe(
        lang === "en" ? `12,345 records written to ${path}.` : `Đã ghi 12.345 biểu ghi vào ${path}.`,
      );
      await expectNoAxeViolations(container);
      fireEvent.click(screen.getByTestId("export-done"));
      expect(onClose).toHaveBeenCalledTimes(1);
      expect(onError).not.toHaveBeenCalled();
    });
  }

  it("exports the whole catalog with a typed path: query null, Enter starts", async () => {
    const { api, finish } = fakeApi();
    open("en", api, "ha noi");
    const field = screen.getByTestId("export-path");
    fireEvent.change(field, { target: { value: "/srv/backup/all.mrc" } });
    press(field, "Enter");
    expect(api.runExport).toHaveBeenCalledWith(
      { path: "/srv/backup/all.mrc", format: "iso2709", query: null },
      expect.any(Function),
    );
    await finish({ path: "/srv/backup/all.mrc", records: 1, cancelled: false });
    expect(screen.getByTestId("export-result-text").textContent).toBe("1 record written to /srv/backup/all.mrc.");
  });

  it("follows a format change in the file name's extension", () => {
    const { api } = fakeApi();
    open("en", api);
    const field = screen.getByTestId("export-path") as HTMLInputElement;
    fireEvent.change(field, { target: { value: "/srv/out/catalog.mrc" } });
    fireEvent.click(radio("format-mrk"));
    expect(field.value).toBe("/srv/out/catalog.mrk");
    fireEvent.click(radio("format-json_lines"));
    expect(field.value).toBe("/srv/out/catalog.jsonl");
    fireEvent.change(field, { target: { value: "/srv/out/mine.dat" } });
    fireEvent.click(radio("format-marcxml"));
    expect(field.value).toBe("/srv/out/mine.dat");
  });

  it("cancels: Cancel is called, Esc waits, the result says it was cancelled", async () => {
    const { api, progress, finish } = fakeApi();
    const { onClose } = open("vi", api);
    fireEvent.change(screen.getByTestId("export-path"), { target: { value: "/x/a.mrc" } });
    fireEvent.click(screen.getByTestId("export-start"));
    progress(40, 0, 2048);
    expect(screen.getByTestId("export-progress-text").textContent).toBe("40 biểu ghi");
    expect(press(screen.getByRole("dialog"), "Escape")).toBe(true);
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(screen.getByTestId("export-cancel"));
    });
    expect(api.cancelJob).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("export-cancel").textContent).toBe("Đang hủy…");
    await finish({ path: "/x/a.mrc", records: 40, cancelled: true });
    expect(screen.getByTestId("export-result-text").textContent).toBe(
      "Việc xuất đã bị hủy sau 40 biểu ghi; /x/a.mrc chỉ chứa các biểu ghi đó.",
    );
    press(screen.getByRole("dialog"), "Escape");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("says in words that another job is running, and keeps the choices", async () => {
    const { api } = fakeApi({
      runExport: vi.fn(async () => Promise.reject({ code: "job_running", message: "import running", details: null })),
    });
    const { onError, container } = open("en", api, "ha noi");
    fireEvent.click(radio("scope-search"));
    fireEvent.change(screen.getByTestId("export-path"), { target: { value: "/x/a.mrc" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("export-start"));
    });
    const alert = screen.getByTestId("export-run-error");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("Another import or export is running.");
    expect(radio("scope-search").checked).toBe(true);
    expect((screen.getByTestId("export-path") as HTMLInputElement).value).toBe("/x/a.mrc");
    expect(onError).not.toHaveBeenCalled();
    await expectNoAxeViolations(container);
  });

  it("reports a storage failure to the app as well", async () => {
    const { api } = fakeApi({
      runExport: vi.fn(async () => Promise.reject({ code: "storage", message: "disk full", details: null })),
    });
    const { onError } = open("vi", api);
    fireEvent.change(screen.getByTestId("export-path"), { target: { value: "/x/a.mrc" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("export-start"));
    });
    expect(screen.getByTestId("export-run-error").textContent).toContain("disk full");
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it("works by keyboard alone: Tab order, arrows, Enter on Browse, Esc, focus back to the opener", async () => {
    const { api, finish } = fakeApi();
    const opener = document.createElement("button");
    opener.textContent = "Export";
    document.body.appendChild(opener);
    opener.focus();
    const { onClose, unmount } = open("en", api, "ha noi");

    expect(document.activeElement).toBe(radio("scope-all"));
    expect(tab()).toBe(radio("format-iso2709"));
    expect(tab()).toBe(screen.getByTestId("export-path"));
    expect(tab()).toBe(screen.getByTestId("export-browse"));
    expect(tab()).toBe(screen.getByTestId("export-close"));
    expect(tab()).toBe(radio("scope-all")); // Export is disabled until there is a path; Tab wraps

    press(radio("scope-all"), "ArrowDown");
    expect(radio("scope-search").checked).toBe(true);
    expect(document.activeElement).toBe(radio("scope-search"));
    expect(tab()).toBe(radio("format-iso2709"));
    press(radio("format-iso2709"), "ArrowUp");
    expect(radio("format-json_lines").checked).toBe(true);

    tab();
    expect(tab()).toBe(screen.getByTestId("export-browse"));
    await act(async () => {
      pressEnter(screen.getByTestId("export-browse"));
    });
    expect(vi.mocked(api.pickFile).mock.calls[0]![1]).toMatch(/\.jsonl$/);
    expect(tab()).toBe(screen.getByTestId("export-close"));
    expect(tab()).toBe(screen.getByTestId("export-start"));
    pressEnter(screen.getByTestId("export-start"));
    expect(vi.mocked(api.runExport).mock.calls[0]![0]).toMatchObject({ format: "json_lines", query: "ha noi" });
    expect(document.activeElement?.textContent).toBe("Exporting…");
    expect(tab()).toBe(screen.getByTestId("export-cancel"));
    await finish({ path: "/p.jsonl", records: 2, cancelled: false });
    expect(document.activeElement?.textContent).toBe("Export finished");
    expect(tab()).toBe(screen.getByTestId("export-done"));

    expect(press(screen.getByTestId("export-done"), "Escape")).toBe(true);
    expect(onClose).toHaveBeenCalledTimes(1);
    unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
