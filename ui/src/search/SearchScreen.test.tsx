import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { useState } from "react";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { SearchFacets } from "../bindings/SearchFacets";
import type { SearchQuery } from "../bindings/SearchQuery";
import type { SearchResults } from "../bindings/SearchResults";
import { createI18n, type Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { SearchScreen } from "./SearchScreen";

const FACETS: SearchFacets = {
  material_type: [
    { value: "book", count: 1234 },
    { value: "serial", count: 12 },
  ],
  language: [
    { value: "vie", count: 1100 },
    { value: "eng", count: 140 },
  ],
  decade: [{ value: "1990", count: 77 }],
  branch: [{ value: "HK", count: 900 }],
  availability: [
    { value: "available", count: 1000 },
    { value: "no_items", count: 200 },
    { value: "unavailable", count: 46 },
  ],
  serial: [
    { value: "monograph", count: 1234 },
    { value: "serial", count: 12 },
  ],
};

const INVALID = {
  code: "invalid_input",
  message: 'search query "titel:kieu" is not valid: unknown field "titel" at position 1',
  details: null,
};

interface Fake {
  api: CatalogApi;
  calls: SearchQuery[];
  listCalls: number[];
  /** Holds back the answers to queries with this text until released. */
  hold(text: string): () => void;
}

/**
 * The in-memory catalog with a search that returns facets, refuses `titel:` as core does, and
 * ignores field clauses (the fake matches titles only).
 */
function fakeApi(total = 1000): Fake {
  const base = memoryApi(total);
  const calls: SearchQuery[] = [];
  const gates = new Map<string, Promise<void>>();
  const api: CatalogApi = {
    ...base,
    summary: () => base.summary(),
    async search(query: SearchQuery): Promise<SearchResults> {
      calls.push(query);
      await gates.get(query.text);
      if (query.text.includes("titel:")) throw INVALID;
      const words = query.text.split(/\s+/).filter((w) => !w.includes(":") && w !== "NOT" && w !== "AND");
      const results = await base.search({ ...query, text: words.join(" ") });
      return { ...results, facets: query.facets ? FACETS : null };
    },
  };
  return {
    api,
    calls,
    listCalls: base.calls,
    hold(text) {
      let release!: () => void;
      gates.set(text, new Promise<void>((r) => (release = r)));
      return release;
    },
  };
}

function renderScreen(fake: Fake, { lang = "vi" as Language, initial = "", onOpen = vi.fn(), onError = vi.fn() } = {}) {
  const i18n = createI18n(lang);
  const summary = {
    path: "/tmp/c.shelfmark",
    node_id: "n",
    schema_version: 1,
    records: 1000,
    items: 1000,
    patrons: 0,
    changes: 0,
    unsynced_changes: 0,
  };
  function Harness() {
    const [query, setQuery] = useState(initial);
    return (
      <SearchScreen
        api={fake.api}
        summary={summary}
        summaryFailed={false}
        query={query}
        onQueryChange={setQuery}
        onOpen={onOpen}
        onError={onError}
      />
    );
  }
  const view = render(
    <I18nextProvider i18n={i18n}>
      <Harness />
    </I18nextProvider>,
  );
  return { ...view, i18n, onOpen, onError };
}

const box = () => screen.getByTestId("search-box") as HTMLInputElement;
const type = (text: string) => fireEvent.change(box(), { target: { value: text } });
const titles = () => screen.getAllByTestId("cell-title").map((c) => c.textContent);
const total = () => screen.getByTestId("search-total").textContent;

describe("search as you type", () => {
  it("searches after a pause, with facets, and shows the hits and their count", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    await screen.findByText("Tiêu đề 0");
    type("Tiêu đề 12");
    // Nothing is asked while the cataloger may still be typing.
    expect(fake.calls).toEqual([]);
    await waitFor(() => expect(total()).toBe("11 kết quả"));
    expect(fake.calls).toEqual([{ text: "Tiêu đề 12", offset: 0, limit: 200, sort: "relevance", facets: true }]);
    expect(titles()).toEqual(["Tiêu đề 12", ...Array.from({ length: 10 }, (_, i) => `Tiêu đề ${120 + i}`)]);
    expect(screen.getByTestId("list-heading").textContent).toBe("Kết quả tìm kiếm");
    expect(screen.getByTestId("record-list").getAttribute("aria-label")).toBe("Kết quả tìm kiếm: 11 biểu ghi");
  });

  it("asks once for a burst of keystrokes", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    for (const text of ["T", "Ti", "Tiê", "Tiêu"]) type(text);
    await waitFor(() => expect(total()).toBe("1.000 kết quả"));
    expect(fake.calls.map((c) => c.text)).toEqual(["Tiêu"]);
  });

  it("shows only the latest query's results when an earlier answer arrives late", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    const releaseSlow = fake.hold("Tiêu đề 1");
    type("Tiêu đề 1");
    await waitFor(() => expect(fake.calls.map((c) => c.text)).toEqual(["Tiêu đề 1"]));
    type("Tiêu đề 99");
    await waitFor(() => expect(total()).toBe("11 kết quả"));
    expect(titles()[0]).toBe("Tiêu đề 99");
    await act(async () => releaseSlow());
    // The slow answer (111 hits for "Tiêu đề 1") is dropped.
    expect(total()).toBe("11 kết quả");
    expect(titles()[0]).toBe("Tiêu đề 99");
  });

  it("pages through a million results with only a few dozen rows in the page", async () => {
    const fake = fakeApi(1_000_000);
    renderScreen(fake);
    type("Tiêu");
    await waitFor(() => expect(total()).toBe("1.000.000 kết quả"));
    const list = screen.getByTestId("record-list");
    expect(screen.getAllByTestId("record-row").length).toBeLessThanOrEqual(40);
    list.focus();
    fireEvent.keyDown(list, { key: "End" });
    await waitFor(() => expect(list.getAttribute("aria-activedescendant")).toBe("record-row-999999"));
    await screen.findByText("Tiêu đề 999999");
    // The first page came with the count; later pages are plain searches without facets.
    expect(fake.calls.slice(1)).toEqual([{ text: "Tiêu", offset: 999_800, limit: 200, sort: "relevance", facets: false }]);
  });

  it("shows the whole catalog in title order when the box is empty", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    await screen.findByText("Tiêu đề 0");
    expect(screen.getByTestId("list-heading").textContent).toBe("Biểu ghi thư mục");
    expect(screen.getByTestId("record-count").textContent).toBe("1.000 biểu ghi");
    expect(fake.listCalls).toEqual([0]);
    type("Tiêu đề 55");
    await waitFor(() => expect(total()).toBe("11 kết quả"));
    type("");
    expect(screen.getByTestId("list-heading").textContent).toBe("Biểu ghi thư mục");
    expect(screen.queryByTestId("search-total")).toBeNull();
    await screen.findByText("Tiêu đề 0");
    expect(fake.calls).toHaveLength(1);
  });

  it("says when nothing matches, with a hint about filters", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    type("không có");
    const empty = await screen.findByTestId("search-empty");
    expect(empty.textContent).toContain("Không có biểu ghi nào khớp với “không có”.");
    expect(empty.textContent).toContain("Hãy thử từ khác");
    expect(screen.queryByTestId("record-list")).toBeNull();
    type("không có type:book");
    await waitFor(() => expect(screen.getByTestId("search-empty").textContent).toContain("Hãy bỏ bớt bộ lọc"));
  });
});

