import { describe, expect, it } from "vitest";
import type { MarcField } from "../bindings/MarcField";
import type { MarcRecord } from "../bindings/MarcRecord";
import { vietnameseBook } from "./fixtures";
import {
  HISTORY_LIMIT,
  addField,
  addSubfield,
  canRedo,
  canUndo,
  commit,
  getPositions,
  initHistory,
  isControlTag,
  moveField,
  moveSubfield,
  recordsEqual,
  redo,
  removeField,
  removeSubfield,
  repeatField,
  setControlPositions,
  setControlValue,
  setIndicator,
  setLeader,
  setLeaderPositions,
  setPositions,
  setSubfieldCode,
  setSubfieldValue,
  setTag,
  undo,
} from "./model";

const tags = (r: MarcRecord) => r.fields.map((f) => f.tag);
const data = (f: MarcField | undefined) => {
  if (!f || f.kind !== "data") throw new Error(`not a data field: ${JSON.stringify(f)}`);
  return f;
};
const control = (f: MarcField | undefined) => {
  if (!f || f.kind !== "control") throw new Error(`not a control field: ${JSON.stringify(f)}`);
  return f;
};
const I245 = 6;

describe("fields", () => {
  it("adds a data field with blank indicators and one empty $a after the current one", () => {
    const r = addField(vietnameseBook(), I245, "500");
    expect(tags(r).slice(I245, I245 + 3)).toEqual(["245", "500", "264"]);
    expect(r.fields[I245 + 1]).toEqual({ kind: "data", tag: "500", ind1: " ", ind2: " ", subfields: [{ code: "a", value: "" }] });
  });

  it("adds a control field for a 00X tag, and a blank 008 of 40 positions", () => {
    expect(addField(vietnameseBook(), 0, "007").fields[1]).toEqual({ kind: "control", tag: "007", value: "" });
    expect(control(addField({ leader: "", fields: [] }, -1, "008").fields[0]).value).toBe(" ".repeat(40));
  });

  it("adds an untagged data field first when nothing is current, and last past the end", () => {
    const first = addField(vietnameseBook(), -1);
    expect(first.fields[0]).toMatchObject({ kind: "data", tag: "" });
    const last = addField(vietnameseBook(), 99, "900");
    expect(tags(last).at(-1)).toBe("900");
  });

  it("removes a field and ignores an index out of range", () => {
    const book = vietnameseBook();
    expect(tags(removeField(book, I245))).not.toContain("245");
    expect(removeField(book, 42)).toBe(book);
  });

  it("moves a field up and down, and not past either end", () => {
    const book = vietnameseBook();
    expect(tags(moveField(book, I245, -1)).slice(5, 7)).toEqual(["245", "100"]);
    expect(tags(moveField(book, I245, 1)).slice(6, 8)).toEqual(["264", "245"]);
    expect(moveField(book, 0, -1)).toBe(book);
    expect(moveField(book, book.fields.length - 1, 1)).toBe(book);
  });

  it("repeats a field as an independent copy right after it", () => {
    const r = repeatField(vietnameseBook(), 9);
    expect(tags(r).slice(9)).toEqual(["650", "650"]);
    const edited = setSubfieldValue(r, 10, 0, "Văn học thiếu nhi");
    expect(data(edited.fields[9]).subfields[0]!.value).toBe("Văn học Việt Nam");
    expect(data(edited.fields[10]).subfields[0]!.value).toBe("Văn học thiếu nhi");
  });
});

describe("tags", () => {
  it("knows control tags", () => {
    expect(isControlTag("001")).toBe(true);
    expect(isControlTag("008")).toBe(true);
    expect(isControlTag("010")).toBe(false);
    expect(isControlTag("00")).toBe(false);
  });

  it("keeps the kind while a tag is being typed", () => {
    const r = setTag(vietnameseBook(), I245, "00");
    expect(data(r.fields[I245]).tag).toBe("00");
    expect(data(r.fields[I245]).subfields).toHaveLength(3);
  });

  it("turns a data field into a control field, keeping its text", () => {
    const r = setTag(vietnameseBook(), 4, "003");
    expect(r.fields[4]).toEqual({ kind: "control", tag: "003", value: "vie" });
    const joined = setTag(vietnameseBook(), I245, "009");
    expect(control(joined.fields[I245]).value).toBe("Tôi thấy hoa vàng trên cỏ xanh : tiểu thuyết / Nguyễn Nhật Ánh.");
  });

  it("turns a control field into a data field with its value as $a", () => {
    const r = setTag(vietnameseBook(), 0, "035");
    expect(r.fields[0]).toEqual({ kind: "data", tag: "035", ind1: " ", ind2: " ", subfields: [{ code: "a", value: "VN-HN-000123" }] });
  });

  it("changes the tag alone when the kind stays", () => {
    const r = setTag(vietnameseBook(), 5, "700");
    expect(data(r.fields[5])).toMatchObject({ tag: "700", ind1: "1", subfields: data(vietnameseBook().fields[5]).subfields });
  });
});

