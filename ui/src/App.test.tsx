import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import type { CatalogApi } from "./api";
import { App } from "./App";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import { LANG_STORAGE_KEY } from "./i18n";
import { PAGE_SIZE } from "./recordCache";
import { memoryApi } from "./memoryApi";

const rows = () => screen.getAllByTestId("record-row");
const list = () => screen.getByTestId("record-list");

async function renderLoaded(api: CatalogApi, refreshMs?: number) {
  const view = render(<App api={api} refreshMs={refreshMs} />);
  await screen.findByText("Tiêu đề 0");
  return view;
}

describe("record list", () => {
  it("renders a million records with only a few dozen DOM rows", async () => {
    const api = memoryApi(1_000_000);
    await renderLoaded(api);
    expect(screen.getByTestId("record-count").textContent).toBe("1.000.000 biểu ghi");
    const rendered = rows();
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThanOrEqual(40);
    const firstRow = rendered[0]!;
    expect(firstRow.getAttribute("role")).toBe("option");
    expect(firstRow.id).toBe("record-row-0");
    expect(firstRow.dataset.index).toBe("0");
    expect(firstRow.getAttribute("aria-setsize")).toBe("1000000");
    expect(firstRow.getAttribute("aria-posinset")).toBe("1");
    expect(firstRow.getAttribute("aria-selected")).toBe("true");
    expect(within(firstRow).getByTestId("cell-title").textContent).toBe("Tiêu đề 0");
    expect(within(firstRow).getByTestId("cell-author").textContent).toBe("Tác giả 0");
    expect(within(firstRow).getByTestId("cell-year").textContent).toBe("1950");
    expect(within(firstRow).getByTestId("cell-type").textContent).toBe("Sách");
    expect(list().getAttribute("role")).toBe("listbox");
    expect(list().getAttribute("aria-label")).toBe("Danh sách biểu ghi thư mục");
    expect(list().getAttribute("aria-activedescendant")).toBe("record-row-0");
  });

  it("shows translated material types and an accessible dash for missing values", async () => {
    await renderLoaded(memoryApi(50));
    const row = (i: number) => rows().find((r) => r.dataset.index === String(i))!;
    // Row 2 is an audiobook; row 3 has no author; row 5 has no year.
    expect(within(row(2)).getByTestId("cell-type").textContent).toBe("Sách nói");
    const author = within(row(3)).getByTestId("cell-author");
    expect(author.textContent).toContain("—");
    expect(within(author).getByText("Không rõ tác giả")).toBeTruthy();
    expect(within(row(5)).getByTestId("cell-year").textContent).toContain("Không rõ năm");
    fireEvent.click(screen.getByTestId("lang-en"));
    expect(within(row(2)).getByTestId("cell-type").textContent).toBe("Audiobook");
    expect(within(row(6)).getByTestId("cell-type").textContent).toBe("Video");
    expect(within(row(3)).getByTestId("cell-author").textContent).toContain("Author unknown");
  });

  it("moves the active row with the keyboard and keeps it rendered", async () => {
    await renderLoaded(memoryApi(1_000_000));
    const lb = list();
    lb.focus();
    const activeId = () => lb.getAttribute("aria-activedescendant");

    fireEvent.keyDown(lb, { key: "ArrowUp" });
    expect(activeId()).toBe("record-row-0");
    fireEvent.keyDown(lb, { key: "ArrowDown" });
    fireEvent.keyDown(lb, { key: "ArrowDown" });
    expect(activeId()).toBe("record-row-2");
    expect(document.getElementById("record-row-2")!.getAttribute("aria-selected")).toBe("true");
    expect(document.getElementById("record-row-0")!.getAttribute("aria-selected")).toBe("false");

    // 640px viewport / 32px rows = 20 rows; a page moves by 19.
    fireEvent.keyDown(lb, { key: "PageDown" });
    expect(activeId()).toBe("record-row-21");
    fireEvent.keyDown(lb, { key: "PageUp" });
    expect(activeId()).toBe("record-row-2");

    fireEvent.keyDown(lb, { key: "End" });
    await waitFor(() => expect(activeId()).toBe("record-row-999999"));
    const last = document.getElementById("record-row-999999")!;
    expect(last.getAttribute("aria-posinset")).toBe("1000000");
    expect(rows().length).toBeLessThanOrEqual(40);
    await waitFor(() => expect(within(last).getByTestId("cell-title").textContent).toBe("Tiêu đề 999999"));

    fireEvent.keyDown(lb, { key: "ArrowDown" });
    expect(activeId()).toBe("record-row-999999");
    fireEvent.keyDown(lb, { key: "Home" });
    await waitFor(() => expect(activeId()).toBe("record-row-0"));
    expect(lb.scrollTop).toBe(0);
  });

  it("selects a row on click", async () => {
    await renderLoaded(memoryApi(100));
    fireEvent.click(document.getElementById("record-row-4")!);
    expect(list().getAttribute("aria-activedescendant")).toBe("record-row-4");
  });

  it("shows placeholder rows with role option until their page arrives", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const base = memoryApi(1000);
    const api: CatalogApi = {
      ...base,
      summary: () => base.summary(),
      listRecords: async (offset, limit) => {
        await gate;
        return base.listRecords(offset, limit);
      },
    };
    render(<App api={api} />);
    const placeholder = await screen.findAllByText("Đang tải…");
    expect(placeholder.length).toBeGreaterThan(0);
    expect(rows()[0]!.getAttribute("role")).toBe("option");
    expect(rows()[0]!.dataset.loading).toBe("true");
    await act(async () => release());
    await screen.findByText("Tiêu đề 0");
    expect(screen.queryByText("Đang tải…")).toBeNull();
  });

  it("fetches each page once, in pages of 200", async () => {
    const api = memoryApi(1_000_000);
    await renderLoaded(api);
    expect(api.calls).toEqual([0]);
    const lb = list();
    lb.focus();
    // Walk inside page 0 and back: no new request.
    for (let i = 0; i < 30; i++) fireEvent.keyDown(lb, { key: "ArrowDown" });
    fireEvent.keyDown(lb, { key: "Home" });
    expect(api.calls).toEqual([0]);
    // Jump to the end: the last page is fetched once.
    fireEvent.keyDown(lb, { key: "End" });
    await screen.findByText("Tiêu đề 999999");
    fireEvent.keyDown(lb, { key: "ArrowUp" });
    fireEvent.keyDown(lb, { key: "ArrowUp" });
    fireEvent.keyDown(lb, { key: "Home" });
    await screen.findByText("Tiêu đề 0");
    const lastPageOffset = Math.floor(999_999 / PAGE_SIZE) * PAGE_SIZE;
    expect(api.calls).toEqual([0, lastPageOffset]);
    expect(api.calls.every((o) => o % PAGE_SIZE === 0)).toBe(true);
  });
});

