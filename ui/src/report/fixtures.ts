/** A small, hand-checkable circulation report for the report's tests. */
import type { Branch } from "../bindings/Branch";
import type { CirculationStats } from "../bindings/CirculationStats";
import type { Loan } from "../bindings/Loan";
import { memoryApi } from "../memoryApi";
import type { CatalogApi } from "../api";

export const TODAY = "2025-06-15";

export const BRANCHES: Branch[] = [
  { id: "b1", code: "HK", name: "Hoàn Kiếm" },
  { id: "b2", code: "CG", name: "Cầu Giấy" },
  { id: "b3", code: "LB", name: "Long Biên" },
];

function loan(id: string, patron: string, item: string, title: string, dueOn: string, branch: string): Loan {
  return {
    id,
    item_id: `i-${id}`,
    item_barcode: item,
    record_id: `r-${id}`,
    title,
    patron_id: `p-${patron}`,
    patron_barcode: patron,
    branch_code: branch,
    checked_out_at: "2025-05-01T02:00:00Z",
    due_at: `${dueOn}T16:59:59Z`,
    due_on: dueOn,
    renewals: 0,
    returned_at: null,
    returned_branch_code: null,
    override_reason: null,
    overdue: true,
  };
}

/** Deliberately not in due order, to show the screen sorts them. */
export const OVERDUE: Loan[] = [
  loan("l2", "P0002", "300000000022", "Số đỏ", "2025-06-10", "CG"),
  loan("l1", "P0001", "300000000011", "Dế Mèn phiêu lưu ký", "2025-05-20", "HK"),
  loan("l3", "P0003", "300000000033", "Truyện Kiều", "2025-06-14", "XX"),
];

/** Every day from `from` to `to`, zeros included, as core gives them. */
export function perDay(from: string, to: string, counts: Record<string, number>) {
  const days = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) {
    const day = d.toISOString().slice(0, 10);
    days.push({ day, count: counts[day] ?? 0 });
  }
  return days;
}

export function statsFor(from: string, to: string): CirculationStats {
  return {
    from,
    to,
    loans_per_day: perDay(from, to, { [from]: 3, [to]: 9 }),
    returns_per_day: perDay(from, to, { [to]: 4 }),
    loans_by_branch: [
      { key: "CG", count: 4 },
      { key: "HK", count: 8 },
    ],
    loans_by_category: [
      { key: "adult", count: 7 },
      { key: "visually_impaired", count: 1 },
      { key: "child", count: 4 },
    ],
    loans_by_item_type: [
      { key: "book", count: 11 },
      { key: "audiobook", count: 1 },
    ],
    loans: 12,
    returns: 4,
    renewals: 1234,
    fines_charged: 1_234_000,
    overdue: OVERDUE,
  };
}

export function emptyStats(from: string, to: string): CirculationStats {
  return {
    from,
    to,
    loans_per_day: perDay(from, to, {}),
    returns_per_day: perDay(from, to, {}),
    loans_by_branch: [],
    loans_by_category: [],
    loans_by_item_type: [],
    loans: 0,
    returns: 0,
    renewals: 0,
    fines_charged: 0,
    overdue: [],
  };
}

/** The fake api the report uses: branches and stats for whatever period is asked. */
export function reportApi(overrides: Partial<CatalogApi> = {}): CatalogApi {
  return {
    ...memoryApi(0),
    branches: async () => BRANCHES,
    circulationStats: async (from, to) => statsFor(from, to),
    ...overrides,
  };
}
