import { describe, expect, it } from "vitest";
import {
  activeFilters,
  addClause,
  buildQuery,
  emptyForm,
  fieldClause,
  hasClause,
  hasTopLevelOr,
  parseFilter,
  quoteValue,
  removeClause,
  type AdvancedForm,
  type AdvancedRow,
} from "./queryBuilder";
import { facetClause, facetEntries } from "./facets";

/** A form with only the given rows filled (in this order) and the given filters. */
function form(rows: Array<Partial<AdvancedRow> & Pick<AdvancedRow, "field" | "value">>, rest: Partial<AdvancedForm> = {}): AdvancedForm {
  return { ...emptyForm(), rows: rows.map((r) => ({ op: "AND", ...r })), ...rest };
}

describe("quoteValue", () => {
  it("leaves one plain word bare, Vietnamese included", () => {
    expect(quoteValue("kiều")).toBe("kiều");
    expect(quoteValue("  Nguyễn  ")).toBe("Nguyễn");
    expect(quoteValue("978-604-1-00000-0")).toBe("978-604-1-00000-0");
  });

  it("quotes values with spaces, parentheses, colons or an operator's name", () => {
    expect(quoteValue("truyện kiều")).toBe('"truyện kiều"');
    expect(quoteValue("Nguyễn   Du")).toBe('"Nguyễn Du"');
    expect(quoteValue("Hà Nội (Việt Nam)")).toBe('"Hà Nội (Việt Nam)"');
    expect(quoteValue("(1945)")).toBe('"(1945)"');
    expect(quoteValue("Python:")).toBe('"Python:"');
    expect(quoteValue("OR")).toBe('"OR"');
    expect(quoteValue("NOT")).toBe('"NOT"');
    // Lower case is a word, not an operator.
    expect(quoteValue("or")).toBe("or");
  });

  it("turns quotes into spaces, since a phrase cannot hold one", () => {
    expect(quoteValue('Nhật ký "trong tù"')).toBe('"Nhật ký trong tù"');
    expect(quoteValue('"Kiều"')).toBe("Kiều");
    expect(quoteValue('say "hi')).toBe('"say hi"');
  });

  it("gives nothing for blank values", () => {
    expect(quoteValue("")).toBeNull();
    expect(quoteValue("   ")).toBeNull();
    expect(quoteValue('""')).toBeNull();
    expect(fieldClause("title", " ")).toBeNull();
    expect(fieldClause("author", "Nguyễn Du")).toBe('author:"Nguyễn Du"');
  });
});

describe("buildQuery", () => {
  it("is empty for an empty form", () => {
    expect(buildQuery(emptyForm())).toBe("");
  });

  it("builds one fielded term per filled row, joined by AND", () => {
    expect(buildQuery(form([{ field: "title", value: "truyện kiều" }]))).toBe('title:"truyện kiều"');
    expect(
      buildQuery(
        form([
          { field: "title", value: "Truyện Kiều" },
          { field: "author", value: "Nguyễn Du" },
          { field: "subject", value: "Thơ" },
          { field: "publisher", value: "Văn học" },
          { field: "callno", value: "895.922" },
        ]),
      ),
    ).toBe('title:"Truyện Kiều" AND author:"Nguyễn Du" AND subject:Thơ AND publisher:"Văn học" AND callno:895.922');
  });

  it("skips blank rows, and an operator on the first filled row is only NOT", () => {
    expect(
      buildQuery(
        form([
          { field: "title", value: "" },
          { field: "author", value: "Tố Hữu", op: "OR" },
        ]),
      ),
    ).toBe('author:"Tố Hữu"');
    expect(buildQuery(form([{ field: "subject", value: "chiến tranh", op: "NOT" }]))).toBe('NOT subject:"chiến tranh"');
  });

  it("joins rows left to right: AND after an OR wraps what is above", () => {
    expect(
      buildQuery(
        form([
          { field: "title", value: "Hà Nội" },
          { field: "subject", value: "lịch sử", op: "OR" },
          { field: "author", value: "Trần", op: "AND" },
        ]),
      ),
    ).toBe('(title:"Hà Nội" OR subject:"lịch sử") AND author:Trần');
    expect(
      buildQuery(
        form([
          { field: "title", value: "a" },
          { field: "title", value: "b", op: "AND" },
          { field: "title", value: "c", op: "OR" },
          { field: "author", value: "d", op: "NOT" },
        ]),
      ),
    ).toBe("(title:a AND title:b OR title:c) AND NOT author:d");
  });

  it("sends an ISSN-shaped identifier to issn:, anything else to isbn:", () => {
    expect(buildQuery(form([{ field: "isbn", value: "978-604-1-00000-0" }]))).toBe("isbn:978-604-1-00000-0");
    expect(buildQuery(form([{ field: "isbn", value: "0317-8471" }]))).toBe("issn:0317-8471");
    expect(buildQuery(form([{ field: "isbn", value: "0378595X" }]))).toBe("issn:0378595X");
    expect(buildQuery(form([{ field: "isbn", value: "604 1 00000 0" }]))).toBe('isbn:"604 1 00000 0"');
  });

  it("adds year range, language and type, ANDed with the whole", () => {
    expect(buildQuery(form([], { yearFrom: "1990", yearTo: "2000" }))).toBe("year:1990..2000");
    expect(buildQuery(form([], { yearFrom: "1990" }))).toBe("year:1990..");
    expect(buildQuery(form([], { yearTo: " 2000 " }))).toBe("year:..2000");
    expect(buildQuery(form([], { yearFrom: "1975", yearTo: "1975" }))).toBe("year:1975");
    expect(
      buildQuery(form([{ field: "title", value: "kiều" }], { lang: "vie", type: "book", yearFrom: "1800" })),
    ).toBe("title:kiều AND year:1800.. AND lang:vie AND type:book");
    expect(
      buildQuery(
        form([{ field: "title", value: "kiều" }, { field: "title", value: "lục vân tiên", op: "OR" }], { lang: "vie" }),
      ),
    ).toBe('(title:kiều OR title:"lục vân tiên") AND lang:vie');
  });
});

