import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Item } from "../bindings/Item";
import type { ItemInput } from "../bindings/ItemInput";
import type { MarcRecord } from "../bindings/MarcRecord";
import { createI18n, type Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { hanoiBranches, KIEU_ID, kieuDetail, kieuHistory } from "./fixtures";
import { formatDateTime } from "./format";
import { RecordView } from "./RecordView";

function setup(overrides: Partial<CatalogApi> = {}, lang: Language = "vi") {
  const i18n = createI18n(lang);
  const api: CatalogApi = {
    ...memoryApi(0),
    recordDetail: async () => kieuDetail(),
    recordHistory: async () => kieuHistory(),
    branches: async () => hanoiBranches(),
    ...overrides,
  };
  const props = {
    api,
    id: KIEU_ID,
    onBack: vi.fn(),
    onEdit: vi.fn(),
    onDuplicate: vi.fn<(record: MarcRecord) => void>(),
    onDeleted: vi.fn(),
    onChanged: vi.fn(),
    onError: vi.fn(),
  };
  const view = render(
    <I18nextProvider i18n={i18n}>
      <RecordView {...props} />
    </I18nextProvider>,
  );
  const switchTo = (next: Language) => act(() => void i18n.changeLanguage(next));
  return { ...view, props, i18n, switchTo };
}

async function loaded(overrides: Partial<CatalogApi> = {}, lang: Language = "vi") {
  const s = setup(overrides, lang);
  await screen.findByTestId("record-title");
  return s;
}

/** The description row for a field: [label, value text]. */
function row(field: string) {
  const el = screen.getByTestId("record-description").querySelector(`[data-field="${field}"]`);
  if (!el) return null;
  return [el.querySelector("dt")!.textContent, el.querySelector("dd")!.textContent] as const;
}

const openTab = (key: string) => fireEvent.click(screen.getByTestId(`record-tab-${key}`));
const panel = (key: string) => screen.getByTestId(`record-panel-${key}`);

async function openItemForm(overrides: Partial<CatalogApi> = {}) {
  const s = await loaded(overrides);
  openTab("items");
  fireEvent.click(screen.getByTestId("item-add"));
  const form = await screen.findByTestId("item-form");
  // The branch list arrives after the form opens.
  await waitFor(() => expect(within(form).getAllByRole("option", { name: /Hoàn Kiếm/ })).toHaveLength(1));
  return { ...s, form };
}

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
const submitForm = () => fireEvent.click(screen.getByTestId("item-save"));

describe("description", () => {
  it("shows Truyện Kiều labelled in Vietnamese", async () => {
    await loaded();
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Truyện Kiều");
    expect(screen.getByTestId("record-responsibility").textContent).toBe("Nguyễn Du ; Đào Duy Anh khảo đính");
    expect(screen.getByTestId("record-material-type").textContent).toBe("Loại tài liệu: Sách");
    expect(row("title")).toEqual(["Nhan đề", "Truyện Kiều"]);
    expect(row("publication")).toEqual(["Thông tin xuất bản", "Hà Nội : Văn học, 2015"]);
    expect(row("year")).toEqual(["Năm xuất bản", "2015"]);
    expect(row("authors")![1]).toBe("Nguyễn Du, 1765-1820Đào, Duy Anh");
    expect(row("edition")).toEqual(["Lần xuất bản", "Tái bản lần thứ 3."]);
    expect(row("physicalDescription")).toEqual(["Mô tả vật lý", "239 tr. ; 21 cm."]);
    expect(row("series")).toEqual(["Tùng thư", "Tủ sách văn học cổ điển Việt Nam"]);
    expect(row("callNumber")).toEqual(["Ký hiệu xếp giá", "895.9221 NG-D"]);
    expect(row("languages")).toEqual(["Ngôn ngữ", "Tiếng Việt, Tiếng Pháp"]);
    const subjects = screen.getByTestId("record-description").querySelector('[data-field="subjects"] dd')!;
    expect([...subjects.querySelectorAll("li")].map((li) => li.textContent)).toEqual([
      "Nguyễn Du, 1765-1820",
      "Văn học Việt Nam -- Thế kỷ 19",
      "Truyện thơ",
    ]);
    const isbns = screen.getAllByTestId("isbn");
    expect(isbns[0]!.textContent).toBe("9786049556128 (bìa mềm)");
    expect(isbns[1]!.textContent).toContain("9786049556123 (bìa cứng)");
    expect(isbns[1]!.textContent).toContain("sai số kiểm tra");
    const link = screen.getByRole("link", { name: "Bản số hoá (Thư viện Hà Nội)" });
    expect(link.getAttribute("href")).toBe("https://thuvien.hanoi.gov.vn/so-hoa/truyen-kieu");
    expect(row("created")![1]).toBe(formatDateTime("2025-11-03T02:15:00Z", "vi"));
    expect(row("updated")![1]).toContain("2026");
    // Empty fields are left out rather than shown blank.
    expect(row("issn")).toBeNull();
    expect(screen.getByTestId("record-description").tagName).toBe("DL");
  });

  it("shows the same record labelled in English", async () => {
    const { switchTo } = await loaded();
    switchTo("en");
    expect(row("title")).toEqual(["Title", "Truyện Kiều"]);
    expect(row("publication")).toEqual(["Publication", "Hà Nội : Văn học, 2015"]);
    expect(row("responsibility")).toEqual(["Statement of responsibility", "Nguyễn Du ; Đào Duy Anh khảo đính"]);
    expect(row("languages")).toEqual(["Languages", "Vietnamese, French"]);
    expect(row("materialType")).toEqual(["Material type", "Book"]);
    expect(screen.getAllByTestId("isbn")[1]!.textContent).toContain("invalid check digit");
    expect(screen.getAllByTestId("isbn")[0]!.textContent).not.toContain("invalid");
    const created = formatDateTime("2025-11-03T02:15:00Z", "en");
    expect(row("created")).toEqual(["Created", created]);
    expect(created).toContain("Nov");
    expect(created).not.toBe(formatDateTime("2025-11-03T02:15:00Z", "vi"));
  });
});

describe("MARC view", () => {
  it("shows the leader, tags, indicators and subfields with codes emphasised", async () => {
    await loaded();
    openTab("marc");
    const lines = within(panel("marc")).getAllByTestId("marc-line");
    expect(lines[0]!.dataset.tag).toBe("LDR");
    expect(lines[0]!.textContent).toContain("01024nam a2200313 i 4500");
    expect(lines[0]!.textContent).toContain("Đầu biểu");
    const title = lines.find((l) => l.dataset.tag === "245")!;
    expect(within(title).getByTestId("marc-indicators").textContent).toBe("Chỉ thị 10");
    const codes = [...title.querySelectorAll("strong.marc-code")].map((s) => s.textContent);
    expect(codes).toEqual(["‡a", "‡c"]);
    expect(within(title).getAllByTestId("marc-subfield").map((s) => s.textContent)).toEqual([
      "‡aTruyện Kiều / ",
      "‡cNguyễn Du ; Đào Duy Anh khảo đính.",
    ]);
    // 020 has two blank indicators: a visible # and words for a screen reader.
    const isbn = lines.find((l) => l.dataset.tag === "020")!;
    const blanks = isbn.querySelectorAll('[data-blank="true"]');
    expect(blanks).toHaveLength(2);
    expect(blanks[0]!.textContent).toBe("#để trống");
    expect(blanks[0]!.querySelector('[aria-hidden="true"]')!.textContent).toBe("#");
    const control = lines.find((l) => l.dataset.tag === "001")!;
    expect(control.textContent).toBe("001VN-HN000123");
  });

  it("copies the record as MarcEdit text", async () => {
    const writeText = vi.fn<(text: string) => Promise<void>>(async () => {});
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
    try {
      const { switchTo } = await loaded();
      switchTo("en");
      openTab("marc");
      fireEvent.click(screen.getByTestId("marc-copy"));
      await waitFor(() => expect(screen.getByTestId("marc-copy-status").textContent).toContain("copied"));
      const text = writeText.mock.calls[0]![0];
      expect(text.split("\n")).toContain("=245  10$aTruyện Kiều /$cNguyễn Du ; Đào Duy Anh khảo đính.");
      expect(text.split("\n")[0]).toBe("=LDR  01024nam\\a2200313\\i\\4500");
    } finally {
      Object.defineProperty(navigator, "clipboard", { configurable: true, value: undefined });
    }
  });
});

describe("tabs", () => {
  it("are WAI-ARIA tabs moved between with the arrow keys, Home and End", async () => {
    await loaded();
    const tablist = screen.getByRole("tablist");
    const tabs = within(tablist).getAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual(["Mô tả", "MARC", "Bản (3)", "Tài liệu số", "Quyền tác giả", "Lịch sử"]);
    const selected = () => tabs.find((t) => t.getAttribute("aria-selected") === "true")!.dataset.testid;
    for (const tab of tabs) {
      const controlled = document.getElementById(tab.getAttribute("aria-controls")!)!;
      expect(controlled.getAttribute("role")).toBe("tabpanel");
      expect(controlled.getAttribute("aria-labelledby")).toBe(tab.id);
    }
    tabs[0]!.focus();
    fireEvent.keyDown(tabs[0]!, { key: "ArrowRight" });
    expect(selected()).toBe("record-tab-marc");
    expect(document.activeElement).toBe(tabs[1]);
    expect(panel("marc").hidden).toBe(false);
    expect(panel("description").hidden).toBe(true);
    expect(tabs[1]!.tabIndex).toBe(0);
    expect(tabs[0]!.tabIndex).toBe(-1);
    fireEvent.keyDown(tabs[1]!, { key: "End" });
    expect(selected()).toBe("record-tab-history");
    const last = tabs[tabs.length - 1]!;
    expect(document.activeElement).toBe(last);
    fireEvent.keyDown(last, { key: "ArrowRight" });
    expect(selected()).toBe("record-tab-description");
    fireEvent.keyDown(tabs[0]!, { key: "ArrowLeft" });
    expect(selected()).toBe("record-tab-history");
    fireEvent.keyDown(last, { key: "Home" });
    expect(selected()).toBe("record-tab-description");
    expect(document.activeElement).toBe(tabs[0]);
  });
});

describe("items", () => {
  it("lists items with branch names and translated statuses", async () => {
    await loaded();
    openTab("items");
    await screen.findAllByText("HK — Hoàn Kiếm", { exact: false });
    const rows = screen.getAllByTestId("item-row");
    expect(rows.map((r) => r.dataset.barcode)).toEqual(["HK0001234", "HK0001235", "CG0000777"]);
    expect(within(rows[1]!).getByTestId("item-status-cell").textContent).toBe("Đang cho mượn");
    expect(rows[2]!.textContent).toContain("CG — Cầu Giấy (hiện ở HK — Hoàn Kiếm)");
    expect(rows[2]!.textContent).toContain("Tài liệu tra cứu");
    expect(within(rows[0]!).getByRole("button").getAttribute("aria-label")).toBe("Sửa bản HK0001234");
  });

  it("adds an item: the table grows and the app hears of it", async () => {
    const added: ItemInput[] = [];
    const { props } = await openItemForm({
      addItem: async (recordId, input) => {
        expect(recordId).toBe(KIEU_ID);
        added.push(input);
        return { ...input, id: "item-9", record_id: recordId, holding_branch_code: null, local_number: null };
      },
    });
    expect(document.activeElement).toBe(screen.getByTestId("item-barcode"));
    expect((screen.getByTestId("item-call-number") as HTMLInputElement).value).toBe("895.9221 NG-D");
    type("item-barcode", " BD0000042 ");
    type("item-branch", "BD");
    type("item-location", "Kho thiếu nhi");
    type("item-type", "audiobook");
    submitForm();
    await waitFor(() => expect(screen.queryByTestId("item-form")).toBeNull());
    expect(added).toEqual([
      { barcode: "BD0000042", branch_code: "BD", location: "Kho thiếu nhi", call_number: "895.9221 NG-D", item_type: "audiobook", status: "available" },
    ]);
    const rows = screen.getAllByTestId("item-row");
    expect(rows).toHaveLength(4);
    expect(rows[3]!.textContent).toContain("BD — Ba Đình");
    expect(rows[3]!.textContent).toContain("Sách nói");
    expect(props.onChanged).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("items-status").textContent).toBe("Đã thêm bản BD0000042.");
    expect(screen.getByTestId("record-tab-items").textContent).toBe("Bản (4)");
  });

  it("checks the form before sending, with messages at the fields", async () => {
    const addItem = vi.fn<CatalogApi["addItem"]>();
    await openItemForm({ addItem });
    type("item-location", "  ");
    submitForm();
    const barcode = screen.getByTestId("item-barcode");
    expect(barcode.getAttribute("aria-invalid")).toBe("true");
    expect(barcode.getAttribute("aria-describedby")).toContain(screen.getByTestId("item-error-barcode").id);
    expect(screen.getByTestId("item-error-barcode").textContent).toBe("Hãy nhập mã vạch.");
    expect(screen.getByTestId("item-location").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("item-error-location").textContent).toContain("Hãy nhập kho");
    expect(document.activeElement).toBe(barcode);
    type("item-barcode", "HK 0001");
    type("item-location", "Kho mở");
    submitForm();
    expect(screen.getByTestId("item-error-barcode").textContent).toBe("Mã vạch không được có dấu cách.");
    expect(screen.queryByTestId("item-error-location")).toBeNull();
    expect(addItem).not.toHaveBeenCalled();
  });

  it("shows a taken barcode at the barcode field and keeps what was typed", async () => {
    const refusal: ErrorPayload = {
      code: "barcode_in_use",
      message: 'barcode "HK0001234" is already used by another item; barcodes must be unique',
      details: null,
    };
    const { props } = await openItemForm({ addItem: () => Promise.reject(refusal) });
    type("item-barcode", "HK0001234");
    type("item-location", "Kho mở tầng 3");
    submitForm();
    const error = await screen.findByTestId("item-error-barcode");
    expect(error.textContent).toContain("Mã vạch này đã được dùng cho một bản khác");
    expect(error.textContent).toContain('barcode "HK0001234" is already used');
    const barcode = screen.getByTestId("item-barcode") as HTMLInputElement;
    expect(barcode.getAttribute("aria-invalid")).toBe("true");
    expect(barcode.getAttribute("aria-describedby")).toContain(error.id);
    expect(barcode.value).toBe("HK0001234");
    expect((screen.getByTestId("item-location") as HTMLInputElement).value).toBe("Kho mở tầng 3");
    expect(document.activeElement).toBe(barcode);
    expect(screen.getByTestId("item-form")).toBeTruthy();
    expect(screen.getAllByTestId("item-row")).toHaveLength(3);
    expect(props.onChanged).not.toHaveBeenCalled();
  });

  it("offers only the statuses cataloging may set", async () => {
    await openItemForm();
    const options = [...(screen.getByTestId("item-status") as HTMLSelectElement).options];
    const enabled = options.filter((o) => !o.disabled).map((o) => o.value);
    expect(enabled).toEqual(["available", "not_for_loan", "lost", "damaged", "withdrawn", "claimed_returned"]);
    const disabled = options.filter((o) => o.disabled);
    expect(disabled.map((o) => o.value)).toEqual(["on_loan", "in_transit", "on_hold_shelf"]);
    expect(disabled[0]!.textContent).toBe("Đang cho mượn (do lưu thông đặt)");
  });

  it("edits an item in place", async () => {
    const updates: Array<[string, ItemInput]> = [];
    const { props } = await loaded({
      updateItem: async (itemId, input) => {
        updates.push([itemId, input]);
        const before = kieuDetail().items.find((i) => i.id === itemId)!;
        return { ...before, ...input } satisfies Item;
      },
    });
    openTab("items");
    fireEvent.click(within(screen.getAllByTestId("item-row")[0]!).getByTestId("item-edit"));
    const form = await screen.findByTestId("item-form");
    expect(within(form).getByRole("heading").textContent).toBe("Sửa bản HK0001234");
    expect((screen.getByTestId("item-barcode") as HTMLInputElement).value).toBe("HK0001234");
    expect((screen.getByTestId("item-location") as HTMLInputElement).value).toBe("Kho mở tầng 2");
    type("item-location", "Kho đóng");
    type("item-status", "damaged");
    submitForm();
    await waitFor(() => expect(screen.queryByTestId("item-form")).toBeNull());
    expect(updates).toEqual([
      ["item-1", { barcode: "HK0001234", branch_code: "HK", location: "Kho đóng", call_number: "895.9221 NG-D", item_type: "book", status: "damaged" }],
    ]);
    const first = screen.getAllByTestId("item-row")[0]!;
    expect(first.textContent).toContain("Kho đóng");
    expect(within(first).getByTestId("item-status-cell").textContent).toBe("Hư hỏng");
    expect(props.onChanged).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(within(first).getByTestId("item-edit"));
  });

  it("leaves an on-loan item's status to circulation", async () => {
    await loaded();
    openTab("items");
    fireEvent.click(within(screen.getAllByTestId("item-row")[1]!).getByTestId("item-edit"));
    await screen.findByTestId("item-form");
    const status = screen.getByTestId("item-status") as HTMLSelectElement;
    expect(status.value).toBe("on_loan");
    expect(status.disabled).toBe(true);
    expect(document.getElementById(status.getAttribute("aria-describedby")!)!.textContent).toContain("lưu thông");
  });

  it("closes the form on Esc without leaving the record", async () => {
    const onKey = vi.fn();
    window.addEventListener("keydown", onKey);
    try {
      await openItemForm();
      fireEvent.keyDown(screen.getByTestId("item-barcode"), { key: "Escape" });
      expect(screen.queryByTestId("item-form")).toBeNull();
      // The app shell's Esc-goes-back listener never saw the key.
      expect(onKey).not.toHaveBeenCalled();
      expect(document.activeElement).toBe(screen.getByTestId("item-add"));
    } finally {
      window.removeEventListener("keydown", onKey);
    }
  });
});

