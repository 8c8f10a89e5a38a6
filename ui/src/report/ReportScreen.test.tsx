import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { CirculationStats } from "../bindings/CirculationStats";
import type { Language } from "../i18n";
import { deferred, expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { emptyStats, reportApi, statsFor } from "./fixtures";
import { ReportScreen } from "./ReportScreen";

/** Intl puts no-break spaces in "1.234.000 ₫"; compare text with plain spaces. */
const plain = (s: string | null | undefined) => (s ?? "").replace(/[\u00a0\u202f]/g, " ").trim();

function show(lang: Language, api: CatalogApi, onError = vi.fn()) {
  return { ...renderIn(lang, <ReportScreen api={api} onError={onError} />), onError };
}

async function loaded() {
  await screen.findByTestId("report-summary");
}

function tableRows(testId: string): string[][] {
  const table = screen.getByTestId(testId);
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) => [...row.querySelectorAll("th, td")].map((c) => plain(c.textContent)));
}

beforeEach(() => {
  // Fake only Date: "today" is 15 June 2025 in local time; timers and promises stay real.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(2025, 5, 15, 10, 30));
});

afterEach(() => {
  vi.useRealTimers();
});

describe("period", () => {
  it("opens on the last 30 days and asks core for them", async () => {
    const circulationStats = vi.fn(async (from: string, to: string) => statsFor(from, to));
    show("en", reportApi({ circulationStats }));
    await loaded();
    expect(circulationStats).toHaveBeenCalledWith("2025-05-17", "2025-06-15");
    expect(screen.getByTestId("report-preset-last30").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("report-preset-last7").getAttribute("aria-pressed")).toBe("false");
    expect((screen.getByTestId("report-from") as HTMLInputElement).value).toBe("2025-05-17");
    expect(plain(screen.getByTestId("report-range").textContent)).toBe("May 17, 2025 – June 15, 2025");
  });

  it("a preset loads its period at once and shows it in the date fields", async () => {
    const circulationStats = vi.fn(async (from: string, to: string) => statsFor(from, to));
    show("vi", reportApi({ circulationStats }));
    await loaded();
    fireEvent.click(screen.getByTestId("report-preset-lastMonth"));
    await waitFor(() => expect(circulationStats).toHaveBeenLastCalledWith("2025-05-01", "2025-05-31"));
    expect(screen.getByTestId("report-preset-lastMonth").getAttribute("aria-pressed")).toBe("true");
    expect((screen.getByTestId("report-to") as HTMLInputElement).value).toBe("2025-05-31");
    fireEvent.click(screen.getByTestId("report-preset-thisYear"));
    await waitFor(() => expect(circulationStats).toHaveBeenLastCalledWith("2025-01-01", "2025-06-15"));
  });

  it("custom dates apply on submit; an end before the start is refused with a message", async () => {
    const circulationStats = vi.fn(async (from: string, to: string) => statsFor(from, to));
    show("en", reportApi({ circulationStats }));
    await loaded();
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2025-06-10" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2025-06-01" } });
    fireEvent.click(screen.getByTestId("report-apply"));
    expect(screen.getByTestId("report-period-problem").textContent).toBe("The start date must not be after the end date.");
    expect(screen.getByLabelText("From").getAttribute("aria-invalid")).toBe("true");
    expect(circulationStats).toHaveBeenCalledTimes(1);

    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2025-06-12" } });
    expect(screen.queryByTestId("report-period-problem")).toBeNull();
    fireEvent.submit(screen.getByTestId("report-period"));
    await waitFor(() => expect(circulationStats).toHaveBeenLastCalledWith("2025-06-10", "2025-06-12"));
    // No preset gives 10–12 June, so none is shown as chosen.
    for (const b of screen.getAllByRole("button", { pressed: false })) expect(b.dataset.testid).toMatch(/report-preset/);
    expect(screen.queryAllByRole("button", { pressed: true })).toEqual([]);
  });

  it("an answer for an earlier period that arrives late is ignored", async () => {
    const slow = deferred<CirculationStats>();
    const circulationStats = vi.fn((from: string, to: string) =>
      from === "2025-05-17" ? slow.promise : Promise.resolve(statsFor(from, to)),
    );
    show("en", reportApi({ circulationStats }));
    fireEvent.click(screen.getByTestId("report-preset-last7"));
    await waitFor(() => expect(tableRows("report-daily-table")).toHaveLength(7));
    await act(async () => slow.resolve(statsFor("2025-05-17", "2025-06-15")));
    expect(tableRows("report-daily-table")).toHaveLength(7);
  });
});