describe("clauses in the box", () => {
  it("adds a clause, putting an OR query in parentheses first", () => {
    expect(addClause("", "type:book")).toBe("type:book");
    expect(addClause("  nguyen du ", "type:book")).toBe("nguyen du type:book");
    expect(addClause("kieu OR van tien", "lang:vie")).toBe("(kieu OR van tien) lang:vie");
    expect(addClause("nguyen du type:book", "type:book")).toBe("nguyen du type:book");
  });

  it("removes a clause and the AND that joined it", () => {
    expect(removeClause("nguyen du type:book", "type:book")).toBe("nguyen du");
    expect(removeClause("type:book nguyen du", "type:book")).toBe("nguyen du");
    expect(removeClause("title:kiều AND lang:vie AND type:book", "lang:vie")).toBe("title:kiều AND type:book");
    expect(removeClause("lang:vie AND title:kiều", "lang:vie")).toBe("title:kiều");
    expect(removeClause("(kieu OR van tien) lang:vie", "lang:vie")).toBe("(kieu OR van tien)");
    expect(removeClause("kieu NOT type:serial", "NOT type:serial")).toBe("kieu");
    expect(removeClause('kieu branch:"Hoàn Kiếm"', 'branch:"Hoàn Kiếm"')).toBe("kieu");
  });

  it("leaves clauses that do not narrow the whole query alone", () => {
    expect(removeClause("kieu OR type:book", "type:book")).toBe("kieu OR type:book");
    expect(removeClause("(kieu type:book) OR x", "type:book")).toBe("(kieu type:book) OR x");
    expect(removeClause("kieu NOT type:serial", "type:serial")).toBe("kieu NOT type:serial");
    expect(removeClause('"type:book"', "type:book")).toBe('"type:book"');
    expect(hasClause("kieu NOT type:serial", "type:serial")).toBe(false);
    expect(hasClause("kieu NOT type:serial", "NOT type:serial")).toBe(true);
  });

  it("finds the filters narrowing the query, for the chips", () => {
    expect(activeFilters('kiều type:book lang:vie year:1990..1999 branch:HK available:yes')).toEqual([
      "type:book",
      "lang:vie",
      "year:1990..1999",
      "branch:HK",
      "available:yes",
    ]);
    expect(activeFilters("kieu NOT type:serial NOT lang:eng")).toEqual(["NOT type:serial"]);
    expect(activeFilters("(kieu OR x) type:map")).toEqual(["type:map"]);
    expect(activeFilters("kieu OR type:map")).toEqual([]);
    expect(activeFilters('title:"type:book" author:x')).toEqual([]);
    expect(hasTopLevelOr('"a OR b"')).toBe(false);
    expect(hasTopLevelOr("(a OR b)")).toBe(false);
    expect(hasTopLevelOr("a OR b")).toBe(true);
  });

  it("takes a filter apart", () => {
    expect(parseFilter("type:book")).toEqual({ field: "type", value: "book" });
    expect(parseFilter('branch:"Hoàn Kiếm"')).toEqual({ field: "branch", value: "Hoàn Kiếm" });
    expect(parseFilter("NOT type:serial")).toEqual({ field: "monograph", value: "" });
    expect(parseFilter("title:kieu")).toBeNull();
  });
});

describe("facets", () => {
  it("maps each facet value to the clause that narrows to it", () => {
    expect(facetClause("material_type", "book")).toBe("type:book");
    expect(facetClause("language", "vie")).toBe("lang:vie");
    expect(facetClause("decade", "1990")).toBe("year:1990..1999");
    expect(facetClause("branch", "HK")).toBe("branch:HK");
    expect(facetClause("availability", "available")).toBe("available:yes");
    expect(facetClause("availability", "no_items")).toBe("available:no");
    expect(facetClause("serial", "serial")).toBe("type:serial");
    expect(facetClause("serial", "monograph")).toBe("NOT type:serial");
    expect(facetClause("decade", "199x")).toBeNull();
    expect(facetClause("language", "vi")).toBeNull();
  });

  it("folds unavailable and no items into one choice, and lists decades newest first", () => {
    const facets = {
      material_type: [{ value: "book", count: 3 }],
      language: [],
      decade: [
        { value: "1980", count: 9 },
        { value: "2000", count: 1 },
      ],
      branch: [],
      availability: [
        { value: "available", count: 5 },
        { value: "no_items", count: 2 },
        { value: "unavailable", count: 1 },
      ],
      serial: [{ value: "monograph", count: 0 }],
    };
    expect(facetEntries(facets, "availability")).toEqual([
      { value: "available", count: 5, clause: "available:yes" },
      { value: "unavailable", count: 3, clause: "available:no" },
    ]);
    expect(facetEntries(facets, "decade").map((e) => e.value)).toEqual(["2000", "1980"]);
    expect(facetEntries(facets, "serial")).toEqual([]);
  });
});