describe("actions", () => {
  it("edits with the button, E and Ctrl+E, but not while typing", async () => {
    const { props } = await loaded();
    expect(screen.getByTestId("record-edit").getAttribute("aria-keyshortcuts")).toBe("E Control+E");
    fireEvent.click(screen.getByTestId("record-edit"));
    fireEvent.keyDown(document.body, { key: "e" });
    fireEvent.keyDown(document.body, { key: "E", ctrlKey: true });
    expect(props.onEdit).toHaveBeenCalledTimes(3);
    expect(props.onEdit).toHaveBeenCalledWith(KIEU_ID);
    // Ctrl+Shift+E is the app's export.
    fireEvent.keyDown(document.body, { key: "E", ctrlKey: true, shiftKey: true });
    openTab("items");
    fireEvent.click(screen.getByTestId("item-add"));
    fireEvent.keyDown(await screen.findByTestId("item-barcode"), { key: "e" });
    expect(props.onEdit).toHaveBeenCalledTimes(3);
  });

  it("duplicates without the control number", async () => {
    const { props } = await loaded();
    fireEvent.click(screen.getByTestId("record-duplicate"));
    const copy = props.onDuplicate.mock.calls[0]![0];
    expect(copy.fields.some((f) => f.tag === "001")).toBe(false);
    expect(copy.fields.map((f) => f.tag)).toEqual(kieuDetail().marc.fields.map((f) => f.tag).filter((t) => t !== "001"));
    expect(copy.leader).toBe(kieuDetail().marc.leader);
  });

  it("asks before deleting, naming the record and its items, and deletes", async () => {
    const deleteRecord = vi.fn<CatalogApi["deleteRecord"]>(async (id) => ({ id, items_deleted: 3 }));
    const { props, switchTo } = await loaded({ deleteRecord });
    fireEvent.click(screen.getByTestId("record-delete"));
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("Biểu ghi “Truyện Kiều” và 3 bản kèm theo sẽ bị xoá.");
    fireEvent.click(within(dialog).getByTestId("confirm-cancel"));
    expect(deleteRecord).not.toHaveBeenCalled();
    switchTo("en");
    fireEvent.click(screen.getByTestId("record-delete"));
    expect(screen.getByTestId("confirm-dialog").textContent).toContain("“Truyện Kiều” and its 3 items will be deleted.");
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(props.onDeleted).toHaveBeenCalledTimes(1));
    expect(deleteRecord).toHaveBeenCalledWith(KIEU_ID);
  });

  it("says why a record with items on loan was not deleted", async () => {
    const refusal: ErrorPayload = {
      code: "items_on_loan",
      message: "record VN-HN000123 has 1 item on loan (HK0001235); check it in before deleting the record",
      details: null,
    };
    const { props } = await loaded({ deleteRecord: () => Promise.reject(refusal) });
    fireEvent.click(screen.getByTestId("record-delete"));
    fireEvent.click(screen.getByTestId("confirm-ok"));
    const alert = await screen.findByTestId("delete-refusal");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("Biểu ghi chưa bị xoá vì có bản đang được mượn");
    expect(alert.textContent).toContain("Bản đang cho mượn: HK0001235");
    expect(alert.textContent).toContain("(HK0001235)");
    expect(props.onDeleted).not.toHaveBeenCalled();
    expect(props.onError).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByTestId("record-delete"));
  });

  it("passes other delete failures to the app", async () => {
    const failure: ErrorPayload = { code: "catalog_read_only", message: "read-only", details: null };
    const { props } = await loaded({ deleteRecord: () => Promise.reject(failure) });
    fireEvent.click(screen.getByTestId("record-delete"));
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(props.onError).toHaveBeenCalledWith(failure));
    expect(screen.queryByTestId("delete-refusal")).toBeNull();
  });

  it("goes back", async () => {
    const { props } = await loaded();
    fireEvent.click(screen.getByTestId("record-back"));
    expect(props.onBack).toHaveBeenCalledTimes(1);
  });
});

