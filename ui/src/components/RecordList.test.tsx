import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { memoryApi } from "../memoryApi";
import { PAGE_SIZE } from "../recordCache";
import { LIST_VIEWPORT } from "../test/setup";
import { MAX_SCROLL_HEIGHT, ROW_HEIGHT } from "./RecordList";
import { revealRow, rowTop, scrollGeometry, toPhysical, toVirtual, visibleRange } from "./scrollWindow";

const FIVE_MILLION = 5_000_000;
const VISIBLE_ROWS = LIST_VIEWPORT.height / ROW_HEIGHT; // 20
const MAX_DOM_ROWS = 40;

const list = () => screen.getByTestId("record-list");
const rows = () => screen.getAllByTestId("record-row");
const indexes = () => rows().map((r) => Number(r.dataset.index));
const activeId = () => list().getAttribute("aria-activedescendant");

/** The row's translateY inside the sizer. */
const top = (row: HTMLElement) => Number(/translateY\((-?[\d.]+)px\)/.exec(row.style.transform)![1]);
/** Where the row appears, relative to the viewport's top edge (to 1/1000 px: scrollTop is fractional). */
const onScreen = (row: HTMLElement) => Math.round((top(row) - list().scrollTop) * 1000) / 1000;

/** Rows whose box intersects the viewport, in index order. */
function visibleIndexes(): number[] {
  return rows()
    .filter((r) => onScreen(r) + ROW_HEIGHT > 0 && onScreen(r) < LIST_VIEWPORT.height)
    .map((r) => Number(r.dataset.index));
}

/** Rendered rows are consecutive and laid out edge to edge, 32 px apart. */
function expectContiguous() {
  const rendered = rows();
  expect(rendered.length).toBeLessThanOrEqual(MAX_DOM_ROWS);
  for (let i = 1; i < rendered.length; i++) {
    expect(Number(rendered[i]!.dataset.index)).toBe(Number(rendered[i - 1]!.dataset.index) + 1);
    expect(onScreen(rendered[i]!) - onScreen(rendered[i - 1]!)).toBeCloseTo(ROW_HEIGHT, 6);
  }
}

async function renderBig(total = FIVE_MILLION) {
  const api = memoryApi(total);
  render(<App api={api} />);
  await screen.findByText("Tiêu đề 0");
  return api;
}

describe("scroll geometry", () => {
  it("stays native up to the limit and scales above it", () => {
    const atLimit = MAX_SCROLL_HEIGHT / ROW_HEIGHT; // 250,000 rows
    const native = scrollGeometry(atLimit, 640);
    expect(native.scaled).toBe(false);
    expect(native.sizerHeight).toBe(atLimit * ROW_HEIGHT);
    expect(toPhysical(native, 12_345)).toBe(12_345);
    expect(toVirtual(native, 12_345)).toBe(12_345);
    expect(rowTop(native, 1000, 99, 99)).toBe(1000 * ROW_HEIGHT);

    const scaled = scrollGeometry(atLimit + 1, 640);
    expect(scaled.scaled).toBe(true);
    expect(scaled.sizerHeight).toBe(MAX_SCROLL_HEIGHT);
    expect(scrollGeometry(FIVE_MILLION, 640).sizerHeight).toBe(MAX_SCROLL_HEIGHT);
  });

  it("maps the ends and the middle proportionally", () => {
    const g = scrollGeometry(FIVE_MILLION, 640);
    expect(toVirtual(g, 0)).toBe(0);
    expect(toVirtual(g, g.physicalMax)).toBe(g.virtualMax);
    expect(toPhysical(g, g.virtualMax)).toBe(g.physicalMax);
    const mid = visibleRange(g, toVirtual(g, g.physicalMax / 2), 6)!;
    expect(mid.startIndex).toBe(Math.round((FIVE_MILLION - VISIBLE_ROWS) / 2));
    const end = visibleRange(g, g.virtualMax, 6)!;
    expect(end.endIndex).toBe(FIVE_MILLION - 1);
    expect(end.startIndex).toBe(FIVE_MILLION - VISIBLE_ROWS);
    // Round trip physical -> virtual -> physical stays within a pixel.
    for (const st of [1, 77, 1234.5, g.physicalMax - 3]) {
      expect(Math.abs(toPhysical(g, toVirtual(g, st)) - st)).toBeLessThan(1);
    }
  });

  it("reveals a row with the least movement", () => {
    const g = scrollGeometry(FIVE_MILLION, 640);
    expect(revealRow(g, 0, 5)).toBe(0);
    expect(revealRow(g, 0, 20)).toBe(21 * ROW_HEIGHT - 640);
    expect(revealRow(g, 1000 * ROW_HEIGHT, 999)).toBe(999 * ROW_HEIGHT);
  });
});