describe("indicators and subfields", () => {
  it("sets an indicator to its last character, blank for empty, _ or #", () => {
    const book = vietnameseBook();
    expect(data(setIndicator(book, I245, 1, "0").fields[I245]).ind1).toBe("0");
    expect(data(setIndicator(book, I245, 2, "04").fields[I245]).ind2).toBe("4");
    expect(data(setIndicator(book, I245, 2, "").fields[I245]).ind2).toBe(" ");
    expect(data(setIndicator(book, I245, 1, "#").fields[I245]).ind1).toBe(" ");
    expect(setIndicator(book, 0, 1, "1")).toBe(book);
  });

  it("adds a subfield after the current one, or first", () => {
    const r = addSubfield(vietnameseBook(), I245, 0, "n");
    expect(data(r.fields[I245]).subfields.map((s) => s.code)).toEqual(["a", "n", "b", "c"]);
    const first = addSubfield(vietnameseBook(), I245, -1);
    expect(data(first.fields[I245]).subfields[0]).toEqual({ code: "a", value: "" });
  });

  it("removes and moves subfields within bounds", () => {
    const book = vietnameseBook();
    expect(data(removeSubfield(book, I245, 1).fields[I245]).subfields.map((s) => s.code)).toEqual(["a", "c"]);
    expect(data(moveSubfield(book, I245, 2, -1).fields[I245]).subfields.map((s) => s.code)).toEqual(["a", "c", "b"]);
    expect(data(moveSubfield(book, I245, 0, 1).fields[I245]).subfields.map((s) => s.code)).toEqual(["b", "a", "c"]);
    expect(moveSubfield(book, I245, 0, -1)).toBe(book);
    expect(removeSubfield(book, I245, 9)).toBe(book);
  });

  it("sets a subfield code (one character) and value", () => {
    const r1 = setSubfieldCode(vietnameseBook(), I245, 1, "bp");
    expect(data(r1.fields[I245]).subfields[1]!.code).toBe("p");
    const r2 = setSubfieldValue(vietnameseBook(), I245, 0, "Mắt biếc");
    expect(data(r2.fields[I245]).subfields[0]).toEqual({ code: "a", value: "Mắt biếc" });
  });

  it("sets a control field's value, and leaves data fields alone", () => {
    const book = vietnameseBook();
    expect(control(setControlValue(book, 0, "X1").fields[0]).value).toBe("X1");
    expect(setControlValue(book, I245, "x")).toBe(book);
  });
});

describe("fixed positions", () => {
  it("writes a run padded or cut to its length", () => {
    expect(setPositions("abcdef", 1, 3, "X", 6)).toBe("aX  ef");
    expect(setPositions("abcdef", 1, 2, "XYZ", 6)).toBe("aXYdef");
    expect(setPositions("ab", 4, 4, "z", 6)).toBe("ab  z ");
    expect(getPositions("ab", 1, 3)).toBe("b  ");
  });

  it("keeps the leader at 24 characters", () => {
    expect(setLeader(vietnameseBook(), "00000nam").leader).toBe("00000nam" + " ".repeat(16));
    expect(setLeader(vietnameseBook(), "x".repeat(30)).leader).toHaveLength(24);
  });

  it("sets Leader/06-07", () => {
    expect(setLeaderPositions(vietnameseBook(), 6, 7, "as").leader).toBe("01024nas a2200289 a 4500");
  });

  it("sets 008 positions, and creates a blank 008 in tag order when there is none", () => {
    const r = setControlPositions(vietnameseBook(), "008", 35, 37, "eng", 40);
    expect(control(r.fields[2]).value).toBe("240315s2019    vm a          000 1 eng d");
    const without = removeField(vietnameseBook(), 2);
    const created = setControlPositions(without, "008", 7, 10, "2020", 40);
    expect(tags(created).slice(0, 4)).toEqual(["001", "005", "008", "020"]);
    expect(control(created.fields[2]).value).toBe("       2020" + " ".repeat(29));
  });
});

describe("history", () => {
  const book = vietnameseBook();
  const typed = (h: ReturnType<typeof initHistory>, text: string) =>
    [...text].reduce((acc, _c, i) => commit(acc, setSubfieldValue(acc.present, I245, 0, text.slice(0, i + 1)), "f6-s0-value"), h);

  it("undoes and redoes structural edits one by one", () => {
    let h = initHistory(book);
    h = commit(h, addField(h.present, 0, "003"));
    h = commit(h, removeField(h.present, 3));
    expect(h.past).toHaveLength(2);
    h = undo(h);
    expect(tags(h.present)).toContain("008");
    expect(canRedo(h)).toBe(true);
    h = undo(h);
    expect(recordsEqual(h.present, book)).toBe(true);
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(tags(h.present)).not.toContain("008");
    expect(redo(h)).toBe(h);
  });

  it("coalesces typing in one cell into one step", () => {
    const h = typed(initHistory(book), "Mắt biếc");
    expect(h.past).toHaveLength(1);
    expect(data(h.present.fields[I245]).subfields[0]!.value).toBe("Mắt biếc");
    expect(recordsEqual(undo(h).present, book)).toBe(true);
  });

  it("starts a new step when typing moves to another cell or after an undo", () => {
    let h = typed(initHistory(book), "Mắt");
    h = commit(h, setSubfieldValue(h.present, I245, 1, "truyện"), "f6-s1-value");
    h = commit(h, setSubfieldValue(h.present, I245, 1, "truyện dài"), "f6-s1-value");
    expect(h.past).toHaveLength(2);
    h = undo(h);
    h = commit(h, setSubfieldValue(h.present, I245, 0, "Mắt biếc"), "f6-s0-value");
    expect(h.past).toHaveLength(2);
    expect(canRedo(h)).toBe(false);
  });

  it("ignores an edit that changes nothing", () => {
    const h = initHistory(book);
    expect(commit(h, setSubfieldValue(book, I245, 0, data(book.fields[I245]).subfields[0]!.value))).toBe(h);
  });

  it("forgets steps beyond the limit", () => {
    let h = initHistory(book);
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) h = commit(h, setControlValue(h.present, 0, `N${i}`));
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    while (canUndo(h)) h = undo(h);
    expect(control(h.present.fields[0]).value).toBe("N19");
  });
});