describe("language switch", () => {
  it("defaults to Vietnamese, switches to English, and persists", async () => {
    const api = memoryApi(3000);
    const view = await renderLoaded(api);
    expect(document.documentElement.lang).toBe("vi");
    expect(screen.getByTestId("app-title").textContent).toBe("Shelfmark");
    expect(screen.getByTestId("list-heading").textContent).toBe("Biểu ghi thư mục");
    expect(screen.getByTestId("lang-vi").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("lang-en").getAttribute("aria-pressed")).toBe("false");
    expect(screen.getByRole("contentinfo", { name: "Trạng thái danh mục" })).toBeTruthy();

    fireEvent.click(screen.getByTestId("lang-en"));
    expect(screen.getByTestId("list-heading").textContent).toBe("Bibliographic records");
    expect(screen.getByTestId("record-count").textContent).toBe("3,000 records");
    expect(screen.getByTestId("lang-en").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("lang-vi").getAttribute("aria-pressed")).toBe("false");
    expect(list().getAttribute("aria-label")).toBe("Bibliographic record list");
    expect(screen.getByRole("contentinfo", { name: "Catalog status" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("en");
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe("en");

    // A new start of the app comes up in English.
    view.unmount();
    document.documentElement.lang = "";
    await renderLoaded(api);
    expect(screen.getByTestId("list-heading").textContent).toBe("Bibliographic records");
    expect(document.documentElement.lang).toBe("en");

    fireEvent.click(screen.getByTestId("lang-vi"));
    expect(screen.getByTestId("list-heading").textContent).toBe("Biểu ghi thư mục");
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe("vi");
  });

  it("ignores an unknown stored language", async () => {
    localStorage.setItem(LANG_STORAGE_KEY, "fr");
    await renderLoaded(memoryApi(10));
    expect(screen.getByTestId("list-heading").textContent).toBe("Biểu ghi thư mục");
    expect(document.documentElement.lang).toBe("vi");
  });
});

describe("counts and status bar", () => {
  it("formats the record count per locale with plurals", async () => {
    const api = memoryApi(3000);
    await renderLoaded(api);
    expect(screen.getByTestId("record-count").textContent).toBe("3.000 biểu ghi");
    fireEvent.click(screen.getByTestId("lang-en"));
    expect(screen.getByTestId("record-count").textContent).toBe("3,000 records");
  });

  it("uses the singular in English for one record and one change", async () => {
    localStorage.setItem(LANG_STORAGE_KEY, "en");
    render(<App api={memoryApi(1, { unsynced_changes: 1 })} />);
    await screen.findByText("Tiêu đề 0");
    expect(screen.getByTestId("record-count").textContent).toBe("1 record");
    expect(screen.getByTestId("status-unsynced").textContent).toBe("1 change not yet synced");
  });

  it("shows path, node and unsynced changes, refreshed periodically", async () => {
    const api = memoryApi(1234, { unsynced_changes: 12 });
    await renderLoaded(api, 30);
    expect(screen.getByTestId("status-path").textContent).toBe("/home/thuvien/Shelfmark/catalog.shelfmark");
    expect(screen.getByTestId("status-node").textContent).toBe("hn-branch-07");
    expect(screen.getByTestId("status-unsynced").textContent).toBe("12 thay đổi chưa đồng bộ");
    api.state.unsynced_changes = 1500;
    await waitFor(() => expect(screen.getByTestId("status-unsynced").textContent).toBe("1.500 thay đổi chưa đồng bộ"));
    fireEvent.click(screen.getByTestId("lang-en"));
    expect(screen.getByTestId("status-unsynced").textContent).toBe("1,500 changes not yet synced");
    expect(api.summaryCalls).toBeGreaterThan(1);
  });

  it("shows an empty state for an empty catalog", async () => {
    render(<App api={memoryApi(0)} />);
    await screen.findByText("Chưa có biểu ghi nào trong danh mục.");
    expect(screen.getByTestId("record-count").textContent).toBe("0 biểu ghi");
    expect(screen.queryByTestId("record-list")).toBeNull();
  });
});

describe("errors", () => {
  const failing = (error: unknown): CatalogApi => ({
    ...memoryApi(0),
    summary: () => Promise.reject(error),
    listRecords: () => Promise.reject(error),
  });

  it("shows the translated text for the error code, with the message as detail", async () => {
    const payload: ErrorPayload = {
      code: "catalog_corrupt",
      message: "database disk image is malformed",
      details: "page 17",
    };
    render(<App api={failing(payload)} />);
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.testid).toBe("error-banner");
    expect(within(alert).getByTestId("error-title").textContent).toBe("Danh mục bị hỏng và không thể đọc được.");
    expect(within(alert).getByTestId("error-detail").textContent).toContain("database disk image is malformed");
    expect(within(alert).getByTestId("error-detail").textContent).toContain("page 17");
    fireEvent.click(screen.getByTestId("lang-en"));
    expect(within(alert).getByTestId("error-title").textContent).toBe("The catalog is damaged and cannot be read.");
  });

  // Regression: the error screen kept saying "counting records…" and "loading…" forever.
  it("a catalog that cannot be read says so instead of loading forever", async () => {
    render(<App api={failing({ code: "not_a_catalog", message: "x is not a Shelfmark catalog", details: null })} />);
    await screen.findByRole("alert");
    expect(screen.getByTestId("record-count").textContent).toBe("Không đọc được danh mục.");
    expect(screen.getByRole("contentinfo").textContent).toContain("Chưa mở được danh mục");
    expect(screen.getByRole("contentinfo").textContent).not.toContain("Đang tải");
    fireEvent.click(screen.getByTestId("lang-en"));
    expect(screen.getByTestId("record-count").textContent).toBe("The catalog could not be read.");
  });

  it("decides by code, never by message", async () => {
    render(<App api={failing({ code: "catalog_read_only", message: "catalog_corrupt not_found", details: null })} />);
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByTestId("error-title").textContent).toBe(
      "Danh mục chỉ cho phép đọc; không thể lưu thay đổi.",
    );
  });

  it("treats an unknown rejection as internal", async () => {
    render(<App api={failing(new Error("boom"))} />);
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByTestId("error-title").textContent).toBe("Đã xảy ra lỗi nội bộ.");
    expect(alert.textContent).toContain("boom");
  });

  it("shows errors from loading a page of records and can be dismissed", async () => {
    const base = memoryApi(500);
    const api: CatalogApi = {
      ...base,
      summary: () => base.summary(),
      listRecords: () => Promise.reject({ code: "storage", message: "disk I/O error", details: null }),
    };
    render(<App api={api} />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Lỗi lưu trữ");
    fireEvent.click(within(alert).getByRole("button"));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("accessibility", () => {
  const check = async (container: HTMLElement) => {
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(", ")}`);
    expect(summary).toEqual([]);
  };

  it("has no axe violations with records loaded", async () => {
    const { container } = await renderLoaded(memoryApi(1_000_000));
    await check(container);
    fireEvent.click(screen.getByTestId("lang-en"));
    await check(container);
  });

  it("has no axe violations with an error shown", async () => {
    const { container } = render(
      <App api={{ ...memoryApi(0), summary: () => Promise.reject({ code: "not_a_catalog", message: "x", details: null }), listRecords: () => Promise.reject(new Error()) }} />,
    );
    await screen.findByRole("alert");
    await check(container);
  });
});
