import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import { App } from "../App";
import { memoryApi } from "../memoryApi";
import { navigate, navItem } from "../test/nav";
import { hanoiBranches, kieuDetail, kieuHistory } from "../record/fixtures";
import { NEW_RECORD_ID, addedOutcome, firstPage, targets } from "./fixtures";

function api(): CatalogApi & { recordDetail: ReturnType<typeof vi.fn>; copyImport: ReturnType<typeof vi.fn> } {
  const base = memoryApi(20);
  return {
    ...base,
    recordDetail: vi.fn(async (id: string) => ({ ...kieuDetail(), id, title: "Dế Mèn phiêu lưu ký" })),
    recordHistory: async () => kieuHistory(),
    branches: async () => hanoiBranches(),
    copyTargets: async () => targets(),
    copySearch: async (target: string) => firstPage(target),
    copyImport: vi.fn(async () => addedOutcome()),
  };
}

describe("copy cataloging from the catalog", () => {
  it("the Cataloging menu's item opens the dialog and says its shortcut", async () => {
    render(<App api={api()} />);
    await screen.findByTestId("record-list");
    const button = navItem("nav-copy");
    expect(button).toBe(screen.getByRole("menuitem", { name: "Biên mục sao chép…" }));
    expect(button.dataset.navMenu).toBe("nav-menu-cataloging");
    expect(button.getAttribute("aria-keyshortcuts")).toBe("Control+Shift+C");
    expect(button.textContent).toContain("Ctrl+Shift+C");
    fireEvent.click(button);
    const dialog = await screen.findByTestId("copy-dialog");
    expect(within(dialog).getByRole("heading", { level: 2 }).textContent).toBe("Biên mục sao chép");
    fireEvent.click(within(dialog).getByTestId("copy-close"));
    await waitFor(() => expect(screen.queryByTestId("copy-dialog")).toBeNull());
    // Focus is back on the menu button that opened it, the menu closed.
    expect(document.activeElement).toBe(screen.getByTestId("nav-menu-cataloging"));
    expect(screen.getByTestId("nav-menu-cataloging").getAttribute("aria-expanded")).toBe("false");
  });

  it("Ctrl+Shift+C opens it; after an import, Open the record shows the new record", async () => {
    const a = api();
    render(<App api={a} />);
    await screen.findByTestId("record-list");
    fireEvent.keyDown(window, { key: "C", ctrlKey: true, shiftKey: true });
    const dialog = await screen.findByTestId("copy-dialog");
    const input = await within(dialog).findByTestId("copy-value");
    fireEvent.change(input, { target: { value: "9786042088701" } });
    fireEvent.submit(input.closest("form")!);
    await within(dialog).findByTestId("copy-preview");
    fireEvent.click(within(dialog).getByTestId("copy-import"));
    await within(dialog).findByTestId("copy-outcome");
    fireEvent.click(within(dialog).getByTestId("outcome-open"));
    await screen.findByTestId("record-title");
    expect(a.recordDetail).toHaveBeenCalledWith(NEW_RECORD_ID);
    expect(screen.queryByTestId("copy-dialog")).toBeNull();
  });

  it("Esc inside the dialog closes only the dialog, not the screen behind it", async () => {
    render(<App api={api()} initialView={{ name: "record", id: "rec-1" }} />);
    await screen.findByTestId("record-title");
    navigate("nav-copy");
    const input = await screen.findByTestId("copy-value");
    fireEvent.keyDown(input, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("copy-dialog")).toBeNull());
    expect(screen.getByTestId("record-title")).toBeTruthy();
  });
});
