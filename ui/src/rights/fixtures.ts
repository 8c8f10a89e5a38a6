/**
 * A small in-memory rights catalog for the rights screens' tests: a queue that filters,
 * sorts and pages like core, bulk determinations that take works out of it, a record's rights
 * tab, and a report. Tests override single methods on top (`{ ...rightsApi(), recordRights }`).
 */
import type { CatalogApi } from "../api";
import type { BulkDetermination } from "../bindings/BulkDetermination";
import type { Determination } from "../bindings/Determination";
import type { DeterminationSummary } from "../bindings/DeterminationSummary";
import type { RecordRights } from "../bindings/RecordRights";
import type { ReviewEntry } from "../bindings/ReviewEntry";
import type { ReviewQuery } from "../bindings/ReviewQuery";
import type { RightsReport } from "../bindings/RightsReport";
import type { RightsStatus } from "../bindings/RightsStatus";
import { memoryApi } from "../memoryApi";

export const UND_VI = "Thiếu năm mất của tác giả.";
export const UND_EN = "The author's death year is missing.";

/** Work `i`: every third undetermined (the rest never evaluated), loans falling with i. */
export function reviewEntry(i: number): ReviewEntry {
  const und = i % 3 === 0;
  return {
    record_id: `r${i}`,
    control_number: `CN${i}`,
    title: i === 1 ? "Truyện Kiều" : `Tác phẩm ${String(i).padStart(2, "0")}`,
    author: i === 1 ? "Nguyễn Du" : i % 4 === 0 ? null : `Tác giả ${i}`,
    year: i % 5 === 0 ? null : 1900 + i,
    status: und ? "UND" : null,
    explanation_vi: und ? UND_VI : null,
    explanation_en: und ? UND_EN : null,
    loans: 100 - i,
    digital_objects: 0,
  };
}

export function determination(over: Partial<Determination> = {}): Determination {
  return {
    id: "d1",
    record_id: "r1",
    control_number: "CN1",
    status: "PublicDomain",
    status_uri: "https://creativecommons.org/publicdomain/mark/1.0/",
    public_domain_from: "1871-01-01",
    access: "open",
    access_reason: null,
    jurisdiction: "vn",
    rule: "vn.life_plus_50",
    basis: "author_death",
    citation: "Luật Sở hữu trí tuệ, Điều 27 khoản 2",
    inputs: {
      authors: [{ name: "Nguyễn Du", tag: "100", dates: "1766-1820", death_year: 1820, death_year_approximate: false }],
      corporate_only: false,
      anonymous: false,
      work_type: "general",
      work_type_source: "Leader/06 a",
      publication_year: 1866,
      publication_year_008: 1866,
      publication_year_264: null,
      creation_year: null,
      statement_542: null,
      stated_status: null,
    },
    explanation_vi: "Tác giả mất năm 1820; hết bảo hộ từ 1871.",
    explanation_en: "The author died in 1820; free since 1871.",
    as_of: "2025-06-15",
    decided_by: "rules",
    decided_at: "2025-06-15T03:00:00Z",
    overridden_reason: null,
    ...over,
  };
}

export function recordRights(over: Partial<RecordRights> = {}): RecordRights {
  return {
    record_id: "r1",
    current: determination(),
    history: [],
    access: "open",
    computed: determination({ id: "" }),
    ...over,
  };
}

export const REPORT: RightsReport = {
  as_of: "2025-06-15",
  jurisdiction: "vn",
  records: 120,
  by_status: [
    { status: "PublicDomain", count: 30 },
    { status: "InC", count: 50 },
    { status: "CNE", count: 25 },
    { status: "UND", count: 15 },
  ],
  next_public_domain_day: "2026-01-01",
  entering_public_domain: [
    { record_id: "r7", control_number: "CN7", title: "Số đỏ", rule: "vn.life_plus_50" },
    { record_id: "r8", control_number: null, title: "Tắt đèn", rule: "vn.life_plus_50" },
  ],
  public_domain_by_year: Array.from({ length: 10 }, (_, k) => ({ year: 2026 + k, count: k === 0 ? 2 : k === 3 ? 5 : 0 })),
  not_evaluated: 25,
  undetermined: 15,
};

function summaryOf(statuses: RightsStatus[], changed: number): DeterminationSummary {
  const counts = new Map<RightsStatus, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return { records: statuses.length, changed, by_status: [...counts].map(([status, count]) => ({ status, count })) };
}

export type RightsApi = CatalogApi & { decided: Map<string, BulkDetermination> };

/** `works` works in the queue; determining one takes it out, as core does. */
export function rightsApi(works = 30): RightsApi {
  const entries = Array.from({ length: works }, (_, k) => reviewEntry(k + 1));
  const decided = new Map<string, BulkDetermination>();
  const base = memoryApi(works);
  return {
    ...base,
    decided,
    rightsReviewQueue: async (q: ReviewQuery) => {
      const waiting = entries.filter((e) => !decided.has(e.record_id)).filter((e) =>
        q.filter === "not_evaluated" ? e.status === null : q.filter === "undetermined" ? e.status === "UND" : true,
      );
      const sorted = [...waiting].sort((a, b) => {
        if (q.sort === "title") return a.title.localeCompare(b.title);
        if (q.sort === "oldest") return (a.year ?? 9999) - (b.year ?? 9999);
        return b.loans - a.loans;
      });
      return { total: sorted.length, entries: sorted.slice(q.offset, q.offset + q.limit) };
    },
    setRightsStatus: async (request: BulkDetermination) => {
      for (const id of request.record_ids) decided.set(id, request);
      return summaryOf(request.record_ids.map(() => request.status), request.record_ids.length);
    },
    computeRights: async (ids: string[] | null) => {
      const chosen = ids ?? entries.map((e) => e.record_id);
      return summaryOf(chosen.map(() => "InC"), chosen.length);
    },
    recordRights: async () => recordRights(),
    rightsReport: async () => REPORT,
  };
}
