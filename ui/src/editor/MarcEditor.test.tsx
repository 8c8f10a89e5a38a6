import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { ValidationIssue } from "../bindings/ValidationIssue";
import { createI18n, type Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { bookDetail, fixedSchema, issue, templates, vietnameseBook, vietnameseBookMnemonic } from "./fixtures";
import { MarcEditor, type MarcEditorProps } from "./MarcEditor";

type Setup = {
  api?: Partial<CatalogApi>;
  props?: Partial<MarcEditorProps>;
  lang?: Language;
  issues?: ValidationIssue[];
};

function setup({ api = {}, props = {}, lang = "vi", issues = [] }: Setup = {}) {
  const saved: MarcRecord[] = [];
  const fullApi: CatalogApi = {
    ...memoryApi(0),
    recordDetail: async () => bookDetail(),
    fixedFieldSchema: async () => fixedSchema(),
    validateRecord: async () => issues,
    recordTemplates: async () => templates(),
    toMnemonic: async () => vietnameseBookMnemonic(),
    saveRecord: async (_id, record) => {
      saved.push(record);
      return { detail: bookDetail(record), issues: [] };
    },
    ...api,
  };
  const handlers = {
    onSaved: vi.fn(),
    onCancel: vi.fn(),
    onDeleted: vi.fn(),
    onDirtyChange: vi.fn(),
    onError: vi.fn(),
  };
  const i18n = createI18n(lang);
  const view = render(
    <I18nextProvider i18n={i18n}>
      <MarcEditor api={fullApi} recordId="rec-123" template={null} initial={null} {...handlers} {...props} />
    </I18nextProvider>,
  );
  return { ...view, saved, handlers, i18n };
}

const byId = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const tags = () => screen.getAllByTestId("field-row").map((row) => (row.querySelector("input") as HTMLInputElement).value);
const key = (el: Element, k: string, mods: Partial<Record<"ctrlKey" | "shiftKey" | "altKey", boolean>> = {}) =>
  fireEvent.keyDown(el, { key: k, ...mods });

async function loaded() {
  await screen.findByTestId("marc-grid");
  await screen.findByTestId("fixed-LDR-6");
}

describe("grid editing", () => {
  it("edits 245 $a and saves the new value", async () => {
    const { saved, handlers } = setup();
    await loaded();
    const title = byId("f6-s0-value");
    expect(title.value).toBe("Tôi thấy hoa vàng trên cỏ xanh :");
    fireEvent.change(title, { target: { value: "Mắt biếc /" } });
    await waitFor(() => expect(handlers.onDirtyChange).toHaveBeenLastCalledWith(true));
    key(title, "s", { ctrlKey: true });
    await waitFor(() => expect(handlers.onSaved).toHaveBeenCalled());
    expect(saved).toHaveLength(1);
    const f245 = saved[0]!.fields[6]!;
    expect(f245.kind === "data" && f245.subfields[0]!.value).toBe("Mắt biếc /");
    expect(handlers.onDirtyChange).toHaveBeenLastCalledWith(false);
    expect(handlers.onSaved.mock.calls[0]![0].marc).toBe(saved[0]);
  });

  it("keeps the edits and says why when saving fails", async () => {
    const { handlers } = setup({
      api: { saveRecord: () => Promise.reject({ code: "catalog_read_only", message: "read-only", details: null }) },
    });
    await loaded();
    fireEvent.change(byId("f6-s0-value"), { target: { value: "Mắt biếc" } });
    fireEvent.click(screen.getByTestId("editor-save"));
    expect(await screen.findByTestId("error-banner")).toHaveProperty("dataset.code", "catalog_read_only");
    expect(byId("f6-s0-value").value).toBe("Mắt biếc");
    expect(handlers.onSaved).not.toHaveBeenCalled();
    expect(handlers.onDirtyChange).toHaveBeenLastCalledWith(true);
  });

  it("adds, repeats, moves and removes fields by keyboard, focus following", async () => {
    setup();
    await loaded();
    const before = tags();
    const f245 = byId("f6-s0-value");
    f245.focus();
    key(f245, "Enter", { ctrlKey: true });
    expect(tags().slice(6, 8)).toEqual(["245", ""]);
    expect(document.activeElement).toBe(byId("f7-tag"));
    fireEvent.change(byId("f7-tag"), { target: { value: "500" } });
    expect(byId("f7-s0-code").value).toBe("a");

    key(byId("f7-tag"), "d", { ctrlKey: true, shiftKey: true });
    expect(tags().slice(6, 10)).toEqual(["245", "500", "500", "264"]);
    expect(document.activeElement).toBe(byId("f8-tag"));

    key(byId("f8-tag"), "ArrowUp", { altKey: true });
    key(byId("f7-tag"), "ArrowUp", { altKey: true });
    expect(tags().slice(5, 8)).toEqual(["100", "500", "245"]);
    expect(document.activeElement).toBe(byId("f6-tag"));

    key(byId("f6-tag"), "Delete", { ctrlKey: true });
    key(byId("f6-tag"), "Insert");
    key(byId("f7-tag"), "Delete", { ctrlKey: true });
    expect(tags()).toEqual([...before.slice(0, 7), "500", ...before.slice(7)]);

    key(byId("f7-tag"), "z", { ctrlKey: true });
    expect(tags()).toContain("");
    key(byId("f7-tag"), "y", { ctrlKey: true });
    expect(tags()).not.toContain("");
  });

  it("adds, moves and removes subfields by keyboard", async () => {
    setup();
    await loaded();
    const a = byId("f6-s0-value");
    a.focus();
    key(a, "s", { ctrlKey: true, shiftKey: true });
    expect(document.activeElement).toBe(byId("f6-s1-code"));
    fireEvent.change(byId("f6-s1-code"), { target: { value: "n" } });
    fireEvent.change(byId("f6-s1-value"), { target: { value: "Tập 1" } });
    const codes = () => [0, 1, 2, 3].map((j) => screen.queryByTestId(`f6-s${j}-code`) as HTMLInputElement | null).map((el) => el?.value);
    expect(codes()).toEqual(["a", "n", "b", "c"]);
    byId("f6-s1-value").focus();
    key(byId("f6-s1-value"), "ArrowRight", { altKey: true, shiftKey: true });
    expect(codes()).toEqual(["a", "b", "n", "c"]);
    expect(document.activeElement).toBe(byId("f6-s2-value"));
    key(byId("f6-s2-value"), "ArrowLeft", { altKey: true, shiftKey: true });
    key(byId("f6-s1-value"), "Backspace", { ctrlKey: true, shiftKey: true });
    expect(codes()).toEqual(["a", "b", "c", undefined]);
  });

  it("undoes a run of typing in one cell as one step", async () => {
    setup();
    await loaded();
    const a = byId("f6-s0-value");
    for (const text of ["M", "Mắ", "Mắt"]) fireEvent.change(a, { target: { value: text } });
    key(a, "z", { ctrlKey: true });
    expect(byId("f6-s0-value").value).toBe("Tôi thấy hoa vàng trên cỏ xanh :");
    key(a, "z", { ctrlKey: true, shiftKey: true });
    expect(byId("f6-s0-value").value).toBe("Mắt");
  });

  it("shows a blank indicator as a visible placeholder and takes # as blank", async () => {
    const { saved } = setup();
    await loaded();
    const ind = byId("f7-ind1");
    expect(ind.value).toBe("");
    expect(ind.placeholder).toBe("#");
    fireEvent.change(byId("f6-ind2"), { target: { value: "#" } });
    fireEvent.click(screen.getByTestId("editor-save"));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.fields[6]).toMatchObject({ ind1: "1", ind2: " " });
  });

  it("turns a field into a control field when its tag becomes 00X", async () => {
    setup();
    await loaded();
    fireEvent.change(byId("f4-tag"), { target: { value: "003" } });
    expect(byId("f4-value").value).toBe("vie");
    expect(screen.queryByTestId("f4-ind1")).toBeNull();
  });

  it("leaves on Esc, telling the app the key was handled", async () => {
    const { handlers } = setup();
    await loaded();
    const event = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    byId("f6-tag").dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(handlers.onCancel).toHaveBeenCalledTimes(1);
  });

  it("lists the shortcuts on F1", async () => {
    setup({ lang: "en" });
    await loaded();
    key(byId("f0-tag"), "F1");
    const dialog = screen.getByTestId("shortcuts-dialog");
    expect(within(dialog).getByText("Repeat field")).toBeTruthy();
    expect(within(dialog).getByText("Ctrl+Shift+D")).toBeTruthy();
    fireEvent.click(within(dialog).getByTestId("shortcuts-close"));
    expect(screen.queryByTestId("shortcuts-dialog")).toBeNull();
  });
});