describe("summary", () => {
  const cards = () =>
    Object.fromEntries(
      ["loans", "returns", "renewals", "fines", "overdue"].map((k) => {
        const card = screen.getByTestId(`report-card-${k}`);
        return [plain(card.querySelector("dt")!.textContent), plain(card.querySelector("dd")!.textContent)];
      }),
    );

  it("formats the totals in Vietnamese", async () => {
    show("vi", reportApi());
    await loaded();
    expect(cards()).toEqual({
      "Lượt mượn": "12",
      "Lượt trả": "4",
      "Lượt gia hạn": "1.234",
      "Tiền phạt đã tính": "1.234.000 ₫",
      "Đang quá hạn": "3",
    });
  });

  it("formats the totals in English", async () => {
    show("en", reportApi());
    await loaded();
    expect(cards()).toEqual({
      Loans: "12",
      Returns: "4",
      Renewals: "1,234",
      "Fines charged": "₫1,234,000",
      "Overdue now": "3",
    });
  });
});

describe("charts and their tables", () => {
  it("the per-day table has every day of the period, zeros included, dates in the locale", async () => {
    show("en", reportApi());
    await loaded();
    fireEvent.click(screen.getByTestId("report-preset-last7"));
    await waitFor(() => expect(tableRows("report-daily-table")).toHaveLength(7));
    expect(tableRows("report-daily-table")).toEqual([
      ["June 9, 2025", "3", "0"],
      ["June 10, 2025", "0", "0"],
      ["June 11, 2025", "0", "0"],
      ["June 12, 2025", "0", "0"],
      ["June 13, 2025", "0", "0"],
      ["June 14, 2025", "0", "0"],
      ["June 15, 2025", "9", "4"],
    ]);
    const description = screen.getByTestId("report-daily").getAttribute("aria-describedby")!;
    expect(document.getElementById(description)!.textContent).toBe(
      "A period of 7 days. Total loans: 12; total returns: 4. Most loans on June 15, 2025: 9. The table with this chart lists every value.",
    );
  });

  it("formats the per-day table in Vietnamese and has all 30 days by default", async () => {
    show("vi", reportApi());
    await loaded();
    const rows = tableRows("report-daily-table");
    expect(rows).toHaveLength(30);
    expect(rows[0]).toEqual(["17 tháng 5, 2025", "3", "0"]);
    expect(rows[29]).toEqual(["15 tháng 6, 2025", "9", "4"]);
  });

  it("names branches, translates patron categories and item types, largest first", async () => {
    show("en", reportApi());
    await loaded();
    expect(tableRows("report-by-branch-table")).toEqual([
      ["Hoàn Kiếm", "8"],
      ["Cầu Giấy", "4"],
    ]);
    expect(tableRows("report-by-category-table")).toEqual([
      ["Adult", "7"],
      ["Child", "4"],
      ["Visually impaired", "1"],
    ]);
    expect(tableRows("report-by-item-type-table")).toEqual([
      ["Book", "11"],
      ["Audiobook", "1"],
    ]);
  });

  it("translates the groups in Vietnamese", async () => {
    show("vi", reportApi());
    await loaded();
    expect(tableRows("report-by-category-table").map((r) => r[0])).toEqual(["Người lớn", "Thiếu nhi", "Người khiếm thị"]);
    expect(tableRows("report-by-item-type-table").map((r) => r[0])).toEqual(["Sách", "Sách nói"]);
  });

  it("draws one bar per group and one line per series", async () => {
    show("en", reportApi());
    await loaded();
    // The charts load after the numbers (see ReportScreen's lazy import).
    await waitFor(() => expect(screen.getByTestId("report-by-branch").querySelectorAll(".recharts-bar-rectangle")).toHaveLength(2));
    expect(screen.getByTestId("report-by-branch").textContent).toContain("Hoàn Kiếm");
    await waitFor(() => expect(screen.getByTestId("report-daily").querySelectorAll(".recharts-line")).toHaveLength(2));
    // The pictures are hidden from screen readers: the tables carry the numbers.
    for (const chart of document.querySelectorAll(".report-chart")) expect(chart.getAttribute("aria-hidden")).toBe("true");
  });

  it("shows a table on request and hides it again", async () => {
    show("en", reportApi());
    await loaded();
    const figure = screen.getByTestId("report-by-branch");
    const toggle = within(figure).getByRole("button", { name: "Show as table" });
    const wrap = document.getElementById(toggle.getAttribute("aria-controls")!)!;
    expect(wrap.classList.contains("visually-hidden")).toBe(true);
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(toggle.textContent).toBe("Hide table");
    expect(wrap.classList.contains("visually-hidden")).toBe(false);
    fireEvent.click(toggle);
    expect(wrap.classList.contains("visually-hidden")).toBe(true);
  });

  it("falls back to branch codes and reports why when the branches cannot be read", async () => {
    const failure = { code: "storage", message: "disk", details: null };
    const { onError } = show("en", reportApi({ branches: () => Promise.reject(failure) }));
    await loaded();
    await waitFor(() => expect(onError).toHaveBeenCalledWith(failure));
    expect(tableRows("report-by-branch-table").map((r) => r[0])).toEqual(["HK", "CG"]);
  });
});

