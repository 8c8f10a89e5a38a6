import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { CopyImportOutcome } from "../bindings/CopyImportOutcome";
import type { CopyQuery } from "../bindings/CopyQuery";
import type { CopySearchPage } from "../bindings/CopySearchPage";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { kieuDetail } from "../record/fixtures";
import { deferred, expectNoAxeViolations, press, renderIn, tab } from "../transfer/testKit";
import { COPY_TARGET_STORAGE_KEY } from "./copy";
import { CopyDialog } from "./CopyDialog";
import {
  EXISTING_RECORD_ID,
  NEW_RECORD_ID,
  OTHER_RECORD_ID,
  addedOutcome,
  deMenMarc,
  firstPage,
  matchedOutcome,
  overlaidOutcome,
  targets,
  volumesPage,
} from "./fixtures";

function fakeApi(over: Partial<CatalogApi> = {}) {
  return {
    ...memoryApi(0),
    copyTargets: vi.fn(async () => targets()),
    copySearch: vi.fn(async (target: string, _q: CopyQuery, _start: number, _max: number) => firstPage(target)),
    copyImport: vi.fn(async () => addedOutcome() as CopyImportOutcome),
    recordDetail: vi.fn(async (id: string) => ({
      ...kieuDetail(),
      id,
      title: id === OTHER_RECORD_ID ? "Dế Mèn phiêu lưu ký (bản 2005)" : "Dế Mèn phiêu lưu ký",
      control_number: id === OTHER_RECORD_ID ? "VN-HN000077" : "VN-HN000042",
    })),
    ...over,
  };
}

function open(lang: Language, api: CatalogApi = fakeApi()) {
  const props = {
    api,
    onClose: vi.fn(),
    onOpenSettings: vi.fn(),
    onOpenRecord: vi.fn(),
    onEditRecord: vi.fn(),
    onImported: vi.fn(),
  };
  const result = renderIn(lang, <CopyDialog {...props} />);
  return { ...result, props, api };
}

/** Types into the search box and presses the Search button. */
async function searchFor(value: string, by?: "isbn" | "title" | "author") {
  const input = await screen.findByTestId("copy-value");
  if (by) fireEvent.change(screen.getByTestId("copy-by"), { target: { value: by } });
  fireEvent.change(input, { target: { value } });
  fireEvent.submit(input.closest("form")!);
}

describe("copy cataloging: targets", () => {
  it.each(["vi", "en"] as const)("with no target says so and offers Settings (%s)", async (lang) => {
    const { container, props } = open(lang, fakeApi({ copyTargets: vi.fn(async () => []) }));
    const none = await screen.findByTestId("copy-no-targets");
    expect(none.textContent).toContain(lang === "vi" ? "Chưa có máy chủ SRU nào" : "No SRU targets yet");
    const settings = screen.getByTestId("copy-open-settings");
    await waitFor(() => expect(document.activeElement).toBe(settings));
    expect(screen.queryByTestId("copy-value")).toBeNull();
    await expectNoAxeViolations(container);
    fireEvent.click(settings);
    expect(props.onOpenSettings).toHaveBeenCalledTimes(1);
  });

  it("starts on the target remembered from last time, and remembers a new choice", async () => {
    localStorage.setItem(COPY_TARGET_STORAGE_KEY, "nlv");
    const { api } = open("vi");
    const select = (await screen.findByTestId("copy-target")) as HTMLSelectElement;
    expect(select.value).toBe("nlv");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "loc (http://lx2.loc.gov:210/LCDB)",
      "nlv (https://sru.nlv.gov.vn/sru)",
    ]);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("copy-value")));
    fireEvent.change(select, { target: { value: "loc" } });
    await searchFor("Dế Mèn", "title");
    await screen.findByTestId("copy-results");
    expect(api.copySearch).toHaveBeenCalledWith("loc", { by: "title", value: "Dế Mèn" }, 1, 10);
    expect(localStorage.getItem(COPY_TARGET_STORAGE_KEY)).toBe("loc");
  });

  it("a remembered target no longer configured falls back to the first", async () => {
    localStorage.setItem(COPY_TARGET_STORAGE_KEY, "bnf");
    open("en");
    expect(((await screen.findByTestId("copy-target")) as HTMLSelectElement).value).toBe("loc");
  });

  it("a list that cannot be read is said, and Try again reads it again", async () => {
    const failing: ErrorPayload = { code: "storage", message: "database is locked", details: null };
    const copyTargets = vi.fn().mockRejectedValueOnce(failing).mockResolvedValueOnce(targets());
    const { container } = open("vi", fakeApi({ copyTargets }));
    const alert = await screen.findByTestId("copy-targets-error");
    expect(alert.textContent).toContain("Không đọc được danh sách máy chủ SRU.");
    expect(alert.textContent).toContain("database is locked");
    await expectNoAxeViolations(container);
    fireEvent.click(screen.getByTestId("copy-targets-retry"));
    await screen.findByTestId("copy-value");
    expect(copyTargets).toHaveBeenCalledTimes(2);
  });
});