describe("a query that cannot be read", () => {
  it("is explained under the box, keeping the last results dimmed, not in the app's banner", async () => {
    const fake = fakeApi();
    const { onError, i18n } = renderScreen(fake);
    type("Tiêu đề 12");
    await waitFor(() => expect(total()).toBe("11 kết quả"));
    type("titel:kieu");
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.testid).toBe("search-error");
    expect(alert.textContent).toContain("Câu truy vấn chưa đúng:");
    expect(alert.textContent).toContain('unknown field "titel" at position 1');
    expect(box().getAttribute("aria-invalid")).toBe("true");
    expect(box().getAttribute("aria-describedby")).toContain(alert.id);
    expect(screen.getByTestId("search-results").classList.contains("is-stale")).toBe(true);
    expect(titles()[0]).toBe("Tiêu đề 12");
    expect(onError).not.toHaveBeenCalled();
    act(() => void i18n.changeLanguage("en"));
    expect(alert.textContent).toContain("The query is not valid:");

    type("Tiêu đề 13");
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(screen.getByTestId("search-results").classList.contains("is-stale")).toBe(false);
    expect(titles()[0]).toBe("Tiêu đề 13");
  });

  it("other failures go to the app's error banner", async () => {
    const fake = fakeApi();
    const failure = { code: "storage", message: "disk I/O error", details: null };
    fake.api.search = () => Promise.reject(failure);
    const { onError } = renderScreen(fake);
    type("kieu");
    await waitFor(() => expect(onError).toHaveBeenCalledWith(failure));
    expect(screen.queryByTestId("search-error")).toBeNull();
  });
});