describe("overdue list", () => {
  it("lists the most overdue first with days counted to today", async () => {
    show("en", reportApi());
    await loaded();
    expect(tableRows("report-overdue-table")).toEqual([
      ["P0001", "Dế Mèn phiêu lưu ký", "300000000011", "May 20, 2025", "26", "Hoàn Kiếm"],
      ["P0002", "Số đỏ", "300000000022", "June 10, 2025", "5", "Cầu Giấy"],
      ["P0003", "Truyện Kiều", "300000000033", "June 14, 2025", "1", "XX"],
    ]);
  });

  it("says when nothing is overdue", async () => {
    show("vi", reportApi({ circulationStats: async (from, to) => ({ ...statsFor(from, to), overdue: [] }) }));
    await loaded();
    expect(screen.getByTestId("report-overdue-empty").textContent).toBe("Không có lượt mượn nào quá hạn.");
    expect(screen.queryByTestId("report-overdue-table")).toBeNull();
  });
});

describe("states", () => {
  it("shows loading until the numbers come", async () => {
    const pending = deferred<CirculationStats>();
    show("vi", reportApi({ circulationStats: () => pending.promise }));
    expect(screen.getByTestId("report-loading").textContent).toBe("Đang tải báo cáo…");
    expect((screen.getByTestId("report-export") as HTMLButtonElement).disabled).toBe(true);
    await act(async () => pending.resolve(statsFor("2025-05-17", "2025-06-15")));
    expect(screen.queryByTestId("report-loading")).toBeNull();
    expect((screen.getByTestId("report-export") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says there were no loans instead of drawing empty charts", async () => {
    show("en", reportApi({ circulationStats: async (from, to) => emptyStats(from, to) }));
    await loaded();
    expect(screen.getByTestId("report-empty").textContent).toBe("No loans in this period.");
    expect(screen.queryByTestId("report-daily")).toBeNull();
    expect(plain(screen.getByTestId("report-card-fines").querySelector("dd")!.textContent)).toBe("₫0");
  });

  it("shows a failed load with the reason and tries again", async () => {
    let fail = true;
    const circulationStats = vi.fn(async (from: string, to: string) => {
      if (fail) throw { code: "catalog_unavailable", message: "locked", details: null };
      return statsFor(from, to);
    });
    show("en", reportApi({ circulationStats }));
    const alert = await screen.findByTestId("report-error");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toBe("The report could not be loaded. The catalog cannot be opened right now. locked");
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await loaded();
    expect(screen.queryByTestId("report-error")).toBeNull();
    expect(circulationStats).toHaveBeenCalledTimes(2);
  });
});

describe("CSV export", () => {
  it("asks where to save, exports the shown period there and says so", async () => {
    const pickFile = vi.fn(async () => "/home/thu-vien/bao-cao.csv");
    const exportCirculationStats = vi.fn(async () => undefined);
    show("vi", reportApi({ pickFile, exportCirculationStats }));
    await loaded();
    fireEvent.click(screen.getByRole("button", { name: "Xuất CSV" }));
    await waitFor(() => expect(screen.getByTestId("report-export-status").textContent).toBe("Đã lưu báo cáo vào /home/thu-vien/bao-cao.csv."));
    expect(pickFile).toHaveBeenCalledWith("save", "shelfmark-circulation-2025-05-17-2025-06-15.csv");
    expect(exportCirculationStats).toHaveBeenCalledWith("2025-05-17", "2025-06-15", "/home/thu-vien/bao-cao.csv");
  });

  it("does nothing when the save dialog is cancelled", async () => {
    const exportCirculationStats = vi.fn(async () => undefined);
    show("en", reportApi({ pickFile: async () => null, exportCirculationStats }));
    await loaded();
    fireEvent.click(screen.getByTestId("report-preset-last7"));
    await loaded();
    await waitFor(() => expect((screen.getByTestId("report-export") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("report-export"));
    await waitFor(() => expect(screen.getByTestId("report-export").textContent).toBe("Export CSV"));
    expect(exportCirculationStats).not.toHaveBeenCalled();
    expect(screen.getByTestId("report-export-status").textContent).toBe("");
  });

  it("shows why an export failed", async () => {
    const exportCirculationStats = vi.fn(async () => {
      throw { code: "storage", message: "permission denied", details: "/root/x.csv" };
    });
    show("en", reportApi({ pickFile: async () => "/root/x.csv", exportCirculationStats }));
    await loaded();
    fireEvent.click(screen.getByTestId("report-export"));
    const alert = await screen.findByTestId("report-export-error");
    expect(alert.textContent).toBe(
      "The report could not be exported. Storage error: data could not be read or written. permission denied — /root/x.csv",
    );
    expect(screen.getByTestId("report-export-status").textContent).toBe("");
  });
});

describe("accessibility", () => {
  for (const lang of ["vi", "en"] as const) {
    it(`has no axe violations with a report shown, tables open or not (${lang})`, async () => {
      const { container } = show(lang, reportApi());
      await loaded();
      // Wait for all four pictures so the SVG is checked too.
      await waitFor(() => expect(container.querySelectorAll(".report-chart > .recharts-wrapper")).toHaveLength(4));
      await expectNoAxeViolations(container);
      for (const b of screen.getAllByRole("button", { expanded: false })) fireEvent.click(b);
      await expectNoAxeViolations(container);
      // axe over four charts and their tables, twice, on a shared machine.
    }, 30_000);

    it(`has no axe violations when empty, failed or refusing a period (${lang})`, async () => {
      const { container, unmount } = show(lang, reportApi({ circulationStats: async (f, t) => emptyStats(f, t) }));
      await loaded();
      fireEvent.change(screen.getByTestId("report-to"), { target: { value: "2020-01-01" } });
      fireEvent.click(screen.getByTestId("report-apply"));
      screen.getByTestId("report-period-problem");
      await expectNoAxeViolations(container);
      unmount();
      const failed = show(lang, reportApi({ circulationStats: () => Promise.reject({ code: "internal", message: "", details: null }) }));
      await screen.findByTestId("report-error");
      await expectNoAxeViolations(failed.container);
    }, 30_000);
  }
});
