import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { View } from "../navigation";
import { navigate } from "../test/nav";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import type { Language } from "../i18n";
import { AppHeader, NAV_MENUS } from "./AppHeader";

function renderHeader(view: View, lang: Language = "vi") {
  const onGo = vi.fn();
  const onDialog = vi.fn();
  const result = renderIn(
    lang,
    <AppHeader
      view={view}
      onGo={onGo}
      onDialog={onDialog}
      sync={
        <button type="button" data-testid="sync-indicator">
          sync
        </button>
      }
    />,
  );
  return { ...result, onGo, onDialog };
}

const TOP_LEVEL = ["nav-catalog", NAV_MENUS.circulation, NAV_MENUS.cataloging, "nav-fulltext", NAV_MENUS.rights, "nav-settings"];

function currentTopLevel(): string[] {
  return TOP_LEVEL.filter((id) => screen.getByTestId(id).getAttribute("aria-current") === "page");
}

describe("AppHeader", () => {
  it("has five top-level destinations, then the sync indicator, Settings and the language switch", () => {
    renderHeader({ name: "catalog" });
    const nav = screen.getByRole("navigation", { name: "Điều hướng chính" });
    const topLevel = Array.from(nav.children).map((el) => (el.matches("button") ? el : el.querySelector("button"))!);
    expect(topLevel.map((el) => el.textContent)).toEqual(["Danh mục", "Lưu thông", "Biên mục", "Tài liệu số", "Quyền tác giả"]);
    const tools = screen.getByTestId("app-header-tools");
    expect(Array.from(tools.children).map((el) => (el as HTMLElement).dataset.testid ?? el.className)).toEqual([
      "sync-indicator",
      "nav-settings",
      "lang-switch",
    ]);
    expect(screen.getByRole("button", { name: "Cài đặt" })).toBe(screen.getByTestId("nav-settings"));
    // The destinations come first in the document: Tab reaches them before the tools.
    expect(nav.compareDocumentPosition(tools) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("keeps every destination's test id, each in the menu it says", () => {
    renderHeader({ name: "catalog" });
    const inMenus: Record<string, string[]> = {
      [NAV_MENUS.circulation]: ["nav-desk", "nav-report", "nav-kiosk"],
      [NAV_MENUS.cataloging]: ["nav-new", "nav-copy", "nav-import", "nav-export"],
      [NAV_MENUS.rights]: ["nav-rights", "nav-rights-report"],
    };
    for (const [menu, items] of Object.entries(inMenus)) {
      const list = screen.getByTestId(`${menu}-list`);
      expect(within(list).getAllByRole("menuitem", { hidden: true }).map((el) => el.dataset.testid)).toEqual(items);
      for (const item of items) expect(screen.getByTestId(item).dataset.navMenu).toBe(menu);
    }
    for (const direct of ["nav-catalog", "nav-fulltext", "nav-settings"]) {
      expect(screen.getByTestId(direct).dataset.navMenu).toBeUndefined();
    }
  });

  it.each<[View, string]>([
    [{ name: "catalog" }, "nav-catalog"],
    [{ name: "record", id: "r" }, "nav-catalog"],
    [{ name: "new", template: null, initial: null }, NAV_MENUS.cataloging],
    [{ name: "edit", id: "r" }, NAV_MENUS.cataloging],
    [{ name: "desk" }, NAV_MENUS.circulation],
    [{ name: "report" }, NAV_MENUS.circulation],
    [{ name: "fulltext" }, "nav-fulltext"],
    [{ name: "viewer", objectId: "o", recordId: "r" }, "nav-fulltext"],
    [{ name: "rights" }, NAV_MENUS.rights],
    [{ name: "rights-report" }, NAV_MENUS.rights],
    [{ name: "settings" }, "nav-settings"],
  ])("on %o the current item is %s", (view, current) => {
    renderHeader(view);
    expect(currentTopLevel()).toEqual([current]);
  });

  it("the sync screen marks no navigation item (the sync indicator is its button)", () => {
    renderHeader({ name: "sync" });
    expect(currentTopLevel()).toEqual([]);
  });

  it("screens go to onGo, dialogs to onDialog", () => {
    const { onGo, onDialog } = renderHeader({ name: "catalog" });
    const screens: Array<[string, View]> = [
      ["nav-catalog", { name: "catalog" }],
      ["nav-desk", { name: "desk" }],
      ["nav-report", { name: "report" }],
      ["nav-new", { name: "new", template: null, initial: null }],
      ["nav-fulltext", { name: "fulltext" }],
      ["nav-rights", { name: "rights" }],
      ["nav-rights-report", { name: "rights-report" }],
      ["nav-settings", { name: "settings" }],
    ];
    for (const [id, view] of screens) {
      navigate(id);
      expect(onGo).toHaveBeenLastCalledWith(view);
    }
    for (const [id, dialog] of [
      ["nav-import", "import"],
      ["nav-export", "export"],
      ["nav-copy", "copy"],
      ["nav-kiosk", "kiosk"],
    ] as const) {
      navigate(id);
      expect(onDialog).toHaveBeenLastCalledWith(dialog);
    }
    expect(onGo).toHaveBeenCalledTimes(screens.length);
    expect(onDialog).toHaveBeenCalledTimes(4);
  });

  it("the Cataloging menu shows each shortcut and names it for assistive technology", () => {
    renderHeader({ name: "catalog" }, "en");
    fireEvent.click(screen.getByRole("button", { name: "Cataloging" }));
    const menu = screen.getByRole("menu", { name: "Cataloging" });
    const rows = within(menu)
      .getAllByRole("menuitem")
      .map((el) => [el.querySelector(".menu-button-item-label")!.textContent, el.getAttribute("aria-keyshortcuts"), el.querySelector(".menu-button-shortcut")?.textContent]);
    expect(rows).toEqual([
      ["New record", "Control+N", "Ctrl+N"],
      ["Copy cataloging…", "Control+Shift+C", "Ctrl+Shift+C"],
      ["Import records…", "Control+I", "Ctrl+I"],
      ["Export records…", "Control+Shift+E", "Ctrl+Shift+E"],
    ]);
    expect(screen.getByRole("menuitem", { name: "Import records…" }).dataset.testid).toBe("nav-import");
  });

  it.each<Language>(["vi", "en"])("has no axe violations in %s, closed and with each menu open", async (lang) => {
    const { container } = renderHeader({ name: "rights" }, lang);
    await expectNoAxeViolations(container);
    for (const menu of Object.values(NAV_MENUS)) {
      fireEvent.click(screen.getByTestId(menu));
      expect(screen.getAllByRole("menu")).toHaveLength(1);
      await expectNoAxeViolations(container);
      fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    }
  });
});