describe("facets", () => {
  it("lists each facet's values with counts in the locale and translated labels", async () => {
    const fake = fakeApi();
    const { i18n } = renderScreen(fake);
    type("Tiêu");
    const facets = await screen.findByTestId("facets");
    const book = within(facets).getByTestId("facet-material_type-book");
    expect(book.textContent).toBe("Sách1.234");
    expect(within(facets).getByTestId("facet-language-vie").textContent).toBe("Tiếng Việt1.100");
    expect(within(facets).getByTestId("facet-decade-1990").textContent).toBe("1990–199977");
    expect(within(facets).getByTestId("facet-availability-unavailable").textContent).toBe("Không có sẵn trên giá246");
    expect(within(facets).getByTestId("facet-serial-monograph").textContent).toBe("Tài liệu chuyên khảo1.234");
    expect(within(facets).getByRole("group", { name: "Loại tài liệu" })).toBeTruthy();
    act(() => void i18n.changeLanguage("en"));
    expect(book.textContent).toBe("Book1,234");
    expect(within(facets).getByTestId("facet-language-eng").textContent).toBe("English140");
  });

  it("narrows by adding the clause to the box; the chip removes it again", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    type("Tiêu đề 12");
    const book = await screen.findByTestId("facet-material_type-book");
    expect(book.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(book);
    expect(box().value).toBe("Tiêu đề 12 type:book");
    await waitFor(() => expect(fake.calls.at(-1)?.text).toBe("Tiêu đề 12 type:book"));
    expect(screen.getByTestId("facet-material_type-book").getAttribute("aria-pressed")).toBe("true");

    fireEvent.click(screen.getByTestId("facet-decade-1990"));
    fireEvent.click(screen.getByTestId("facet-branch-HK"));
    fireEvent.click(screen.getByTestId("facet-availability-available"));
    fireEvent.click(screen.getByTestId("facet-language-vie"));
    fireEvent.click(screen.getByTestId("facet-serial-monograph"));
    expect(box().value).toBe(
      "Tiêu đề 12 type:book year:1990..1999 branch:HK available:yes lang:vie NOT type:serial",
    );
    const chips = within(screen.getByRole("list", { name: "Bộ lọc đang áp dụng" })).getAllByTestId("filter-chip");
    expect(chips.map((c) => c.textContent)).toEqual([
      "Loại tài liệu: Sách×",
      "Năm xuất bản: 1990–1999×",
      "Chi nhánh: HK×",
      "Tình trạng: Có sẵn để mượn×",
      "Ngôn ngữ: Tiếng Việt×",
      "Định kỳ hay chuyên khảo: Tài liệu chuyên khảo×",
    ]);
    expect(chips[0]!.getAttribute("aria-label")).toBe("Bỏ bộ lọc Loại tài liệu: Sách");

    fireEvent.click(chips[0]!);
    expect(box().value).toBe("Tiêu đề 12 year:1990..1999 branch:HK available:yes lang:vie NOT type:serial");
    fireEvent.click(screen.getByRole("button", { name: "Bỏ bộ lọc Định kỳ hay chuyên khảo: Tài liệu chuyên khảo" }));
    expect(box().value).toBe("Tiêu đề 12 year:1990..1999 branch:HK available:yes lang:vie");
    // A pressed facet value toggles off too.
    fireEvent.click(screen.getByTestId("facet-language-vie"));
    expect(box().value).toBe("Tiêu đề 12 year:1990..1999 branch:HK available:yes");
    await waitFor(() => expect(fake.calls.at(-1)?.text).toBe("Tiêu đề 12 year:1990..1999 branch:HK available:yes"));
  });

  it("puts an OR query in parentheses before narrowing it", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    type("kieu OR Tiêu");
    fireEvent.click(await screen.findByTestId("facet-language-eng"));
    expect(box().value).toBe("(kieu OR Tiêu) lang:eng");
  });
});

