import { fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { expectNoAxeViolations } from "../transfer/testKit";
import { MenuButton, type MenuItem } from "./MenuButton";

/** A menu like the header's Cataloging menu, between two other controls. */
function Harness({ onSelect = () => {}, current = false }: { onSelect?: (id: string) => void; current?: boolean }) {
  const [chosen, setChosen] = useState("");
  const item = (testId: string, label: string, extra: Partial<MenuItem> = {}): MenuItem => ({
    testId,
    label,
    onSelect: () => {
      setChosen(testId);
      onSelect(testId);
    },
    data: { "data-nav-menu": "menu" },
    ...extra,
  });
  return (
    <main>
      <button type="button" data-testid="before">
        Trước
      </button>
      <MenuButton
        testId="menu"
        label="Biên mục"
        current={current}
        items={[
          item("new", "Biểu ghi mới", { keyshortcuts: "Control+N", shortcutLabel: "Ctrl+N", current }),
          item("copy", "Biên mục sao chép…"),
          item("import", "Nhập biểu ghi…", { separatorBefore: true }),
          item("dates", "Đặt ngày"),
        ]}
      />
      <button type="button" data-testid="after">
        Sau
      </button>
      <output data-testid="chosen">{chosen}</output>
    </main>
  );
}

const button = () => screen.getByTestId("menu");
const menu = () => screen.getByTestId("menu-list");
const focused = () => (document.activeElement as HTMLElement | null)?.dataset.testid;

function openByClick() {
  fireEvent.click(button());
  expect(button().getAttribute("aria-expanded")).toBe("true");
}

function key(k: string, init: KeyboardEventInit = {}) {
  return fireEvent.keyDown(document.activeElement!, { key: k, ...init });
}

describe("MenuButton", () => {
  it("is a button that says it opens a menu, which is named by it and hidden until opened", () => {
    render(<Harness />);
    expect(button().getAttribute("aria-haspopup")).toBe("menu");
    expect(button().getAttribute("aria-expanded")).toBe("false");
    expect(button().getAttribute("aria-controls")).toBe(menu().id);
    expect(menu().getAttribute("aria-labelledby")).toBe(button().id);
    expect(menu().hidden).toBe(true);
    expect(screen.queryByRole("menu")).toBeNull();
    // The items are in the document while closed, each naming the menu that holds it.
    expect(screen.getByTestId("import").dataset.navMenu).toBe("menu");
  });

  it("a click opens the menu with focus on its first item; a second click closes it", () => {
    render(<Harness />);
    openByClick();
    const shown = screen.getByRole("menu", { name: "Biên mục" });
    expect(within(shown).getAllByRole("menuitem").map((el) => el.dataset.testid)).toEqual(["new", "copy", "import", "dates"]);
    expect(within(shown).getAllByRole("separator")).toHaveLength(1);
    expect(focused()).toBe("new");
    fireEvent.click(button());
    expect(button().getAttribute("aria-expanded")).toBe("false");
    expect(menu().hidden).toBe(true);
  });

  it("Down Arrow on the button opens at the first item, Up Arrow at the last", () => {
    render(<Harness />);
    button().focus();
    key("ArrowDown");
    expect(focused()).toBe("new");
    key("Escape");
    expect(focused()).toBe("menu");
    key("ArrowUp");
    expect(focused()).toBe("dates");
  });

  it("arrows move through the items and wrap; Home and End go to the ends", () => {
    render(<Harness />);
    openByClick();
    key("ArrowDown");
    expect(focused()).toBe("copy");
    key("ArrowDown");
    key("ArrowDown");
    expect(focused()).toBe("dates");
    key("ArrowDown");
    expect(focused()).toBe("new");
    key("ArrowUp");
    expect(focused()).toBe("dates");
    key("Home");
    expect(focused()).toBe("new");
    key("End");
    expect(focused()).toBe("dates");
  });

  it("typing a letter goes to the next item starting with it, diacritics or not", () => {
    render(<Harness />);
    openByClick();
    key("b");
    expect(focused()).toBe("copy");
    key("b");
    expect(focused()).toBe("new");
    key("n");
    expect(focused()).toBe("import");
    key("d");
    expect(focused()).toBe("dates");
    key("x");
    expect(focused()).toBe("dates");
  });

  it("Esc closes the menu, gives focus back to the button and is not seen by the app's own Esc", () => {
    const seen = vi.fn();
    const onWindowKey = (e: KeyboardEvent) => seen(e.key, e.defaultPrevented);
    window.addEventListener("keydown", onWindowKey);
    try {
      render(<Harness />);
      openByClick();
      key("ArrowDown");
      key("Escape");
      expect(button().getAttribute("aria-expanded")).toBe("false");
      expect(focused()).toBe("menu");
      expect(seen).toHaveBeenLastCalledWith("Escape", true);
      // With the menu closed, Esc on the button is the app's again.
      key("Escape");
      expect(seen).toHaveBeenLastCalledWith("Escape", false);
    } finally {
      window.removeEventListener("keydown", onWindowKey);
    }
  });

  it("choosing an item runs it, closes the menu and returns focus to the button", () => {
    const onSelect = vi.fn();
    render(<Harness onSelect={onSelect} />);
    openByClick();
    key("ArrowDown");
    fireEvent.click(document.activeElement!);
    expect(onSelect).toHaveBeenCalledWith("copy");
    expect(screen.getByTestId("chosen").textContent).toBe("copy");
    expect(button().getAttribute("aria-expanded")).toBe("false");
    expect(focused()).toBe("menu");
  });

  it("a press outside closes the menu and leaves focus alone", () => {
    render(<Harness />);
    openByClick();
    fireEvent.pointerDown(screen.getByTestId("after"));
    expect(button().getAttribute("aria-expanded")).toBe("false");
    expect(menu().hidden).toBe(true);
    expect(focused()).toBe("new");
  });

  it("a press inside the menu keeps it open", () => {
    render(<Harness />);
    openByClick();
    fireEvent.pointerDown(screen.getByTestId("copy"));
    expect(button().getAttribute("aria-expanded")).toBe("true");
  });

  it("Tab closes the menu and moves on from the button, not from inside the hidden menu", () => {
    render(<Harness />);
    openByClick();
    key("ArrowDown");
    const notPrevented = key("Tab");
    // The browser's own Tab then moves on from the button.
    expect(notPrevented).toBe(true);
    expect(focused()).toBe("menu");
    expect(button().getAttribute("aria-expanded")).toBe("false");
  });

  it("focus going to another control closes the menu; the window losing focus does not", () => {
    render(<Harness />);
    openByClick();
    fireEvent.blur(screen.getByTestId("new"), { relatedTarget: null });
    expect(button().getAttribute("aria-expanded")).toBe("true");
    fireEvent.blur(screen.getByTestId("new"), { relatedTarget: screen.getByTestId("copy") });
    expect(button().getAttribute("aria-expanded")).toBe("true");
    const after = screen.getByTestId("after");
    fireEvent.blur(screen.getByTestId("new"), { relatedTarget: after });
    expect(button().getAttribute("aria-expanded")).toBe("false");
  });

  it("marks the current page on the item and on the button; the shortcut is said once, as a shortcut", () => {
    render(<Harness current />);
    openByClick();
    expect(button().getAttribute("aria-current")).toBe("page");
    const item = screen.getByRole("menuitem", { name: "Biểu ghi mới" });
    expect(item.dataset.testid).toBe("new");
    expect(item.getAttribute("aria-current")).toBe("page");
    expect(item.getAttribute("aria-keyshortcuts")).toBe("Control+N");
    expect(within(item).getByText("Ctrl+N").getAttribute("aria-hidden")).toBe("true");
    expect(screen.getByTestId("copy").getAttribute("aria-current")).toBeNull();
  });

  it("has no axe violations closed or open", async () => {
    const { container } = render(<Harness current />);
    await expectNoAxeViolations(container);
    openByClick();
    await expectNoAxeViolations(container);
  });
});