describe("record list with five million records", () => {
  it("caps the scroll height and starts at the first row", async () => {
    await renderBig();
    const lb = list();
    expect(lb.scrollHeight).toBe(MAX_SCROLL_HEIGHT);
    expect(rows()[0]!.id).toBe("record-row-0");
    expect(rows()[0]!.getAttribute("aria-setsize")).toBe("5000000");
    expect(visibleIndexes()[0]).toBe(0);
    expectContiguous();
  });

  it("End goes to the last row; ArrowDown there stays; Home comes back", async () => {
    const api = await renderBig();
    const lb = list();
    lb.focus();

    fireEvent.keyDown(lb, { key: "End" });
    await waitFor(() => expect(activeId()).toBe("record-row-4999999"));
    const last = document.getElementById("record-row-4999999")!;
    expect(last.getAttribute("aria-posinset")).toBe("5000000");
    expect(last.getAttribute("aria-setsize")).toBe("5000000");
    expect(last.getAttribute("aria-selected")).toBe("true");
    expect(lb.scrollTop).toBe(lb.scrollHeight - lb.clientHeight);
    // Flush with the bottom edge of the viewport.
    expect(onScreen(last)).toBe(LIST_VIEWPORT.height - ROW_HEIGHT);
    expectContiguous();
    await screen.findByText("Tiêu đề 4999999");

    fireEvent.keyDown(lb, { key: "ArrowDown" });
    expect(activeId()).toBe("record-row-4999999");
    expect(onScreen(document.getElementById("record-row-4999999")!)).toBe(LIST_VIEWPORT.height - ROW_HEIGHT);

    fireEvent.keyDown(lb, { key: "ArrowUp" });
    expect(activeId()).toBe("record-row-4999998");
    expectContiguous();

    fireEvent.keyDown(lb, { key: "Home" });
    await waitFor(() => expect(activeId()).toBe("record-row-0"));
    expect(lb.scrollTop).toBe(0);
    expect(visibleIndexes()[0]).toBe(0);
    await screen.findByText("Tiêu đề 0");
    // Only the first and the last page were ever needed.
    expect(api.calls).toEqual([0, Math.floor((FIVE_MILLION - 1) / PAGE_SIZE) * PAGE_SIZE]);
  });

  it("keeps the active row on screen with arrows and pages", async () => {
    await renderBig();
    const lb = list();
    lb.focus();
    const activeOnScreen = () => {
      const row = document.getElementById(activeId()!)!;
      expect(onScreen(row)).toBeGreaterThanOrEqual(0);
      expect(onScreen(row) + ROW_HEIGHT).toBeLessThanOrEqual(LIST_VIEWPORT.height);
    };

    for (let i = 0; i < 25; i++) fireEvent.keyDown(lb, { key: "ArrowDown" });
    expect(activeId()).toBe("record-row-25");
    activeOnScreen();
    // Scrolled one row per step once the active row reached the bottom.
    expect(visibleIndexes()[0]).toBe(25 - VISIBLE_ROWS + 1);

    fireEvent.keyDown(lb, { key: "PageDown" });
    expect(activeId()).toBe(`record-row-${25 + VISIBLE_ROWS - 1}`);
    activeOnScreen();
    fireEvent.keyDown(lb, { key: "PageUp" });
    fireEvent.keyDown(lb, { key: "PageUp" });
    expect(activeId()).toBe(`record-row-${25 - VISIBLE_ROWS + 1}`);
    activeOnScreen();
    expectContiguous();
  });

  it("renders the last rows when scrolled to the bottom", async () => {
    await renderBig();
    const lb = list();
    lb.scrollTop = lb.scrollHeight;
    await waitFor(() => expect(document.getElementById("record-row-4999999")).not.toBeNull());
    const visible = visibleIndexes();
    expect(visible[0]).toBe(FIVE_MILLION - VISIBLE_ROWS);
    expect(visible[visible.length - 1]).toBe(FIVE_MILLION - 1);
    expect(onScreen(document.getElementById("record-row-4999999")!)).toBe(LIST_VIEWPORT.height - ROW_HEIGHT);
    expectContiguous();
    await screen.findByText("Tiêu đề 4999999");
  });

  it("renders rows around 2,500,000 when scrolled to the middle", async () => {
    await renderBig();
    const lb = list();
    lb.scrollTop = (lb.scrollHeight - lb.clientHeight) / 2;
    await waitFor(() => expect(Math.abs(visibleIndexes()[0]! - 2_500_000)).toBeLessThanOrEqual(VISIBLE_ROWS));
    const visible = visibleIndexes();
    expect(visible.length).toBe(VISIBLE_ROWS);
    expect(visible[0]).toBe(Math.round((FIVE_MILLION - VISIBLE_ROWS) / 2));
    expectContiguous();
    await screen.findByText(`Tiêu đề ${visible[0]}`);
  });

  it("moves by rows on a small wheel scroll, consistently with the scrollbar", async () => {
    await renderBig();
    const lb = list();
    const g = scrollGeometry(FIVE_MILLION, LIST_VIEWPORT.height);

    fireEvent.wheel(lb, { deltaY: ROW_HEIGHT });
    expect(visibleIndexes()[0]).toBe(1);
    fireEvent.wheel(lb, { deltaY: 3, deltaMode: 1 }); // three lines
    expect(visibleIndexes()[0]).toBe(4);
    // The scrollbar followed: scrollTop is the proportional position.
    expect(lb.scrollTop).toBeCloseTo(toPhysical(g, 4 * ROW_HEIGHT), 6);
    // A partial row scroll shifts the rows by pixels, not whole pages.
    fireEvent.wheel(lb, { deltaY: 10 });
    expect(visibleIndexes()[0]).toBe(4);
    expect(onScreen(document.getElementById("record-row-5")!)).toBe(ROW_HEIGHT - 10);
    fireEvent.wheel(lb, { deltaY: -10 - 4 * ROW_HEIGHT });
    expect(visibleIndexes()[0]).toBe(0);
    expect(lb.scrollTop).toBe(0);

    // Drag the scrollbar to the middle, then wheel from there.
    lb.scrollTop = g.physicalMax / 2;
    const middle = Math.round((FIVE_MILLION - VISIBLE_ROWS) / 2);
    await waitFor(() => expect(visibleIndexes()[0]).toBe(middle));
    fireEvent.wheel(lb, { deltaY: 2 * ROW_HEIGHT });
    expect(visibleIndexes()[0]).toBe(middle + 2);
    fireEvent.wheel(lb, { deltaY: -ROW_HEIGHT });
    expect(visibleIndexes()[0]).toBe(middle + 1);
    expectContiguous();

    // The keyboard continues from where the wheel left off.
    lb.focus();
    fireEvent.keyDown(lb, { key: "End" });
    await waitFor(() => expect(activeId()).toBe("record-row-4999999"));
    fireEvent.wheel(lb, { deltaY: -ROW_HEIGHT });
    expect(visibleIndexes()[0]).toBe(FIVE_MILLION - VISIBLE_ROWS - 1);
    fireEvent.wheel(lb, { deltaY: 5 * ROW_HEIGHT }); // clamped at the end
    expect(visibleIndexes()[0]).toBe(FIVE_MILLION - VISIBLE_ROWS);
    expect(lb.scrollTop).toBe(g.physicalMax);
  });

  it("never holds more than a few dozen rows while scrolling anywhere", async () => {
    await renderBig();
    const lb = list();
    const max = lb.scrollHeight - lb.clientHeight;
    for (const fraction of [0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1, 0]) {
      lb.scrollTop = max * fraction;
      await waitFor(() => {
        const start = visibleIndexes()[0]!;
        expect(Math.abs(start - Math.round(fraction * (FIVE_MILLION - VISIBLE_ROWS)))).toBeLessThanOrEqual(1);
      });
      expect(rows().length).toBeLessThanOrEqual(MAX_DOM_ROWS);
      expectContiguous();
    }
  });
});

describe("record list below the limit", () => {
  it("lays rows out at index * 32 in a full-height sizer, as before", async () => {
    await renderBig(100_000);
    const lb = list();
    expect(lb.scrollHeight).toBe(100_000 * ROW_HEIGHT);
    lb.scrollTop = 10_000 * ROW_HEIGHT + 5;
    await waitFor(() => expect(indexes()[0]).toBe(10_000 - 6));
    expect(indexes()[indexes().length - 1]).toBe(10_000 + VISIBLE_ROWS + 6);
    for (const row of rows()) expect(top(row)).toBe(Number(row.dataset.index) * ROW_HEIGHT);

    // Wheel events are left to the browser.
    const wheel = new WheelEvent("wheel", { deltaY: 100, cancelable: true, bubbles: true });
    lb.dispatchEvent(wheel);
    expect(wheel.defaultPrevented).toBe(false);
    expect(lb.scrollTop).toBe(10_000 * ROW_HEIGHT + 5);

    lb.focus();
    fireEvent.keyDown(lb, { key: "End" });
    await waitFor(() => expect(activeId()).toBe("record-row-99999"));
    expect(lb.scrollTop).toBe(100_000 * ROW_HEIGHT - LIST_VIEWPORT.height);
  });
});
