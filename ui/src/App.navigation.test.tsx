import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "./api";
import { App } from "./App";
import { bookDetail, fixedSchema, templates } from "./editor/fixtures";
import { memoryApi } from "./memoryApi";
import { hanoiBranches, kieuDetail, kieuHistory } from "./record/fixtures";

/** An in-memory catalog whose every record opens as Truyện Kiều and edits as a Vietnamese book. */
function cataloguingApi(): CatalogApi & { recordDetail: ReturnType<typeof vi.fn> } {
  const base = memoryApi(50);
  const recordDetail = vi.fn(async (id: string) => ({ ...kieuDetail(), id }));
  return {
    ...base,
    recordDetail,
    recordHistory: async () => kieuHistory(),
    branches: async () => hanoiBranches(),
    recordTemplates: async () => templates(),
    fixedFieldSchema: async () => fixedSchema(),
    validateRecord: async () => [],
    toMnemonic: async () => "",
    saveRecord: async (id, record) => ({ detail: bookDetail(record, id ?? "new-id"), issues: [] }),
  };
}

async function openFirstRecord() {
  const list = await screen.findByTestId("record-list");
  await screen.findByText("Tiêu đề 0");
  fireEvent.keyDown(list, { key: "Enter" });
  await screen.findByTestId("record-title");
}

describe("moving between screens", () => {
  it("Enter on a record opens it; Esc comes back to the catalog", async () => {
    const api = cataloguingApi();
    render(<App api={api} />);
    await openFirstRecord();
    expect(api.recordDetail).toHaveBeenCalledWith("rec-0");
    expect(screen.getByTestId("record-title").textContent).toBe(kieuDetail().title);
    fireEvent.keyDown(window, { key: "Escape" });
    await screen.findByTestId("record-list");
    expect(screen.queryByTestId("record-view")).toBeNull();
  });

  it("Ctrl+N starts a new record from a chosen template", async () => {
    render(<App api={cataloguingApi()} />);
    await screen.findByTestId("record-list");
    fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    const chooser = await screen.findByTestId("template-chooser");
    expect(screen.getByTestId("nav-new").getAttribute("aria-current")).toBe("page");
    fireEvent.click(within(chooser).getByTestId("template-book"));
    await screen.findByTestId("marc-grid");
  });

  it("Ctrl+I opens the import dialog and Ctrl+Shift+E the export dialog", async () => {
    render(<App api={cataloguingApi()} />);
    await screen.findByTestId("record-list");
    fireEvent.keyDown(window, { key: "i", ctrlKey: true });
    expect(await screen.findByTestId("import-dialog")).toBeTruthy();
  });

  it("leaving unsaved edits asks first; staying keeps them, leaving drops them", async () => {
    render(<App api={cataloguingApi()} />);
    await openFirstRecord();
    fireEvent.click(screen.getByTestId("record-edit"));
    await screen.findByTestId("marc-grid");
    const tags = screen.getAllByDisplayValue("245");
    const row = tags[0]!.closest("tr")!;
    const value = within(row).getAllByRole("textbox").find((el) => el.tagName === "TEXTAREA")!;
    fireEvent.change(value, { target: { value: "Một nhan đề mới" } });
    await screen.findByTestId("editor-dirty");

    fireEvent.click(screen.getByTestId("nav-catalog"));
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("Rời đi mà không lưu?");
    fireEvent.click(within(dialog).getByTestId("confirm-cancel"));
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(screen.getByTestId("marc-grid")).toBeTruthy();
    expect(screen.getByDisplayValue("Một nhan đề mới")).toBeTruthy();

    fireEvent.click(screen.getByTestId("nav-catalog"));
    fireEvent.click(within(await screen.findByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    await screen.findByTestId("record-list");
    expect(screen.queryByTestId("marc-grid")).toBeNull();
  });

  it("a saved record opens in the record view and the summary is read again", async () => {
    const api = cataloguingApi();
    const summary = vi.spyOn(api, "summary");
    render(<App api={api} refreshMs={60_000} />);
    await openFirstRecord();
    fireEvent.click(screen.getByTestId("record-edit"));
    await screen.findByTestId("marc-grid");
    const before = summary.mock.calls.length;
    await act(async () => {
      fireEvent.click(screen.getByTestId("editor-save"));
    });
    await screen.findByTestId("record-title");
    await waitFor(() => expect(summary.mock.calls.length).toBeGreaterThan(before));
  });
});

describe("closing the window", () => {
  it("asks only while there are unsaved edits, and closes on 'leave'", async () => {
    const asks: Array<() => Promise<boolean>> = [];
    const api = { ...cataloguingApi(), guardWindowClose: vi.fn((ask: () => Promise<boolean>) => { asks.push(ask); return () => asks.splice(asks.indexOf(ask), 1); }) };
    render(<App api={api} />);
    await openFirstRecord();
    expect(asks).toHaveLength(0);
    fireEvent.click(screen.getByTestId("record-edit"));
    await screen.findByTestId("marc-grid");
    const row = screen.getAllByDisplayValue("245")[0]!.closest("tr")!;
    const value = within(row).getAllByRole("textbox").find((el) => el.tagName === "TEXTAREA")!;
    fireEvent.change(value, { target: { value: "Một nhan đề mới" } });
    await screen.findByTestId("editor-dirty");
    expect(asks).toHaveLength(1);

    let answer!: Promise<boolean>;
    act(() => {
      answer = asks[0]!();
    });
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("Đóng Shelfmark");
    fireEvent.click(within(dialog).getByTestId("confirm-cancel"));
    await expect(answer).resolves.toBe(false);

    act(() => {
      answer = asks[0]!();
    });
    fireEvent.click(within(await screen.findByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    await expect(answer).resolves.toBe(true);
  });
});
