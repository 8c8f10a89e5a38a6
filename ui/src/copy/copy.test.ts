import { describe, expect, it } from "vitest";
import {
  COPY_TARGET_STORAGE_KEY,
  checkQuery,
  copyFailure,
  describeMarc,
  failureDetail,
  initialTarget,
  pageStarts,
  rememberTarget,
  storedTarget,
  toQuery,
  trimIsbd,
} from "./copy";
import { deMenMarc, soDoMarc, thinMarc } from "./fixtures";

describe("the ISBN check before searching", () => {
  it("takes 10 or 13 digits with hyphens and spaces, X only at the end of an ISBN-10", () => {
    expect(checkQuery("isbn", "978-604-2-08870-1")).toBeNull();
    expect(checkQuery("isbn", " 604539141X ")).toBeNull();
    expect(checkQuery("isbn", "0-306-40615-x")).toBeNull();
    expect(checkQuery("isbn", "978 604 2088701")).toBeNull();
  });

  it("says which rule a typed ISBN breaks", () => {
    expect(checkQuery("isbn", "")).toBe("empty");
    expect(checkQuery("isbn", "   ")).toBe("empty");
    expect(checkQuery("isbn", "978604208870")).toBe("isbnLength");
    expect(checkQuery("isbn", "97860420887011")).toBe("isbnLength");
    expect(checkQuery("isbn", "ISBN 9786042088701")).toBe("isbnCharacters");
    expect(checkQuery("isbn", "60453X1410")).toBe("isbnCharacters");
    expect(checkQuery("isbn", "978604208870X")).toBe("isbnCharacters");
  });

  it("asks only for something typed when searching by title or author", () => {
    expect(checkQuery("title", "Dế Mèn")).toBeNull();
    expect(checkQuery("author", "Tô Hoài")).toBeNull();
    expect(checkQuery("title", "  ")).toBe("empty");
    expect(toQuery("author", "  Tô Hoài ")).toEqual({ by: "author", value: "Tô Hoài" });
  });
});

describe("paging by SRU start", () => {
  it("moves a page at a time and stops at either end", () => {
    expect(pageStarts(1, 10, 23)).toEqual({ previous: null, next: 11, from: 1, to: 10 });
    expect(pageStarts(11, 10, 23)).toEqual({ previous: 1, next: 21, from: 11, to: 20 });
    expect(pageStarts(21, 3, 23)).toEqual({ previous: 11, next: null, from: 21, to: 23 });
    expect(pageStarts(1, 3, 3)).toEqual({ previous: null, next: null, from: 1, to: 3 });
    expect(pageStarts(1, 0, 0)).toMatchObject({ previous: null, next: null, from: 0 });
    // A target that started elsewhere than a page boundary still goes back to 1, not below.
    expect(pageStarts(4, 10, 40).previous).toBe(1);
  });
});

describe("the remembered target", () => {
  it("is used while it is still configured, else the first", () => {
    expect(storedTarget()).toBeNull();
    rememberTarget("nlv");
    expect(localStorage.getItem(COPY_TARGET_STORAGE_KEY)).toBe("nlv");
    expect(initialTarget(["loc", "nlv"], storedTarget())).toBe("nlv");
    expect(initialTarget(["loc"], storedTarget())).toBe("loc");
    expect(initialTarget([], null)).toBe("");
  });
});

describe("which failure an error is", () => {
  const url = "https://sru.nlv.gov.vn/sru";
  const internal = (message: string) => ({ code: "internal" as const, message, details: null });
  it("tells the SRU client's failures apart by what it says", () => {
    expect(copyFailure(internal(`the SRU target at ${url} did not answer within 30 seconds; try again later`))).toBe("timeout");
    expect(
      copyFailure(internal(`the SRU target at ${url} did not answer (connection refused); check the address and the network, or try again later`)),
    ).toBe("unreachable");
    expect(copyFailure(internal(`${url} did not answer with SRU (the answer is <html>); check the target's base URL and version`))).toBe(
      "notSru",
    );
    expect(copyFailure(internal(`the SRU target at ${url} answered HTTP 404; check the target's base URL`))).toBe("http");
    expect(copyFailure(internal(`the SRU target at ${url} refused the search: 16 Unsupported index (dc.title)`))).toBe("diagnostics");
  });

  it("uses the code for an invalid search and a target gone from the list", () => {
    expect(copyFailure({ code: "invalid_input", message: "the ISBN \"123\" has a wrong check digit", details: null })).toBe("invalidQuery");
    expect(copyFailure({ code: "not_found", message: "no copy target with name nlv", details: null })).toBe("noTarget");
    expect(copyFailure({ code: "storage", message: "disk full", details: null })).toBe("other");
  });

  it("keeps the message and details in its own words", () => {
    expect(failureDetail({ code: "internal", message: "timed out", details: "after 30 s" })).toBe("timed out — after 30 s");
    expect(failureDetail({ code: "internal", message: "timed out", details: null })).toBe("timed out");
  });
});

