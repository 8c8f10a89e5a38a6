/**
 * Facet counts from core turned into what the screen offers: for each value, its count and the
 * clause in the search language that narrows to it.
 */
import type { SearchFacets } from "../bindings/SearchFacets";
import { fieldClause, MONOGRAPH_CLAUSE } from "./queryBuilder";

/** The facet groups, in the order the screen lists them. */
export const FACET_GROUPS = ["material_type", "language", "decade", "branch", "availability", "serial"] as const;
export type FacetGroup = (typeof FACET_GROUPS)[number];

export interface FacetEntry {
  /** The value as core names it (`book`, `vie`, `1990`, `HK`, `available`, `serial`). */
  value: string;
  count: number;
  /** What choosing it adds to the query. */
  clause: string;
}

/**
 * The clause narrowing to one facet value; null for a value the language cannot express.
 * Availability: `available:no` means "not on the shelf now", which covers both records whose
 * items are all out and records with no items.
 */
export function facetClause(group: FacetGroup, value: string): string | null {
  switch (group) {
    case "material_type":
      return fieldClause("type", value);
    case "language":
      return /^[A-Za-z]{3}$/.test(value) ? `lang:${value.toLowerCase()}` : null;
    case "decade": {
      if (!/^\d{1,4}$/.test(value)) return null;
      const from = Number(value);
      return `year:${from}..${from + 9}`;
    }
    case "branch":
      return fieldClause("branch", value);
    case "availability":
      if (value === "available") return "available:yes";
      return value === "unavailable" || value === "no_items" ? "available:no" : null;
    case "serial":
      if (value === "serial") return "type:serial";
      return value === "monograph" ? MONOGRAPH_CLAUSE : null;
  }
}

/**
 * The entries of one group. Availability's `unavailable` and `no_items` are one choice
 * (`available:no` finds both), shown once as `unavailable` with their counts added.
 */
export function facetEntries(facets: SearchFacets, group: FacetGroup): FacetEntry[] {
  const out: FacetEntry[] = [];
  for (const { value, count } of facets[group]) {
    const clause = facetClause(group, value);
    if (clause === null || count <= 0) continue;
    const shown = group === "availability" && value === "no_items" ? "unavailable" : value;
    const same = out.find((e) => e.clause === clause);
    if (same) same.count += count;
    else out.push({ value: shown, count, clause });
  }
  if (group === "decade") out.sort((a, b) => Number(b.value) - Number(a.value));
  return out;
}
