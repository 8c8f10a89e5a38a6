import { describe, expect, it } from "vitest";
import { loan, refusal } from "./fixtures";
import {
  belongsInInput,
  cleanBarcode,
  cleanPin,
  formatDay,
  formatMoney,
  isBlockedShortcut,
  needsReturnBin,
  openLoans,
  PIN_MAX_LENGTH,
  pinAfterKey,
  refusalMessage,
} from "./kiosk";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("PIN entry", () => {
  it("appends digits, deletes with Backspace and ignores everything else", () => {
    expect(pinAfterKey("", "4")).toBe("4");
    expect(pinAfterKey("43", "2")).toBe("432");
    expect(pinAfterKey("432", "Backspace")).toBe("43");
    expect(pinAfterKey("", "Backspace")).toBe("");
    expect(pinAfterKey("43", "a")).toBe("43");
    expect(pinAfterKey("43", "Enter")).toBe("43");
  });

  it("stops at the longest PIN a person types", () => {
    const full = "1".repeat(PIN_MAX_LENGTH);
    expect(pinAfterKey(full, "2")).toBe(full);
    expect(cleanPin("12 34-56abc" + "9".repeat(20))).toHaveLength(PIN_MAX_LENGTH);
    expect(cleanPin("12 34-56")).toBe("123456");
  });

  it("trims a scanned barcode", () => {
    expect(cleanBarcode("  30000001\t")).toBe("30000001");
  });
});

describe("keyboard guard", () => {
  it("blocks modified keys, function keys and browser keys, and lets reading keys through", () => {
    expect(isBlockedShortcut(key("p", { ctrlKey: true }))).toBe(true);
    expect(isBlockedShortcut(key("r", { metaKey: true }))).toBe(true);
    expect(isBlockedShortcut(key("ArrowLeft", { altKey: true }))).toBe(true);
    expect(isBlockedShortcut(key("F5"))).toBe(true);
    expect(isBlockedShortcut(key("F12"))).toBe(true);
    expect(isBlockedShortcut(key("BrowserBack"))).toBe(true);
    for (const k of ["1", "A", "Enter", "Tab", "Backspace", "Escape", "ArrowDown", " ", "F"]) {
      expect(isBlockedShortcut(key(k)), k).toBe(false);
    }
  });

  it("sends printable keys to the screen's input, but leaves Space to a focused button", () => {
    expect(belongsInInput("7", true)).toBe(true);
    expect(belongsInInput("x", false)).toBe(true);
    expect(belongsInInput(" ", true)).toBe(false);
    expect(belongsInInput(" ", false)).toBe(true);
    expect(belongsInInput("Enter", false)).toBe(false);
    expect(belongsInInput("Tab", false)).toBe(false);
  });
});

describe("what readers are told", () => {
  it("puts held and travelling books in the return bin, not on the shelf", () => {
    expect(needsReturnBin({ kind: "reshelve" })).toBe(false);
    expect(
      needsReturnBin({ kind: "hold_shelf", hold_id: "h", patron_barcode: "p", patron_name: "n", shelf_expires_on: "2025-03-22" }),
    ).toBe(true);
    expect(needsReturnBin({ kind: "transit", branch_code: "CN2", hold_id: null })).toBe(true);
  });

  it("words a refusal in the UI language", () => {
    const r = refusal("wrong_pin", "Mã PIN không đúng.", "Wrong PIN.");
    expect(refusalMessage(r, "vi")).toBe("Mã PIN không đúng.");
    expect(refusalMessage(r, "en")).toBe("Wrong PIN.");
  });

  it("reads a due day with its weekday, in each locale, whatever the time zone", () => {
    expect(formatDay("2025-03-12", "en")).toBe("Wednesday, March 12, 2025");
    expect(formatDay("2025-03-12", "vi")).toMatch(/^Thứ Tư, 12 tháng 3, 2025$/);
    expect(formatDay("2024-12-31", "en")).toBe("Tuesday, December 31, 2024");
    expect(formatDay("not a day", "en")).toBe("not a day");
  });

  it("writes money in whole đồng", () => {
    expect(formatMoney(15000, "vi").replace(/\s/g, " ")).toBe("15.000 ₫");
  });

  it("lists open loans soonest due first", () => {
    const a = loan({ id: "a", item_barcode: "1", title: "B", due_on: "2025-04-01" });
    const b = loan({ id: "b", item_barcode: "2", title: "A", due_on: "2025-03-01" });
    const c = loan({ id: "c", item_barcode: "3", title: "C", due_on: "2025-02-01", returned_at: "2025-02-01T00:00:00Z" });
    expect(openLoans([a, b, c]).map((l) => l.id)).toEqual(["b", "a"]);
  });
});
