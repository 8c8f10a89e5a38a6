import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { STAFF_READER, type CatalogApi } from "../api";
import type { FullTextQuery } from "../bindings/FullTextQuery";
import type { FullTextResults } from "../bindings/FullTextResults";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { EPUB_ID, KIEU_ID, kieuHit, refusedNotRegistered, SCAN_ID } from "./fixtures";
import { FULLTEXT_PAGE, FullTextScreen } from "./FullTextScreen";
import { expectNoAxeViolations, renderIn } from "./testing";

function setup(results: (q: FullTextQuery, reader: ReaderRequest) => FullTextResults, lang: Language = "vi") {
  const calls: Array<[FullTextQuery, ReaderRequest]> = [];
  const api: CatalogApi = {
    ...memoryApi(0),
    searchFullText: async (q, reader) => {
      calls.push([q, reader]);
      return results(q, reader);
    },
  };
  const onOpen = vi.fn<(objectId: string, recordId: string, part: number | null) => void>();
  const view = renderIn(<FullTextScreen api={api} onOpen={onOpen} />, lang);
  return { ...view, calls, onOpen };
}

const twoHits = (_q: FullTextQuery, reader: ReaderRequest): FullTextResults => ({
  total: 2,
  hits: [
    kieuHit(),
    kieuHit({
      object_id: EPUB_ID,
      kind: "epub",
      label: null,
      file_name: "truyen-kieu.epub",
      decision: reader.role === "staff" ? { ...refusedNotRegistered, allowed: true } : refusedNotRegistered,
      excerpts:
        reader.role === "staff"
          ? [{ part: 1, part_label: "Phần thứ nhất", segments: [{ text: "Trăm năm", highlighted: true }, { text: " bể dâu", highlighted: false }] }]
          : [],
    }),
  ],
});

const type = (text: string) => fireEvent.change(screen.getByTestId("fulltext-box"), { target: { value: text } });

describe("full-text search", () => {
  it("searches after typing pauses and shows excerpts with the matched words marked", async () => {
    const s = setup(twoHits);
    type("tr");
    type("trăm năm");
    const hits = await screen.findAllByTestId("fulltext-hit");
    expect(s.calls).toEqual([[{ text: "trăm năm", offset: 0, limit: FULLTEXT_PAGE }, STAFF_READER]]);
    expect(screen.getByTestId("fulltext-status").textContent).toBe("2 tài liệu số khớp; đang xem 1–2.");
    const first = hits[0]!;
    expect(within(first).getByRole("heading", { level: 3 }).textContent).toBe("Truyện Kiều");
    expect(first.textContent).toContain("Nguyễn Du");
    expect(first.textContent).toContain("PDF · Bản quét 1998");
    const excerpt = within(first).getByTestId("fulltext-excerpt");
    expect(excerpt.querySelector("mark")!.textContent).toBe("Trăm năm");
    expect(excerpt.textContent).toContain("Trang 12: …Trăm năm trong cõi người ta");
    expect(hits[1]!.textContent).toContain("Sách điện tử (EPUB) · truyen-kieu.epub");
    await expectNoAxeViolations(s.container);

    fireEvent.click(within(first).getByTestId("fulltext-open-part"));
    expect(s.onOpen).toHaveBeenCalledWith(SCAN_ID, KIEU_ID, 11);
    fireEvent.click(within(first).getByTestId("fulltext-open"));
    expect(s.onOpen).toHaveBeenLastCalledWith(SCAN_ID, KIEU_ID, null);

    s.switchTo("en");
    expect(screen.getByTestId("fulltext-status").textContent).toBe("2 digital copies match; showing 1–2.");
    expect(within(first).getByTestId("fulltext-open-part").textContent).toBe("Open at Trang 12");
    await expectNoAxeViolations(s.container);
  });

  it("shows why a reader may not open a hit, instead of its excerpts", async () => {
    const s = setup(twoHits, "en");
    await screen.findByTestId("fulltext-view-as");
    fireEvent.click(screen.getByTestId("fulltext-view-as-anonymous"));
    fireEvent.click(screen.getByTestId("fulltext-view-as-apply"));
    type("tram nam");
    const hits = await screen.findAllByTestId("fulltext-hit");
    expect(s.calls.at(-1)![1]).toEqual({ role: "anonymous", card: null, on_premises: false });
    const refused = within(hits[1]!).getByTestId("fulltext-refused");
    expect(refused.textContent).toContain("This digital copy cannot be opened.");
    expect(refused.textContent).toContain("Registered readers only");
    expect(refused.textContent).toContain(refusedNotRegistered.explanation_en);
    expect(refused.getAttribute("role")).toBeNull();
    expect(within(hits[1]!).queryByTestId("fulltext-excerpt")).toBeNull();
    expect(within(hits[1]!).queryByTestId("fulltext-open")).toBeNull();
    await expectNoAxeViolations(s.container);
  });

  it("pages through many hits", async () => {
    const many = (q: FullTextQuery): FullTextResults => ({
      total: 45,
      hits: Array.from({ length: Math.min(q.limit, 45 - q.offset) }, (_, i) =>
        kieuHit({ object_id: `obj-${q.offset + i}`, title: `Tác phẩm ${q.offset + i + 1}`, kind: "audio", excerpts: [] }),
      ),
    });
    const s = setup(many);
    type("kiều");
    await screen.findAllByTestId("fulltext-hit");
    expect(screen.getByTestId("fulltext-page").textContent).toBe("Trang 1/3");
    expect((screen.getByTestId("fulltext-prev") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("fulltext-next"));
    await waitFor(() => expect(screen.getByTestId("fulltext-page").textContent).toBe("Trang 2/3"));
    await waitFor(() => expect(screen.getAllByTestId("fulltext-hit")[0]!.textContent).toContain("Tác phẩm 21"));
    expect(screen.getByTestId("fulltext-hits").getAttribute("start")).toBe("21");
    fireEvent.click(screen.getByTestId("fulltext-next"));
    await waitFor(() => expect(screen.getByTestId("fulltext-status").textContent).toBe("45 tài liệu số khớp; đang xem 41–45."));
    expect((screen.getByTestId("fulltext-next") as HTMLButtonElement).disabled).toBe(true);
    expect(s.calls.map(([q]) => q.offset)).toEqual([0, 20, 40]);
    // A new search starts again at the first page.
    type("truyện");
    await waitFor(() => expect(s.calls.at(-1)![0]).toEqual({ text: "truyện", offset: 0, limit: FULLTEXT_PAGE }));
    await expectNoAxeViolations(s.container);
  });

  it("says when nothing matched, and when the search failed", async () => {
    let fail = false;
    const api = (): FullTextResults => {
      if (fail) throw { code: "catalog_unavailable", message: "index is being rebuilt", details: null };
      return { total: 0, hits: [] };
    };
    setup(api);
    type("lục vân tiên");
    await waitFor(() =>
      expect(screen.getByTestId("fulltext-status").textContent).toBe("Không tìm thấy “lục vân tiên” trong văn bản của tài liệu số nào."),
    );
    fail = true;
    type("hoa tiên");
    expect((await screen.findByTestId("fulltext-error")).textContent).toBe("Không tìm được. index is being rebuilt");
  });
});