describe("history", () => {
  it("lists changes newest first with who, when and what", async () => {
    const { switchTo } = await loaded();
    openTab("history");
    await screen.findByTestId("history-list");
    const entries = screen.getAllByTestId("history-entry");
    expect(entries.map((e) => within(e).getByTestId("history-what").textContent)).toEqual([
      "Sửa bản CG0000777",
      "Sửa biểu ghi",
      "Thêm bản HK0001234",
      "Tạo biểu ghi",
    ]);
    expect(within(entries[0]!).getByTestId("history-detail").textContent).toBe(
      "Tình trạng thay đổi: Sẵn sàng → Không cho mượn",
    );
    expect(within(entries[1]!).getAllByTestId("history-detail").map((d) => d.textContent)).toEqual([
      "245 thay đổi: =245  10$aTruyen Kieu /$cNguyễn Du. → =245  10$aTruyện Kiều /$cNguyễn Du ; Đào Duy Anh khảo đính.",
      "856 được thêm: =856  41$uhttps://thuvien.hanoi.gov.vn/so-hoa/truyen-kieu",
    ]);
    expect(within(entries[2]!).getByTestId("history-detail").textContent).toBe("Kho: Kho mở tầng 2");
    expect(entries[1]!.textContent).toContain("bởi minh.tran");
    const when = within(entries[1]!).getByTestId("history-when");
    expect(when.getAttribute("datetime")).toBe("2026-03-12T02:30:15Z");
    expect(when.textContent).toBe(formatDateTime("2026-03-12T02:30:15Z", "vi"));

    switchTo("en");
    const en = screen.getAllByTestId("history-entry");
    expect(within(en[0]!).getByTestId("history-what").textContent).toBe("Item CG0000777 changed");
    expect(within(en[0]!).getByTestId("history-detail").textContent).toBe("Status changed: Available → Not for loan");
    expect(within(en[1]!).getAllByTestId("history-detail")[0]!.textContent).toMatch(/^245 changed: .* → .*Truyện Kiều/);
    expect(within(en[1]!).getByTestId("history-when").textContent).toBe(formatDateTime("2026-03-12T02:30:15Z", "en"));
    expect(en[3]!.textContent).toContain("Record created");
  });

  it("says so when the history cannot be read, and retries", async () => {
    let calls = 0;
    await loaded({
      recordHistory: async () => {
        calls++;
        if (calls === 1) throw { code: "storage", message: "disk", details: null } satisfies ErrorPayload;
        return kieuHistory();
      },
    });
    openTab("history");
    const error = await screen.findByTestId("history-error");
    expect(error.textContent).toContain("Không tải được lịch sử.");
    fireEvent.click(within(error).getByRole("button"));
    expect(await screen.findAllByTestId("history-entry")).toHaveLength(4);
  });
});