describe("advanced search", () => {
  it("builds the query in the search language and puts it in the box", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    const toggle = screen.getByRole("button", { name: "Tìm kiếm nâng cao" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    const form = screen.getByRole("form", { name: "Tìm kiếm nâng cao" });
    expect(toggle.getAttribute("aria-controls")).toBe(form.id);

    fireEvent.change(within(form).getByLabelText("Nhan đề"), { target: { value: "Truyện Kiều" } });
    fireEvent.change(within(form).getByLabelText("Tác giả"), { target: { value: "Nguyễn Du" } });
    fireEvent.change(within(form).getByLabelText("Chủ đề"), { target: { value: "thơ lục bát" } });
    fireEvent.change(within(form).getByLabelText("Cách kết hợp trường Chủ đề"), { target: { value: "OR" } });
    fireEvent.change(within(form).getByLabelText("Nhà xuất bản"), { target: { value: 'Nxb "Văn học"' } });
    fireEvent.change(within(form).getByLabelText("Cách kết hợp trường Nhà xuất bản"), { target: { value: "NOT" } });
    fireEvent.change(within(form).getByLabelText("Từ năm"), { target: { value: "1800" } });
    fireEvent.change(within(form).getByLabelText("Đến năm"), { target: { value: "1900" } });
    fireEvent.change(within(form).getByLabelText("Ngôn ngữ"), { target: { value: "vie" } });
    fireEvent.change(within(form).getByLabelText("Loại tài liệu"), { target: { value: "book" } });
    fireEvent.click(within(form).getByRole("button", { name: "Tìm" }));

    const expected =
      '(title:"Truyện Kiều" AND author:"Nguyễn Du" OR subject:"thơ lục bát") AND NOT publisher:"Nxb Văn học" AND year:1800..1900 AND lang:vie AND type:book';
    expect(box().value).toBe(expected);
    expect(document.activeElement).toBe(box());
    await waitFor(() => expect(fake.calls.at(-1)?.text).toBe(expected));
    // The filters the form set show as chips.
    expect(screen.getAllByTestId("filter-chip").map((c) => c.dataset.clause)).toEqual([
      "year:1800..1900",
      "lang:vie",
      "type:book",
    ]);

    fireEvent.change(within(form).getByLabelText("ISBN/ISSN"), { target: { value: "0317-8471" } });
    fireEvent.click(within(form).getByRole("button", { name: "Xoá biểu mẫu" }));
    expect((within(form).getByLabelText("Nhan đề") as HTMLInputElement).value).toBe("");
    fireEvent.change(within(form).getByLabelText("ISBN/ISSN"), { target: { value: "0317-8471" } });
    fireEvent.submit(form);
    expect(box().value).toBe("issn:0317-8471");
  });

  it("offers common MARC languages by name and every material type", () => {
    renderScreen(fakeApi(), { lang: "en" });
    fireEvent.click(screen.getByRole("button", { name: "Advanced search" }));
    const langs = within(screen.getByLabelText("Language")).getAllByRole("option").map((o) => o.textContent);
    expect(langs).toEqual([
      "Any language",
      "Vietnamese (vie)",
      "English (eng)",
      "French (fre)",
      "Russian (rus)",
      "Chinese (chi)",
      "Japanese (jpn)",
      "Korean (kor)",
      "German (ger)",
    ]);
    const types = within(screen.getByLabelText("Material type")).getAllByRole("option").map((o) => o.textContent);
    expect(types).toEqual(["Any material type", "Book", "E-book", "Audiobook", "Serial", "Map", "Music", "Video", "Other"]);
  });
});

describe("keyboard", () => {
  it("moves from the box into the list, opens with Enter, and Esc goes back to the box", async () => {
    const fake = fakeApi();
    const { onOpen } = renderScreen(fake);
    box().focus();
    type("Tiêu đề 12");
    await waitFor(() => expect(total()).toBe("11 kết quả"));
    fireEvent.keyDown(box(), { key: "ArrowDown" });
    const list = screen.getByTestId("record-list");
    expect(document.activeElement).toBe(list);
    fireEvent.keyDown(list, { key: "ArrowDown" });
    fireEvent.keyDown(list, { key: "ArrowDown" });
    expect(list.getAttribute("aria-activedescendant")).toBe("record-row-2");
    fireEvent.keyDown(list, { key: "Enter" });
    // Hits: 12, 120, 121, ...
    expect(onOpen).toHaveBeenCalledWith("rec-121");
    fireEvent.keyDown(list, { key: "End" });
    fireEvent.keyDown(list, { key: "Enter" });
    expect(onOpen).toHaveBeenLastCalledWith("rec-129");
    fireEvent.dblClick(screen.getByText("Tiêu đề 120"));
    expect(onOpen).toHaveBeenLastCalledWith("rec-120");

    const esc = fireEvent.keyDown(list, { key: "Escape" });
    expect(esc).toBe(false); // default prevented: the app does not go back
    expect(document.activeElement).toBe(box());
    expect(box().value).toBe("Tiêu đề 12");

    const clear = fireEvent.keyDown(box(), { key: "Escape" });
    expect(clear).toBe(false);
    expect(box().value).toBe("");
    expect(screen.getByTestId("list-heading").textContent).toBe("Biểu ghi thư mục");
    // An empty box leaves Esc to the app.
    expect(fireEvent.keyDown(box(), { key: "Escape" })).toBe(true);
  });

  it("Up from the box also enters the list; the catalog list opens records too", async () => {
    const fake = fakeApi();
    const { onOpen } = renderScreen(fake);
    await screen.findByText("Tiêu đề 0");
    fireEvent.keyDown(box(), { key: "ArrowUp" });
    const list = screen.getByTestId("record-list");
    expect(document.activeElement).toBe(list);
    fireEvent.keyDown(list, { key: "ArrowDown" });
    fireEvent.keyDown(list, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith("rec-1");
    fireEvent.keyDown(list, { key: "Escape" });
    expect(document.activeElement).toBe(box());
  });

  it("Ctrl+F and / go to the box; / typed in a field is just a character", async () => {
    renderScreen(fakeApi());
    const list = await screen.findByTestId("record-list");
    list.focus();
    expect(box().getAttribute("aria-keyshortcuts")).toBe("Control+F");
    expect(fireEvent.keyDown(list, { key: "f", ctrlKey: true })).toBe(false);
    expect(document.activeElement).toBe(box());
    list.focus();
    expect(fireEvent.keyDown(list, { key: "/" })).toBe(false);
    expect(document.activeElement).toBe(box());
    expect(fireEvent.keyDown(box(), { key: "/" })).toBe(true);
  });

  it("Enter in the box searches at once", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    type("Tiêu đề 77");
    fireEvent.keyDown(box(), { key: "Enter" });
    await waitFor(() => expect(total()).toBe("11 kết quả"));
    expect(fake.calls.map((c) => c.text)).toEqual(["Tiêu đề 77"]);
  });
});

describe("sort", () => {
  it("asks again in the chosen order", async () => {
    const fake = fakeApi();
    renderScreen(fake);
    type("Tiêu đề 12");
    await waitFor(() => expect(total()).toBe("11 kết quả"));
    const select = screen.getByLabelText("Sắp xếp theo") as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(["Mức độ phù hợp", "Nhan đề", "Tác giả", "Năm xuất bản"]);
    fireEvent.change(select, { target: { value: "year" } });
    await waitFor(() => expect(fake.calls.at(-1)).toEqual({ text: "Tiêu đề 12", offset: 0, limit: 200, sort: "year", facets: true }));
    expect(select.value).toBe("year");
  });
});

describe("accessibility", () => {
  const check = async (container: HTMLElement) => {
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(", ")}`);
    expect(summary).toEqual([]);
  };

  for (const lang of ["vi", "en"] as const) {
    it(`has no axe violations in ${lang} with results, facets, chips, the advanced form and an error`, async () => {
      const fake = fakeApi();
      const { container } = renderScreen(fake, { lang });
      fireEvent.click(screen.getByTestId("advanced-toggle"));
      type("Tiêu đề 12 type:book");
      await screen.findByTestId("facets");
      await waitFor(() => expect(screen.getAllByTestId("cell-title").length).toBeGreaterThan(0));
      expect(screen.getAllByTestId("filter-chip")).toHaveLength(1);
      await check(container);
      type("titel:kieu");
      await screen.findByRole("alert");
      await check(container);
    });
  }
});