describe("copy cataloging: searching", () => {
  it("checks an ISBN lightly before asking the network", async () => {
    const { api } = open("vi");
    await searchFor("978-604-2-0887");
    const input = screen.getByTestId("copy-value");
    expect(screen.getByTestId("copy-query-problem").textContent).toBe("ISBN phải có 10 hoặc 13 chữ số.");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toContain(screen.getByTestId("copy-query-problem").id);
    await searchFor("ISBN 978604");
    expect(screen.getByTestId("copy-query-problem").textContent).toContain("chỉ gồm chữ số");
    expect(api.copySearch).not.toHaveBeenCalled();
    // Typing again clears the complaint; a well-formed ISBN goes to the server as typed (it normalizes).
    await searchFor("978-604-2-08870-1");
    expect(screen.queryByTestId("copy-query-problem")).toBeNull();
    await screen.findByTestId("copy-results");
    expect(api.copySearch).toHaveBeenCalledWith("loc", { by: "isbn", value: "978-604-2-08870-1" }, 1, 10);
  });

  it("an empty title is refused in words", async () => {
    open("en");
    await searchFor("   ", "title");
    expect(screen.getByTestId("copy-query-problem").textContent).toBe("Type what to look for.");
  });

  it.each(["vi", "en"] as const)("shows a busy state while the target is awaited; Cancel closes the dialog (%s)", async (lang) => {
    const answer = deferred<CopySearchPage>();
    const { container, props } = open(lang, fakeApi({ copySearch: vi.fn(() => answer.promise) }));
    await searchFor("Dế Mèn", "title");
    const busy = screen.getByTestId("copy-busy");
    expect(within(busy).getByRole("status").textContent).toBe(lang === "vi" ? "Đang tìm trong loc…" : "Searching loc…");
    const cancel = screen.getByTestId("copy-cancel");
    await waitFor(() => expect(document.activeElement).toBe(cancel));
    expect(screen.getByTestId("copy-dialog").getAttribute("aria-busy")).toBe("true");
    // The search form is disabled as a whole (its fieldset) until the answer comes.
    expect(screen.getByTestId("copy-search").matches(":disabled")).toBe(true);
    await expectNoAxeViolations(container);
    fireEvent.click(cancel);
    expect(props.onClose).toHaveBeenCalledTimes(1);
  });

  it("Esc closes the dialog while a search is awaited, and a late answer is dropped", async () => {
    const answer = deferred<CopySearchPage>();
    const { props, unmount } = open("vi", fakeApi({ copySearch: vi.fn(() => answer.promise) }));
    await searchFor("Tô Hoài", "author");
    expect(press(screen.getByTestId("copy-cancel"), "Escape")).toBe(true);
    expect(props.onClose).toHaveBeenCalledTimes(1);
    unmount();
    await act(async () => answer.resolve(firstPage()));
  });

  it.each(["vi", "en"] as const)("lists the results with title, author, publisher, year and ISBN, and the problems (%s)", async (lang) => {
    const { container } = open(lang);
    await searchFor("Dế Mèn", "title");
    const list = await screen.findByTestId("copy-results");
    await waitFor(() => expect(document.activeElement).toBe(list));
    expect(list.getAttribute("role")).toBe("listbox");
    expect(list.getAttribute("aria-label")).toBe(lang === "vi" ? "Biểu ghi từ loc" : "Records from loc");
    const options = within(list).getAllByRole("option");
    expect(options).toHaveLength(3);
    expect(options[0]!.textContent).toContain("Dế Mèn phiêu lưu ký");
    expect(options[0]!.textContent).toContain("Tô Hoài");
    expect(options[0]!.textContent).toContain("Kim Đồng, 2019");
    expect(options[0]!.textContent).toContain("ISBN 9786042088701");
    expect(options[2]!.textContent).toContain(lang === "vi" ? "Không có tác giả" : "No author");
    expect(options[0]!.getAttribute("aria-selected")).toBe("true");
    expect(list.getAttribute("aria-activedescendant")).toBe(options[0]!.id);
    expect(screen.getByTestId("copy-found").textContent).toBe(
      lang === "vi" ? "loc: tìm thấy 3 biểu ghi." : "loc: 3 records found.",
    );
    const problems = screen.getByTestId("copy-problems");
    expect(within(problems).getAllByTestId("copy-problem")[0]!.textContent).toContain("leader is 12 characters");
    // One page only: no paging controls.
    expect(screen.queryByTestId("copy-next")).toBeNull();
    await expectNoAxeViolations(container);
  });

  it("a search that finds nothing says so and keeps the search box", async () => {
    open("vi", fakeApi({ copySearch: vi.fn(async (target: string) => ({ ...firstPage(target), total: 0, hits: [], problems: [] })) }));
    await searchFor("zzzz", "title");
    const found = await screen.findByTestId("copy-found");
    expect(found.textContent).toContain("loc không tìm thấy biểu ghi nào");
    expect(screen.queryByTestId("copy-results")).toBeNull();
    expect(screen.queryByTestId("copy-import")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("copy-value")));
  });

  it("pages by SRU start: Next asks from 11, Previous back from 1", async () => {
    const copySearch = vi.fn(async (target: string, _q: CopyQuery, start: number, max: number) => volumesPage(start, max, target));
    const { api } = open("vi", fakeApi({ copySearch }));
    await searchFor("Truyện ngắn tuyển chọn", "title");
    await screen.findByTestId("copy-results");
    expect(screen.getByTestId("copy-range").textContent).toBe("Biểu ghi 1–10 trong 23");
    expect((screen.getByTestId("copy-previous") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("copy-next"));
    await waitFor(() => expect(screen.getByTestId("copy-range").textContent).toBe("Biểu ghi 11–20 trong 23"));
    expect(api.copySearch).toHaveBeenLastCalledWith("loc", { by: "title", value: "Truyện ngắn tuyển chọn" }, 11, 10);
    expect(screen.getAllByTestId("copy-hit")[0]!.textContent).toContain("Tập 11");
    fireEvent.click(screen.getByTestId("copy-next"));
    await waitFor(() => expect(screen.getByTestId("copy-range").textContent).toBe("Biểu ghi 21–23 trong 23"));
    expect((screen.getByTestId("copy-next") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("copy-previous"));
    await waitFor(() => expect(screen.getByTestId("copy-range").textContent).toBe("Biểu ghi 11–20 trong 23"));
    expect(api.copySearch).toHaveBeenLastCalledWith("loc", { by: "title", value: "Truyện ngắn tuyển chọn" }, 11, 10);
  });
});

describe("copy cataloging: preview", () => {
  it.each(["vi", "en"] as const)("describes the chosen record with the record view's labels and shows its MARC (%s)", async (lang) => {
    const { container } = open(lang);
    await searchFor("Dế Mèn", "title");
    const preview = await screen.findByTestId("copy-preview");
    const description = within(preview).getByTestId("copy-description");
    const row = (field: string) => description.querySelector(`[data-field="${field}"]`)!;
    expect(row("title").textContent).toBe((lang === "vi" ? "Nhan đề" : "Title") + "Dế Mèn phiêu lưu ký");
    expect(row("publication").querySelector("dd")!.textContent).toBe("Hà Nội : Kim Đồng, 2019");
    expect(row("isbn").querySelector("dd")!.textContent).toBe("9786042088701 (bìa mềm)");
    expect(row("languages").querySelector("dd")!.textContent).toBe(lang === "vi" ? "Tiếng Việt" : "Vietnamese");
    const mnemonic = within(preview).getByTestId("copy-mnemonic").textContent!;
    expect(mnemonic.split("\n")[0]).toBe("=LDR  00812nam\\a2200253\\i\\4500");
    expect(mnemonic).toContain("=245  10$aDế Mèn phiêu lưu ký /$cTô Hoài ; minh hoạ: Tạ Huy Long.");
    expect(within(preview).getByTestId("copy-marc").getAttribute("tabindex")).toBe("0");
    await expectNoAxeViolations(container);
  });

  it("arrow keys, Home and End move through the results and the preview follows; a click chooses too", async () => {
    open("vi");
    await searchFor("Dế Mèn", "title");
    const list = await screen.findByTestId("copy-results");
    const title = () => screen.getByTestId("copy-description").querySelector('[data-field="title"] dd')!.textContent;
    expect(press(list, "ArrowDown")).toBe(true);
    expect(title()).toBe("Số đỏ : tiểu thuyết");
    press(list, "End");
    expect(title()).toBe("Ca dao tục ngữ Việt Nam");
    press(list, "ArrowDown");
    expect(title()).toBe("Ca dao tục ngữ Việt Nam");
    press(list, "Home");
    expect(title()).toBe("Dế Mèn phiêu lưu ký");
    press(list, "ArrowUp");
    expect(title()).toBe("Dế Mèn phiêu lưu ký");
    fireEvent.click(screen.getAllByTestId("copy-hit")[1]!);
    expect(title()).toBe("Số đỏ : tiểu thuyết");
    expect(list.getAttribute("aria-activedescendant")).toBe(screen.getAllByTestId("copy-hit")[1]!.id);
  });

  it("Down arrow in the search box goes to the results; Tab stays inside the dialog", async () => {
    open("en");
    await searchFor("Dế Mèn", "title");
    const list = await screen.findByTestId("copy-results");
    const input = screen.getByTestId("copy-value");
    input.focus();
    expect(press(input, "ArrowDown")).toBe(true);
    expect(document.activeElement).toBe(list);
    // Around the whole dialog and back: every stop is inside it.
    const seen = new Set<Element | null>();
    for (let i = 0; i < 30; i++) {
      const el = tab();
      expect(screen.getByTestId("copy-dialog").contains(el)).toBe(true);
      seen.add(el);
    }
    expect(seen.has(screen.getByTestId("copy-import"))).toBe(true);
    expect(seen.has(screen.getByTestId("copy-marc"))).toBe(true);
  });
});

describe("copy cataloging: importing", () => {
  it.each(["vi", "en"] as const)("adds the record and says so, with its validation findings; Open and Edit go there (%s)", async (lang) => {
    const { container, props, api } = open(lang);
    await searchFor("9786042088701");
    await screen.findByTestId("copy-preview");
    fireEvent.click(screen.getByTestId("copy-import"));
    const outcome = await screen.findByTestId("copy-outcome");
    expect(api.copyImport).toHaveBeenCalledWith(deMenMarc(), "isbn", "skip");
    expect(within(outcome).getByTestId("outcome-text").textContent).toBe(
      lang === "vi" ? "Đã thêm thành biểu ghi mới: Dế Mèn phiêu lưu ký." : "Added as a new record: Dế Mèn phiêu lưu ký.",
    );
    const issues = within(outcome).getAllByTestId("outcome-issue");
    expect(issues).toHaveLength(2);
    expect(issues[1]!.textContent).toBe(
      (lang === "vi" ? "Lỗi Trường 008" : "Error Field 008") + ": 008/35-37: language code 'vie ' is malformed",
    );
    expect(props.onImported).toHaveBeenCalledWith(addedOutcome());
    await expectNoAxeViolations(container);
    fireEvent.click(screen.getByTestId("outcome-open"));
    expect(props.onOpenRecord).toHaveBeenCalledWith(NEW_RECORD_ID);
    fireEvent.click(screen.getByTestId("outcome-edit"));
    expect(props.onEditRecord).toHaveBeenCalledWith(NEW_RECORD_ID);
  });

  it.each(["vi", "en"] as const)("a match that is skipped names the catalog records it matched (%s)", async (lang) => {
    const { container, props } = open(lang, fakeApi({ copyImport: vi.fn(async () => matchedOutcome()) }));
    await searchFor("9786042088701");
    await screen.findByTestId("copy-preview");
    fireEvent.click(screen.getByTestId("copy-import"));
    const outcome = await screen.findByTestId("copy-outcome");
    expect(outcome.getAttribute("data-action")).toBe("matched");
    expect(within(outcome).getByTestId("outcome-text").textContent).toBe(
      lang === "vi"
        ? "Trùng với 2 biểu ghi đã có trong danh mục; đã bỏ qua, không có gì thay đổi."
        : "It matches 2 records already in the catalog; skipped, nothing was changed.",
    );
    await waitFor(() => expect(within(outcome).getAllByTestId("matched-record")[1]!.textContent).toContain("VN-HN000077"));
    expect(within(outcome).getAllByTestId("matched-record")[1]!.textContent).toContain("Dế Mèn phiêu lưu ký (bản 2005)");
    expect(within(outcome).getByTestId("outcome-no-issues")).toBeTruthy();
    expect(props.onImported).not.toHaveBeenCalled();
    await expectNoAxeViolations(container);
    fireEvent.click(within(outcome).getAllByTestId("open-matched")[1]!);
    expect(props.onOpenRecord).toHaveBeenCalledWith(OTHER_RECORD_ID);
  });

  it("overlays by control number when chosen, and the policy is unused without matching", async () => {
    const copyImport = vi.fn(async () => overlaidOutcome());
    const { props } = open("vi", fakeApi({ copyImport }));
    await searchFor("Dế Mèn", "title");
    await screen.findByTestId("copy-options");
    fireEvent.click(screen.getByTestId("copy-match-none"));
    expect((screen.getByTestId("copy-policy") as HTMLFieldSetElement).disabled).toBe(true);
    // Arrow keys move through the match choices as in the import dialog.
    press(screen.getByTestId("copy-match-none"), "ArrowUp");
    expect((screen.getByTestId("copy-match-control_number") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId("copy-policy-overlay"));
    fireEvent.click(screen.getByTestId("copy-import"));
    const outcome = await screen.findByTestId("copy-outcome");
    expect(copyImport).toHaveBeenCalledWith(deMenMarc(), "control_number", "overlay");
    expect(within(outcome).getByTestId("outcome-text").textContent).toBe(
      "Biểu ghi đã có trong danh mục đã được ghi đè bằng biểu ghi nguồn: Dế Mèn phiêu lưu ký.",
    );
    expect(props.onImported).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByTestId("outcome-edit"));
    expect(props.onEditRecord).toHaveBeenCalledWith(EXISTING_RECORD_ID);
  });

  it("added beside a match when the cataloger chose Add anyway: both are said", async () => {
    const beside: CopyImportOutcome = { ...addedOutcome(), matched: [EXISTING_RECORD_ID], issues: [] };
    const { api } = open("en", fakeApi({ copyImport: vi.fn(async () => beside) }));
    await searchFor("9786042088701");
    await screen.findByTestId("copy-options");
    fireEvent.click(screen.getByTestId("copy-policy-add"));
    fireEvent.click(screen.getByTestId("copy-import"));
    const outcome = await screen.findByTestId("copy-outcome");
    expect(api.copyImport).toHaveBeenCalledWith(deMenMarc(), "isbn", "add");
    expect(within(outcome).getByTestId("outcome-beside").textContent).toBe(
      "It matched 1 record already in the catalog; as you chose, it was added anyway.",
    );
    await waitFor(() => expect(within(outcome).getByTestId("matched-record").textContent).toContain("VN-HN000042"));
    expect(within(outcome).getByTestId("outcome-no-issues").textContent).toBe("The record passes every MARC check.");
  });

  it("without matching, the record is always added", async () => {
    const { api } = open("en");
    await searchFor("Dế Mèn", "title");
    await screen.findByTestId("copy-options");
    fireEvent.click(screen.getByTestId("copy-match-none"));
    fireEvent.click(screen.getByTestId("copy-import"));
    await screen.findByTestId("copy-outcome");
    expect(api.copyImport).toHaveBeenCalledWith(deMenMarc(), "none", "add");
  });

  it("while importing, the dialog cannot be closed; Back returns to the same results", async () => {
    const answer = deferred<CopyImportOutcome>();
    const { props } = open("vi", fakeApi({ copyImport: vi.fn(() => answer.promise) }));
    await searchFor("Dế Mèn", "title");
    const list = await screen.findByTestId("copy-results");
    press(list, "ArrowDown");
    fireEvent.click(screen.getByTestId("copy-import"));
    expect(screen.getByTestId("copy-importing").textContent).toContain("Đang nhập biểu ghi vào danh mục…");
    expect((screen.getByTestId("copy-import") as HTMLButtonElement).disabled).toBe(true);
    // No new search while the record is being written.
    expect(screen.getByTestId("copy-search").matches(":disabled")).toBe(true);
    press(screen.getByTestId("copy-dialog"), "Escape");
    expect(props.onClose).not.toHaveBeenCalled();
    await act(async () => answer.resolve(addedOutcome()));
    const outcome = await screen.findByTestId("copy-outcome");
    await waitFor(() => expect(document.activeElement).toBe(within(outcome).getByRole("heading", { level: 3 })));
    fireEvent.click(screen.getByTestId("outcome-back"));
    const again = await screen.findByTestId("copy-results");
    await waitFor(() => expect(document.activeElement).toBe(again));
    expect(within(again).getAllByRole("option")[1]!.getAttribute("aria-selected")).toBe("true");
  });

  it("an import that fails says why and leaves the choice to try again", async () => {
    const refused: ErrorPayload = { code: "catalog_read_only", message: "the catalog is open read-only", details: null };
    const copyImport = vi.fn().mockRejectedValueOnce(refused).mockResolvedValueOnce(addedOutcome());
    const { container } = open("vi", fakeApi({ copyImport }));
    await searchFor("Dế Mèn", "title");
    await screen.findByTestId("copy-preview");
    fireEvent.click(screen.getByTestId("copy-import"));
    const alert = await screen.findByTestId("copy-import-error");
    expect(alert.textContent).toContain("Không nhập được biểu ghi.");
    expect(alert.textContent).toContain("Danh mục chỉ cho phép đọc");
    expect(alert.textContent).toContain("the catalog is open read-only");
    await expectNoAxeViolations(container);
    fireEvent.click(screen.getByTestId("copy-import"));
    await screen.findByTestId("copy-outcome");
  });
});

describe("copy cataloging: a target that fails", () => {
  const url = "https://sru.nlv.gov.vn/sru";
  const cases: Array<[string, ErrorPayload, string, string]> = [
    [
      "unreachable",
      { code: "internal", message: `the SRU target at ${url} did not answer (Connection refused); check the address and the network, or try again later`, details: null },
      "Không kết nối được với máy chủ SRU.",
      "The SRU target could not be reached.",
    ],
    [
      "timeout",
      { code: "internal", message: `the SRU target at ${url} did not answer within 30 seconds; try again later`, details: null },
      "Máy chủ SRU không trả lời kịp.",
      "The SRU target did not answer in time.",
    ],
    [
      "notSru",
      { code: "internal", message: `${url} did not answer with SRU (the answer is <html>, not an SRU searchRetrieveResponse); check the target's base URL and version`, details: null },
      "Địa chỉ này không trả lời theo giao thức SRU.",
      "This address does not answer as an SRU server.",
    ],
    [
      "diagnostics",
      { code: "internal", message: `the SRU target at ${url} refused the search: 16 Unsupported index: dc.creator`, details: null },
      "Máy chủ SRU từ chối yêu cầu tìm.",
      "The SRU target refused the search.",
    ],
    [
      "invalidQuery",
      { code: "invalid_input", message: "the search is not valid: the ISBN \"9786042088702\" has a wrong check digit", details: null },
      "Nội dung tìm không hợp lệ.",
      "The search is not valid.",
    ],
  ];

  it.each(cases)("%s is said in words, with the target's message, in both languages", async (kind, error, vi_, en) => {
    for (const lang of ["vi", "en"] as const) {
      const { container, unmount } = open(lang, fakeApi({ copySearch: vi.fn(async () => Promise.reject(error)) }));
      await searchFor("9786042088702");
      const alert = await screen.findByTestId("copy-search-error");
      expect(alert.getAttribute("role")).toBe("alert");
      expect(alert.getAttribute("data-kind")).toBe(kind);
      expect(alert.querySelector("strong")!.textContent).toBe(lang === "vi" ? vi_ : en);
      expect(alert.textContent).toContain(error.message);
      await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("copy-value")));
      if (kind === "unreachable") await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("a failed search can be tried again from the same box", async () => {
    const copySearch = vi
      .fn()
      .mockRejectedValueOnce({ code: "internal", message: "the SRU target at x did not answer within 30 seconds; try again later", details: null })
      .mockResolvedValueOnce(firstPage());
    open("vi", fakeApi({ copySearch }));
    await searchFor("Dế Mèn", "title");
    await screen.findByTestId("copy-search-error");
    fireEvent.click(screen.getByTestId("copy-search"));
    await screen.findByTestId("copy-results");
    expect(screen.queryByTestId("copy-search-error")).toBeNull();
  });
});