describe("describing a target's record", () => {
  it("trims ISBD punctuation but keeps the period after an initial", () => {
    expect(trimIsbd("Dế Mèn phiêu lưu ký /")).toBe("Dế Mèn phiêu lưu ký");
    expect(trimIsbd("Hà Nội :")).toBe("Hà Nội");
    expect(trimIsbd("2019.")).toBe("2019");
    expect(trimIsbd("Smith, J.")).toBe("Smith, J.");
    expect(trimIsbd("Tô Hoài,")).toBe("Tô Hoài");
  });

  it("labels a full Vietnamese record as the record view does", () => {
    const d = describeMarc(deMenMarc());
    expect(d.title).toBe("Dế Mèn phiêu lưu ký");
    expect(d.responsibility).toBe("Tô Hoài ; minh hoạ: Tạ Huy Long");
    expect(d.authors).toEqual(["Tô Hoài"]);
    expect(d.edition).toBe("In lần thứ 15");
    expect(d.publication).toBe("Hà Nội : Kim Đồng, 2019");
    expect(d.year).toBe(2019);
    expect(d.physicalDescription).toBe("143 tr. : tranh vẽ ; 21 cm");
    expect(d.series).toEqual(["Tủ sách Tác phẩm chọn lọc dành cho thiếu nhi"]);
    expect(d.subjects).toEqual(["Văn học thiếu nhi -- Việt Nam -- Truyện dài"]);
    expect(d.notes).toEqual(["Truyện dài dành cho thiếu nhi."]);
    expect(d.isbn).toEqual([{ value: "9786042088701", qualifier: "(bìa mềm)" }]);
    expect(d.languages).toEqual(["vie"]);
    expect(d.callNumber).toBe("895.9223 T450H");
    expect(d.controlNumber).toBe("VN-NLV-2019-004512");
  });

  it("joins title and subtitle, reads 260 and a qualifier written after the number", () => {
    const d = describeMarc(soDoMarc());
    expect(d.title).toBe("Số đỏ : tiểu thuyết");
    expect(d.publication).toBe("Hà Nội : Văn học, 2016");
    expect(d.isbn).toEqual([
      { value: "9786045391416", qualifier: null },
      { value: "604539141X", qualifier: "(bìa cứng)" },
    ]);
    expect(d.subjects).toEqual(["Tiểu thuyết -- Việt Nam -- Thế kỷ 20"]);
  });

  it("describes a thin record without failing: the year from 260 $c, nothing invented", () => {
    const d = describeMarc(thinMarc());
    expect(d.title).toBe("Ca dao tục ngữ Việt Nam");
    expect(d.year).toBe(1958);
    expect(d.authors).toEqual([]);
    expect(d.languages).toEqual([]);
    expect(d.isbn).toEqual([]);
    expect(d.callNumber).toBeNull();
    expect(describeMarc({ leader: "", fields: [] }).title).toBe("");
  });

  it("writes NFC even when the target sends decomposed Vietnamese", () => {
    const decomposed = "Dế Mèn".normalize("NFD");
    const d = describeMarc({
      leader: "00000nam a2200000 a 4500",
      fields: [{ kind: "data", tag: "245", ind1: "1", ind2: "0", subfields: [{ code: "a", value: `${decomposed} /` }] }],
    });
    expect(d.title).toBe("Dế Mèn".normalize("NFC"));
  });
});
