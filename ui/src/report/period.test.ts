import { describe, expect, it } from "vitest";
import { addDays, daysBetween, daysOverdue, isDay, localDay, periodProblem, presetOf, presetPeriod } from "./period";

describe("presetPeriod", () => {
  const check = (today: string, expected: Record<string, [string, string]>) => {
    for (const [preset, [from, to]] of Object.entries(expected)) {
      expect(presetPeriod(preset as never, today), `${preset} on ${today}`).toEqual({ from, to });
    }
  };

  it("computes every preset for a day in the middle of the year", () => {
    check("2025-06-15", {
      last7: ["2025-06-09", "2025-06-15"],
      last30: ["2025-05-17", "2025-06-15"],
      thisMonth: ["2025-06-01", "2025-06-15"],
      lastMonth: ["2025-05-01", "2025-05-31"],
      thisYear: ["2025-01-01", "2025-06-15"],
    });
  });

  it("crosses the year at the start of January", () => {
    check("2025-01-03", {
      last7: ["2024-12-28", "2025-01-03"],
      last30: ["2024-12-05", "2025-01-03"],
      thisMonth: ["2025-01-01", "2025-01-03"],
      lastMonth: ["2024-12-01", "2024-12-31"],
      thisYear: ["2025-01-01", "2025-01-03"],
    });
  });

  it("knows February's length in leap and common years", () => {
    expect(presetPeriod("lastMonth", "2024-03-10")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(presetPeriod("lastMonth", "2025-03-31")).toEqual({ from: "2025-02-01", to: "2025-02-28" });
    expect(presetPeriod("last7", "2024-03-02")).toEqual({ from: "2024-02-25", to: "2024-03-02" });
  });

  it("rejects a today that is not a date", () => {
    expect(() => presetPeriod("last7", "2025-02-30")).toThrow(RangeError);
  });
});

describe("presetOf", () => {
  it("recognises a preset's period and nothing else", () => {
    expect(presetOf({ from: "2025-06-01", to: "2025-06-15" }, "2025-06-15")).toBe("thisMonth");
    expect(presetOf({ from: "2025-05-01", to: "2025-05-31" }, "2025-06-15")).toBe("lastMonth");
    expect(presetOf({ from: "2025-06-02", to: "2025-06-15" }, "2025-06-15")).toBeNull();
  });

  it("prefers the first preset when two coincide (the 7th of January: last 7 days = this month = this year)", () => {
    expect(presetOf({ from: "2025-01-01", to: "2025-01-07" }, "2025-01-07")).toBe("last7");
  });
});

describe("day arithmetic", () => {
  it("validates real calendar days only", () => {
    expect(isDay("2024-02-29")).toBe(true);
    expect(isDay("2025-02-29")).toBe(false);
    expect(isDay("2025-13-01")).toBe(false);
    expect(isDay("2025-6-1")).toBe(false);
    expect(isDay("")).toBe(false);
  });

  it("adds days and counts them across months and years", () => {
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(addDays("2025-03-01", -1)).toBe("2025-02-28");
    expect(daysBetween("2024-12-25", "2025-01-04")).toBe(10);
    expect(daysBetween("2025-01-04", "2024-12-25")).toBe(-10);
  });

  it("counts days overdue, never negative", () => {
    expect(daysOverdue("2025-06-01", "2025-06-15")).toBe(14);
    expect(daysOverdue("2025-06-15", "2025-06-15")).toBe(0);
    expect(daysOverdue("2025-06-20", "2025-06-15")).toBe(0);
  });

  it("takes the local calendar day of an instant", () => {
    expect(localDay(new Date(2025, 0, 5, 23, 59))).toBe("2025-01-05");
    expect(localDay(new Date(2025, 11, 31, 0, 0))).toBe("2025-12-31");
  });
});

describe("periodProblem", () => {
  it("says which end is wrong", () => {
    expect(periodProblem({ from: "2025-06-01", to: "2025-06-30" })).toBeNull();
    expect(periodProblem({ from: "2025-06-01", to: "2025-06-01" })).toBeNull();
    expect(periodProblem({ from: "", to: "2025-06-30" })).toBe("fromInvalid");
    expect(periodProblem({ from: "2025-06-01", to: "2025-06-31" })).toBe("toInvalid");
    expect(periodProblem({ from: "2025-07-01", to: "2025-06-30" })).toBe("reversed");
  });
});
