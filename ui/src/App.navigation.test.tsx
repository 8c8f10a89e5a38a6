import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "./api";
import { App } from "./App";
import { bookDetail, fixedSchema, templates } from "./editor/fixtures";
import { memoryApi } from "./memoryApi";
import { createI18n, type Language } from "./i18n";
import { hanoiBranches, kieuDetail, kieuHistory } from "./record/fixtures";
import { navigate, navItem } from "./test/nav";
import { expectNoAxeViolations } from "./transfer/testKit";

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

/** The header's top-level items, marked or not as holding the current page. */
function currentTopLevel(): string[] {
  const ids = ["nav-catalog", "nav-menu-circulation", "nav-menu-cataloging", "nav-fulltext", "nav-menu-rights", "nav-settings"];
  return ids.filter((id) => screen.getByTestId(id).getAttribute("aria-current") === "page");
}

describe("the header's navigation", () => {
  it("reaches each screen through its menu and marks it on the item and on the menu", async () => {
    render(<App api={cataloguingApi()} />);
    await screen.findByTestId("record-list");
    expect(currentTopLevel()).toEqual(["nav-catalog"]);
    const screens: Array<[string, string, string]> = [
      ["nav-desk", "desk-screen", "nav-menu-circulation"],
      ["nav-report", "report-screen", "nav-menu-circulation"],
      ["nav-rights", "rights-review", "nav-menu-rights"],
      ["nav-rights-report", "rights-report", "nav-menu-rights"],
      ["nav-new", "template-chooser", "nav-menu-cataloging"],
    ];
    for (const [item, shown, menu] of screens) {
      navigate(item);
      await screen.findByTestId(shown);
      expect(screen.getByTestId(item).getAttribute("aria-current")).toBe("page");
      expect(screen.getByTestId(menu).getAttribute("aria-expanded")).toBe("false");
      expect(currentTopLevel()).toEqual([menu]);
    }
    navigate("nav-catalog");
    await screen.findByTestId("record-list");
    expect(currentTopLevel()).toEqual(["nav-catalog"]);
  });

  it("a record is under Catalog, its editing under Cataloging", async () => {
    render(<App api={cataloguingApi()} />);
    await openFirstRecord();
    expect(currentTopLevel()).toEqual(["nav-catalog"]);
    fireEvent.click(screen.getByTestId("record-edit"));
    await screen.findByTestId("marc-grid");
    expect(currentTopLevel()).toEqual(["nav-menu-cataloging"]);
    // No item of the menu is the page: editing is not "New record".
    expect(screen.getByTestId("nav-new").getAttribute("aria-current")).toBeNull();
  });

  it("opens import, export, copy cataloging and the kiosk from the menus", async () => {
    render(<App api={cataloguingApi()} />);
    await screen.findByTestId("record-list");
    const dialogs: Array<[string, string, string]> = [
      ["nav-import", "import-dialog", "nav-menu-cataloging"],
      ["nav-export", "export-dialog", "nav-menu-cataloging"],
      ["nav-copy", "copy-dialog", "nav-menu-cataloging"],
      ["nav-kiosk", "kiosk-launcher", "nav-menu-circulation"],
    ];
    for (const [item, dialogId, menu] of dialogs) {
      navigate(item);
      const dialog = await screen.findByTestId(dialogId);
      expect(screen.getByTestId(menu).getAttribute("aria-expanded")).toBe("false");
      fireEvent.keyDown(dialog, { key: "Escape" });
      await waitFor(() => expect(screen.queryByTestId(dialogId)).toBeNull());
      // Still on the catalog: the dialog's Esc went no further.
      expect(screen.getByTestId("record-list")).toBeTruthy();
    }
  });

  it("Esc in an open menu closes only the menu; Esc again goes back a screen", async () => {
    render(<App api={cataloguingApi()} initialView={{ name: "desk" }} />);
    await screen.findByTestId("desk-screen");
    const menu = screen.getByTestId("nav-menu-circulation");
    fireEvent.click(menu);
    expect(document.activeElement).toBe(screen.getByTestId("nav-desk"));
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(menu.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(menu);
    expect(screen.getByTestId("desk-screen")).toBeTruthy();
    fireEvent.keyDown(menu, { key: "Escape" });
    await screen.findByTestId("record-list");
  });

  it("opening one menu closes the other", async () => {
    render(<App api={cataloguingApi()} />);
    await screen.findByTestId("record-list");
    navItem("nav-desk");
    const circulation = screen.getByTestId("nav-menu-circulation");
    const rights = screen.getByTestId("nav-menu-rights");
    expect(circulation.getAttribute("aria-expanded")).toBe("true");
    fireEvent.pointerDown(rights);
    fireEvent.click(rights);
    expect(circulation.getAttribute("aria-expanded")).toBe("false");
    expect(rights.getAttribute("aria-expanded")).toBe("true");
    expect(screen.getAllByRole("menu")).toHaveLength(1);
  });

  it.each<[Language, string, string[]]>([
    ["vi", "Lưu thông", ["Quầy lưu thông", "Báo cáo lưu thông", "Chế độ tự phục vụ…"]],
    ["en", "Circulation", ["Circulation desk", "Circulation report", "Self-service kiosk…"]],
  ])("in %s the header has no axe violations with a menu open", async (lang, menuName, items) => {
    render(<App api={cataloguingApi()} i18n={createI18n(lang)} initialView={{ name: "report" }} />);
    await screen.findByTestId("report-screen");
    fireEvent.click(screen.getByRole("button", { name: menuName }));
    const menu = screen.getByRole("menu", { name: menuName });
    expect(within(menu).getAllByRole("menuitem").map((el) => el.textContent)).toEqual(items);
    await expectNoAxeViolations(screen.getByTestId("app-header"));
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
