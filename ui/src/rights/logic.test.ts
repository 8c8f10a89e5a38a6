import { describe, expect, it } from "vitest";
import {
  EMPTY_SELECTION,
  groupedStatuses,
  inStatusOrder,
  pageState,
  selectRange,
  setPage,
  STATUSES,
  statusGroup,
  toggle,
} from "./logic";

const PAGE = ["a", "b", "c", "d", "e"];
const ids = (s: { ids: ReadonlySet<string> }) => [...s.ids].sort();

describe("statuses", () => {
  it("lists all thirteen once and groups them by what they allow", () => {
    expect(new Set(STATUSES).size).toBe(13);
    expect(statusGroup("PublicDomain")).toBe("free");
    expect(statusGroup("NoC-US")).toBe("free");
    expect(statusGroup("NKC")).toBe("free");
    expect(statusGroup("InC-RUU")).toBe("protected");
    expect(statusGroup("UND")).toBe("unknown");
    expect(statusGroup("CNE")).toBe("unknown");
    const groups = groupedStatuses();
    expect(groups.map((g) => g.group)).toEqual(["free", "protected", "unknown"]);
    expect(groups.flatMap((g) => g.statuses).sort()).toEqual([...STATUSES].sort());
    expect(groups[2]!.statuses).toEqual(["CNE", "UND"]);
  });

  it("orders counts as the statuses are listed", () => {
    const ordered = inStatusOrder([
      { status: "UND", count: 4 },
      { status: "PublicDomain", count: 1 },
      { status: "InC", count: 9 },
    ]);
    expect(ordered.map((c) => c.status)).toEqual(["PublicDomain", "InC", "UND"]);
  });
});

describe("selection", () => {
  it("toggles one row and remembers it as the anchor", () => {
    const one = toggle(EMPTY_SELECTION, "b");
    expect(ids(one)).toEqual(["b"]);
    expect(one.anchor).toBe("b");
    expect(ids(toggle(one, "b"))).toEqual([]);
  });

  it("selects a range from the anchor either way, and clears one from a cleared anchor", () => {
    const down = selectRange(toggle(EMPTY_SELECTION, "b"), PAGE, "d");
    expect(ids(down)).toEqual(["b", "c", "d"]);
    expect(down.anchor).toBe("d");
    const up = selectRange(toggle(EMPTY_SELECTION, "e"), PAGE, "c");
    expect(ids(up)).toEqual(["c", "d", "e"]);
    // Anchor "c" toggled off: the range c..e is cleared.
    const cleared = selectRange(toggle(up, "c"), PAGE, "e");
    expect(ids(cleared)).toEqual([]);
  });

  it("without an anchor on the page, a range is a toggle", () => {
    expect(ids(selectRange(EMPTY_SELECTION, PAGE, "c"))).toEqual(["c"]);
    const elsewhere = { ids: new Set(["z"]), anchor: "z" };
    expect(ids(selectRange(elsewhere, PAGE, "a"))).toEqual(["a", "z"]);
  });

  it("selects and clears a whole page, keeping other pages' rows, and says how much is selected", () => {
    const other = toggle(EMPTY_SELECTION, "z");
    const all = setPage(other, PAGE, true);
    expect(ids(all)).toEqual(["a", "b", "c", "d", "e", "z"]);
    expect(pageState(all, PAGE)).toBe("all");
    expect(pageState(toggle(all, "c"), PAGE)).toBe("some");
    expect(ids(setPage(all, PAGE, false))).toEqual(["z"]);
    expect(pageState(other, PAGE)).toBe("none");
    expect(pageState(EMPTY_SELECTION, [])).toBe("none");
  });
});