describe("text mode", () => {
  it("goes to text and back without edits, leaving the record identical and not dirty", async () => {
    const fromMnemonic = vi.fn();
    const { saved, handlers } = setup({ api: { fromMnemonic } });
    await loaded();
    key(byId("f0-tag"), "m", { ctrlKey: true });
    const text = (await screen.findByTestId("mrk-text")) as HTMLTextAreaElement;
    expect(text.value).toBe(vietnameseBookMnemonic());
    key(text, "m", { ctrlKey: true });
    await screen.findByTestId("marc-grid");
    expect(fromMnemonic).not.toHaveBeenCalled();
    expect(handlers.onDirtyChange).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("editor-save"));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual(vietnameseBook());
  });

  it("takes an edited text back into the grid", async () => {
    const edited = vietnameseBook();
    edited.fields.push({ kind: "data", tag: "500", ind1: " ", ind2: " ", subfields: [{ code: "a", value: "Có chữ ký tác giả." }] });
    setup({ api: { fromMnemonic: async () => ({ record: edited, issues: [] }) } });
    await loaded();
    fireEvent.click(screen.getByTestId("tab-text"));
    const text = (await screen.findByTestId("mrk-text")) as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: `${text.value}\n=500  \\\\$aCó chữ ký tác giả.` } });
    fireEvent.click(screen.getByTestId("tab-grid"));
    await screen.findByTestId("marc-grid");
    expect(tags().at(-1)).toBe("500");
  });

  it("refuses to switch back while a line does not parse, saying which", async () => {
    setup({
      lang: "en",
      api: {
        fromMnemonic: async () => ({
          record: null,
          issues: [issue({ code: "mrk_bad_line", line: 3, message: "line 3 does not start with =TAG" })],
        }),
      },
    });
    await loaded();
    fireEvent.click(screen.getByTestId("tab-text"));
    const text = (await screen.findByTestId("mrk-text")) as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: "=LDR  00000nam a2200000 a 4500\n=001  X\n245 oops" } });
    key(text, "m", { ctrlKey: true });
    const problems = await screen.findByTestId("parse-issues");
    expect(problems.textContent).toContain("Line 3:");
    expect(problems.textContent).toContain("line 3 does not start with =TAG");
    expect(screen.queryByTestId("marc-grid")).toBeNull();
    fireEvent.click(within(problems).getByTestId("parse-issue"));
    expect(document.activeElement).toBe(text);
    expect(text.value.slice(text.selectionStart, text.selectionEnd)).toBe("245 oops");
  });
});

