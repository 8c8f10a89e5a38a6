/**
 * The rights screens' pure logic: the thirteen statuses in the order a person reads them,
 * grouped by what they allow, the access levels, and the queue's selection (one row, a range
 * from the last row clicked, a whole page).
 */
import type { AccessLevel } from "../bindings/AccessLevel";
import type { RightsStatus } from "../bindings/RightsStatus";
import type { StatusCount } from "../bindings/StatusCount";

export type StatusGroup = "free" | "protected" | "unknown";

/** Every status, in the order core lists them (RightsStatus::ALL). */
export const STATUSES: RightsStatus[] = [
  "PublicDomain",
  "InC",
  "InC-OW-EU",
  "InC-EDU",
  "InC-NC",
  "InC-RUU",
  "NoC-CR",
  "NoC-NC",
  "NoC-OKLR",
  "NoC-US",
  "CNE",
  "UND",
  "NKC",
];

export const ACCESS_LEVELS: AccessLevel[] = ["open", "registered", "premises", "staff", "dark"];

/** What a status allows: used freely, protected, or not decided yet. */
export function statusGroup(status: RightsStatus): StatusGroup {
  if (status === "CNE" || status === "UND") return "unknown";
  if (status.startsWith("InC")) return "protected";
  return "free";
}

/** The statuses by group, in the order of STATUSES within each, groups free → protected → unknown. */
export function groupedStatuses(): { group: StatusGroup; statuses: RightsStatus[] }[] {
  const order: StatusGroup[] = ["free", "protected", "unknown"];
  return order.map((group) => ({ group, statuses: STATUSES.filter((s) => statusGroup(s) === group) }));
}

/** The counts in STATUSES order, largest kept where it is: the chart and its table read alike. */
export function inStatusOrder(counts: StatusCount[]): StatusCount[] {
  return [...counts].sort((a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status));
}

export interface Selection {
  ids: ReadonlySet<string>;
  /** The row a Shift+click range starts from: the last row toggled. */
  anchor: string | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

export function toggle(sel: Selection, id: string): Selection {
  const ids = new Set(sel.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/**
 * Shift+click: every row from the anchor to `id` (in the page's order) takes the state the
 * anchor has; without an anchor on the page it is a plain toggle.
 */
export function selectRange(sel: Selection, order: readonly string[], id: string): Selection {
  const from = sel.anchor === null ? -1 : order.indexOf(sel.anchor);
  const to = order.indexOf(id);
  if (from < 0 || to < 0) return toggle(sel, id);
  const on = sel.ids.has(sel.anchor!);
  const ids = new Set(sel.ids);
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  for (const row of order.slice(lo, hi + 1)) {
    if (on) ids.add(row);
    else ids.delete(row);
  }
  return { ids, anchor: id };
}

/** Selects (or clears) every row of the page, keeping rows of other pages as they are. */
export function setPage(sel: Selection, page: readonly string[], on: boolean): Selection {
  const ids = new Set(sel.ids);
  for (const id of page) {
    if (on) ids.add(id);
    else ids.delete(id);
  }
  return { ids, anchor: sel.anchor };
}

/** How much of the page is selected, for the header checkbox (checked, mixed, clear). */
export function pageState(sel: Selection, page: readonly string[]): "all" | "some" | "none" {
  const n = page.filter((id) => sel.ids.has(id)).length;
  if (n === 0) return "none";
  return n === page.length ? "all" : "some";
}