describe("loading", () => {
  it("says the record no longer exists when it is gone", async () => {
    const { props } = setup({
      recordDetail: () => Promise.reject({ code: "not_found", message: "no record", details: null } satisfies ErrorPayload),
    });
    expect(screen.getByTestId("record-loading").textContent).toBe("Đang tải biểu ghi…");
    const error = await screen.findByTestId("record-load-error");
    expect(error.textContent).toContain("Biểu ghi này không còn tồn tại");
    expect(screen.queryByTestId("record-retry")).toBeNull();
    fireEvent.click(screen.getByTestId("record-back"));
    expect(props.onBack).toHaveBeenCalled();
  });

  it("offers a retry after a failure", async () => {
    let calls = 0;
    setup(
      {
        recordDetail: async () => {
          calls++;
          if (calls === 1) throw { code: "catalog_unavailable", message: "locked", details: null } satisfies ErrorPayload;
          return kieuDetail();
        },
      },
      "en",
    );
    const error = await screen.findByTestId("record-load-error");
    expect(error.textContent).toContain("The record could not be loaded.");
    expect(error.textContent).toContain("locked");
    fireEvent.click(screen.getByTestId("record-retry"));
    expect((await screen.findByTestId("record-title")).textContent).toBe("Truyện Kiều");
    expect(calls).toBe(2);
  });
});

describe("accessibility", () => {
  const check = async (container: HTMLElement) => {
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(", ")}`);
    expect(summary).toEqual([]);
  };

  for (const lang of ["vi", "en"] as const) {
    it(`has no axe violations on any tab or with the item form open (${lang})`, async () => {
      const { container } = await loaded({}, lang);
      await check(container);
      openTab("marc");
      await check(container);
      openTab("history");
      await screen.findByTestId("history-list");
      await check(container);
      openTab("items");
      await screen.findAllByText("HK — Hoàn Kiếm", { exact: false });
      await check(container);
      fireEvent.click(screen.getByTestId("item-add"));
      await screen.findByTestId("item-form");
      submitForm();
      await screen.findByTestId("item-error-barcode");
      await check(container);
    });
  }

  it("has no axe violations with the delete refusal and the load error shown", async () => {
    const { container } = await loaded({
      deleteRecord: () => Promise.reject({ code: "items_on_loan", message: "HK0001235", details: null } satisfies ErrorPayload),
    });
    fireEvent.click(screen.getByTestId("record-delete"));
    await check(container);
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await screen.findByTestId("delete-refusal");
    await check(container);
  });
});