describe("leader and 008", () => {
  it("changes the right positions from the selects and inputs, and switches the 008 layout with Leader/07", async () => {
    const { saved } = setup({ lang: "en" });
    await loaded();
    expect(screen.getByTestId("f008-heading").textContent).toBe("Field 008 — Books");
    fireEvent.change(screen.getByTestId("fixed-008-19"), { target: { value: "b" } });
    fireEvent.change(byId("fixed-008-35"), { target: { value: "eng" } });
    expect(byId("f008-raw").value).toBe("240315s2019    vm ab         000 1 eng d");
    fireEvent.change(screen.getByTestId("fixed-LDR-7"), { target: { value: "s" } });
    expect(byId("leader-raw").value).toBe("01024nas a2200289 a 4500");
    expect(screen.getByTestId("f008-heading").textContent).toBe("Field 008 — Continuing resources");
    fireEvent.change(screen.getByTestId("fixed-008-18"), { target: { value: "m" } });
    expect(byId("f2-value").value).toBe("240315s2019    vm mb         000 1 eng d");
    expect((byId("fixed-LDR-0") as HTMLInputElement).readOnly).toBe(true);
    fireEvent.click(screen.getByTestId("editor-save"));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.leader).toBe("01024nas a2200289 a 4500");
  });

  it("labels codes in the interface language", async () => {
    setup({ lang: "vi" });
    await loaded();
    const select = screen.getByTestId("fixed-LDR-6") as HTMLSelectElement;
    expect(select.selectedOptions[0]!.textContent).toBe("a — Tài liệu ngôn ngữ");
    expect(screen.getByLabelText("LDR/06 Loại biểu ghi")).toBe(select);
  });
});

