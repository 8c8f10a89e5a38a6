import { describe, expect, it } from "vitest";
import type { RecordChange } from "../bindings/RecordChange";
import { kieuDetail, kieuHistory, kieuItems, kieuMarc } from "./fixtures";
import {
  checkItem,
  defaultItemType,
  formatDateTime,
  isSafeLink,
  itemTypeOptions,
  languageName,
  marcToMnemonic,
  newItemDraft,
  newestFirst,
  toItemInput,
  withoutControlNumber,
} from "./format";

describe("withoutControlNumber", () => {
  it("drops 001 only and leaves the original untouched", () => {
    const marc = kieuMarc();
    const copy = withoutControlNumber(marc);
    expect(copy.fields.map((f) => f.tag)).not.toContain("001");
    expect(copy.fields.length).toBe(marc.fields.length - 1);
    expect(copy.fields.map((f) => f.tag)).toContain("003");
    expect(marc.fields[0]!.tag).toBe("001");
    const title = copy.fields.find((f) => f.tag === "245");
    if (title?.kind !== "data") throw new Error("245 missing");
    title.subfields[0]!.value = "changed";
    const original = marc.fields.find((f) => f.tag === "245");
    expect(original?.kind === "data" && original.subfields[0]!.value).toBe("Truyện Kiều /");
  });
});

describe("marcToMnemonic", () => {
  it("writes MarcEdit text with blanks as backslashes and dollars escaped", () => {
    const text = marcToMnemonic({
      leader: "00000nam a2200000 i 4500",
      fields: [
        { kind: "control", tag: "001", value: "VN 1" },
        { kind: "data", tag: "020", ind1: " ", ind2: " ", subfields: [{ code: "c", value: "$12.00" }] },
        { kind: "data", tag: "245", ind1: "1", ind2: "0", subfields: [{ code: "a", value: "Truyện Kiều /" }, { code: "c", value: "Nguyễn Du." }] },
      ],
    });
    expect(text.split("\n")).toEqual([
      "=LDR  00000nam\\a2200000\\i\\4500",
      "=001  VN\\1",
      "=020  \\\\$c{dollar}12.00",
      "=245  10$aTruyện Kiều /$cNguyễn Du.",
    ]);
  });
});

describe("languageName", () => {
  it("names MARC codes in the UI language, bibliographic codes included", () => {
    expect(languageName("vie", "vi")).toBe("Tiếng Việt");
    expect(languageName("vie", "en")).toBe("Vietnamese");
    expect(languageName("fre", "en")).toBe("French");
    expect(languageName("ger", "vi")).toBe("Tiếng Đức");
  });

  it("keeps a code it cannot name", () => {
    expect(languageName("zzz", "en")).toBe("zzz");
    expect(languageName("|||", "vi")).toBe("|||");
  });
});

describe("formatDateTime", () => {
  it("formats in each locale and keeps text that is not a date", () => {
    const vi = formatDateTime("2026-03-12T02:30:15Z", "vi", "Asia/Ho_Chi_Minh");
    const en = formatDateTime("2026-03-12T02:30:15Z", "en", "Asia/Ho_Chi_Minh");
    expect(vi).toContain("09:30");
    expect(vi).toContain("2026");
    expect(en).toContain("Mar 12, 2026");
    expect(en).toContain("9:30");
    expect(formatDateTime("not a date", "en")).toBe("not a date");
  });
});

describe("newestFirst", () => {
  it("orders by time, newest first, keeping later log entries first on a tie", () => {
    const history = kieuHistory();
    const tie: RecordChange = { ...history[3]!, change_id: "c-5" };
    const ordered = newestFirst([...history, tie]).map((c) => c.change_id);
    expect(ordered).toEqual(["c-5", "c-4", "c-3", "c-2", "c-1"]);
  });
});

describe("item form rules", () => {
  const draft = { barcode: "HK1", branch_code: "HK", location: "Kho mở", call_number: "", item_type: "book", status: "available" as const };

  it("needs a barcode without spaces, a branch and a location", () => {
    expect(checkItem(draft)).toEqual({});
    expect(checkItem({ ...draft, barcode: "  " })).toEqual({ barcode: "barcodeRequired" });
    expect(checkItem({ ...draft, barcode: "HK 1" })).toEqual({ barcode: "barcodeSpaces" });
    expect(checkItem({ ...draft, branch_code: "", location: " " })).toEqual({
      branch_code: "branchRequired",
      location: "locationRequired",
    });
  });

  it("sends trimmed values and no call number for an empty one", () => {
    expect(toItemInput({ ...draft, barcode: " HK1 ", location: " Kho mở ", call_number: "  " })).toEqual({
      barcode: "HK1",
      branch_code: "HK",
      location: "Kho mở",
      call_number: null,
      item_type: "book",
      status: "available",
    });
  });

  it("offers the common item types and those the record uses", () => {
    const items = kieuItems();
    items[0]!.item_type = "manuscript";
    expect(itemTypeOptions(items)).toEqual(["book", "reference", "periodical", "audiobook", "ebook", "map", "dvd", "manuscript"]);
    expect(itemTypeOptions([], "kit")).toContain("kit");
  });

  it("starts a new item from the record's call number and its last item's place", () => {
    const detail = kieuDetail();
    expect(newItemDraft(detail.items, detail.call_number)).toEqual({
      barcode: "",
      branch_code: "CG",
      location: "Phòng đọc",
      call_number: "895.9221 NG-D",
      item_type: "book",
      status: "available",
    });
    expect(newItemDraft([], null)).toMatchObject({ branch_code: "", location: "", call_number: "", item_type: "book" });
    expect(defaultItemType([{ ...detail.items[2]! }])).toBe("reference");
  });
});

describe("isSafeLink", () => {
  it("opens web and mail links only", () => {
    expect(isSafeLink("https://thuvien.hanoi.gov.vn/x")).toBe(true);
    expect(isSafeLink("mailto:thuvien@hanoi.gov.vn")).toBe(true);
    expect(isSafeLink("javascript:alert(1)")).toBe(false);
  });
});