describe("validation", () => {
  const titleError = issue({
    code: "subfield_missing",
    field_index: 6,
    tag: "245",
    subfield_index: 0,
    message: "245 lacks something",
  });

  it("shows an error at its field and asks before saving", async () => {
    const { saved } = setup({ issues: [titleError], lang: "en" });
    await loaded();
    const messages = await screen.findByTestId("f6-issues", {}, { timeout: 2000 });
    expect(messages.textContent).toContain("245 lacks something");
    expect(screen.getAllByTestId("field-row")[6]!.getAttribute("aria-invalid")).toBe("true");
    expect(byId("f6-s0-value").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("issue-counts").textContent).toBe("1 error, 0 warnings");
    fireEvent.click(screen.getByTestId("issue-link"));
    expect(document.activeElement).toBe(byId("f6-s0-value"));

    fireEvent.click(screen.getByTestId("editor-save"));
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("The record has 1 error. Save it anyway?");
    fireEvent.click(within(dialog).getByTestId("confirm-cancel"));
    expect(saved).toHaveLength(0);
    fireEvent.click(screen.getByTestId("editor-save"));
    fireEvent.click(within(await screen.findByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    await waitFor(() => expect(saved).toHaveLength(1));
  });

  it("uses the translated message when there is one", async () => {
    const { i18n } = setup({ issues: [titleError] });
    act(() => {
      i18n.addResource("vi", "translation", "validation.subfield_missing", "Thiếu trường con ${{code}}");
    });
    titleError.params = { code: "a" };
    await loaded();
    expect((await screen.findByTestId("f6-issues", {}, { timeout: 2000 })).textContent).toContain("Thiếu trường con $a");
  });

  it("saves with warnings without asking", async () => {
    const warning = issue({ severity: "warning", code: "field_obsolete", field_index: 4, tag: "041" });
    const { saved } = setup({ issues: [warning] });
    await loaded();
    await screen.findByTestId("f4-issues", {}, { timeout: 2000 });
    fireEvent.click(screen.getByTestId("editor-save"));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });
});

describe("delete", () => {
  it("asks, then says in words that an item on loan blocks it", async () => {
    const { handlers } = setup({
      lang: "en",
      api: { deleteRecord: () => Promise.reject({ code: "items_on_loan", message: "1 item on loan", details: null }) },
    });
    await loaded();
    fireEvent.click(screen.getByTestId("editor-delete"));
    fireEvent.click(within(screen.getByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    expect((await screen.findByTestId("editor-on-loan")).textContent).toContain("on loan");
    expect(handlers.onDeleted).not.toHaveBeenCalled();
  });

  it("deletes after confirmation", async () => {
    const deleteRecord = vi.fn(async (id: string) => ({ id, items_deleted: 0 }));
    const { handlers } = setup({ api: { deleteRecord } });
    await loaded();
    fireEvent.click(screen.getByTestId("editor-delete"));
    fireEvent.click(within(screen.getByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    await waitFor(() => expect(handlers.onDeleted).toHaveBeenCalled());
    expect(deleteRecord).toHaveBeenCalledWith("rec-123");
  });
});

describe("new records", () => {
  it("asks which template, and Enter on a choice starts from it", async () => {
    const { saved } = setup({ props: { recordId: null }, lang: "en" });
    const chooser = await screen.findByTestId("template-chooser");
    expect(within(chooser).getAllByRole("button").map((b) => b.querySelector(".template-name")!.textContent)).toEqual([
      "Printed book",
      "E-book",
      "Audiobook",
      "Serial",
      "Map",
    ]);
    expect(document.activeElement).toBe(screen.getByTestId("template-book"));
    key(screen.getByTestId("template-book"), "ArrowDown");
    key(screen.getByTestId("template-ebook"), "ArrowDown");
    key(screen.getByTestId("template-audiobook"), "ArrowDown");
    expect(document.activeElement).toBe(screen.getByTestId("template-serial"));
    // A button's Enter is its click.
    fireEvent.click(document.activeElement!);
    await loaded();
    expect(byId("leader-raw").value).toBe("00000nas a2200000 i 4500");
    expect(screen.queryByTestId("editor-delete")).toBeNull();
    fireEvent.click(screen.getByTestId("editor-save"));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual(templates()[3]!.record);
  });

  it("starts from the given template or copy", async () => {
    setup({ props: { recordId: null, template: "map" } });
    await loaded();
    expect(byId("leader-raw").value).toBe("00000nem a2200000 i 4500");
  });

  it("starts from a copy of another record without asking", async () => {
    const { handlers } = setup({ props: { recordId: null, initial: vietnameseBook() } });
    await loaded();
    expect(byId("f6-s0-value").value).toBe("Tôi thấy hoa vàng trên cỏ xanh :");
    expect(handlers.onDirtyChange).not.toHaveBeenCalled();
  });
});

describe("accessibility", () => {
  const check = async (container: HTMLElement) => {
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(", ")}`);
    expect(summary).toEqual([]);
  };

  for (const lang of ["vi", "en"] as const) {
    it(`has no axe violations in the grid with issues, the fixed fields and text mode (${lang})`, async () => {
      const { container } = setup({
        lang,
        issues: [issue({ code: "x", field_index: 6, subfield_index: 0 }), issue({ code: "y", severity: "warning", field_index: 3 })],
      });
      await loaded();
      await screen.findByTestId("f6-issues", {}, { timeout: 2000 });
      await check(container);
      fireEvent.click(screen.getByTestId("tab-text"));
      await screen.findByTestId("mrk-text");
      await check(container);
    });

    it(`has no axe violations in the template chooser and shortcuts dialog (${lang})`, async () => {
      const { container } = setup({ lang, props: { recordId: null } });
      await screen.findByTestId("template-chooser");
      await check(container);
      fireEvent.click(screen.getByTestId("template-book"));
      await loaded();
      fireEvent.click(screen.getByTestId("editor-help"));
      await check(container);
    });
  }
});
