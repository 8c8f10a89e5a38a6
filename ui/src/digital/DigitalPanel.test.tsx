import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { AttachRequest } from "../bindings/AttachRequest";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { DigitalPanel } from "./DigitalPanel";
import { AUDIO_ID, KIEU_ID, kieuObjects, SCAN_ID, textObject } from "./fixtures";
import { expectNoAxeViolations, renderIn } from "./testing";

function setup(overrides: Partial<CatalogApi> = {}, lang: Language = "vi") {
  const api: CatalogApi = { ...memoryApi(0), digitalObjects: async () => kieuObjects(), ...overrides };
  const onOpen = vi.fn<(id: string) => void>();
  const onFormOpen = vi.fn<(open: boolean) => void>();
  const view = renderIn(<DigitalPanel api={api} recordId={KIEU_ID} onOpen={onOpen} onFormOpen={onFormOpen} />, lang);
  return { ...view, onOpen, onFormOpen };
}

const row = (id: string) => screen.getAllByTestId("digital-row").find((r) => r.dataset.object === id)!;
const cell = (id: string, testId: string) => within(row(id)).getByTestId(testId).textContent;

describe("the record's digital copies", () => {
  it("lists each object with its kind, size, length and access in Vietnamese", async () => {
    const s = setup();
    await screen.findByTestId("digital-table");
    expect(cell(SCAN_ID, "digital-kind")).toBe("📄 PDF");
    expect(cell(SCAN_ID, "digital-name")).toBe("Bản quét 1998");
    expect(row(SCAN_ID).textContent).toContain("truyen-kieu-1998.pdf");
    expect(cell(SCAN_ID, "digital-size")).toBe("24,3 MB");
    expect(cell(SCAN_ID, "digital-extent")).toBe("120 trang");
    expect(cell(SCAN_ID, "digital-access")).toBe("Mở cho mọi người (trực tuyến)");
    expect(cell(SCAN_ID, "digital-object-status")).toBe("Phạm vi công cộng");
    expect(cell(AUDIO_ID, "digital-kind")).toBe("🎧 Sách nói");
    expect(cell(AUDIO_ID, "digital-extent")).toBe("Thời lượng 1:03:00 · 4 chương");
    expect(cell(AUDIO_ID, "digital-access")).toBe("Chỉ cán bộ thư việnĐịnh dạng dễ tiếp cận");
    expect(cell(AUDIO_ID, "digital-object-status")).toContain("Còn bảo hộ quyền tác giả");
    expect(cell(AUDIO_ID, "digital-object-status")).toContain("Lý do: Bản đọc mới năm 2021");
    expect(within(row(SCAN_ID)).queryByTestId("digital-accessible")).toBeNull();
    expect(row(kieuObjects()[1]!.id).textContent).toContain("Theo tác phẩm");
    await expectNoAxeViolations(s.container);

    s.switchTo("en");
    expect(cell(SCAN_ID, "digital-size")).toBe("24.3 MB");
    expect(cell(SCAN_ID, "digital-extent")).toBe("120 pages");
    expect(cell(AUDIO_ID, "digital-extent")).toBe("Duration 1:03:00 · 4 chapters");
    expect(cell(AUDIO_ID, "digital-access")).toBe("Staff onlyAccessible format");
    await expectNoAxeViolations(s.container);
  });

  it("opens an object", async () => {
    const s = setup();
    await screen.findByTestId("digital-table");
    fireEvent.click(within(row(AUDIO_ID)).getByTestId("digital-open"));
    expect(s.onOpen).toHaveBeenCalledWith(AUDIO_ID);
    expect(within(row(AUDIO_ID)).getByTestId("digital-open").getAttribute("aria-label")).toBe("Mở Sách nói – giọng đọc Hồng Vân");
  });

  it("says when there are none, and when the list cannot be read", async () => {
    setup({ digitalObjects: async () => [] });
    expect((await screen.findByTestId("digital-empty")).textContent).toBe("Biểu ghi này chưa có tài liệu số nào.");
  });

  it("retries a failed load", async () => {
    let calls = 0;
    setup({
      digitalObjects: async () => {
        calls++;
        if (calls === 1) throw { code: "storage", message: "disk busy", details: null } satisfies ErrorPayload;
        return kieuObjects();
      },
    });
    expect((await screen.findByTestId("digital-load-error")).textContent).toContain("disk busy");
    fireEvent.click(screen.getByTestId("digital-retry"));
    await screen.findByTestId("digital-table");
  });

  it("attaches a picked file with a label as an accessible-format copy, and says what happened", async () => {
    const requests: AttachRequest[] = [];
    const s = setup({
      pickFile: async () => "/home/thuvien/Số hoá/truyen-kieu.txt",
      attachDigitalObject: async (request) => {
        requests.push(request);
        return {
          object: { ...textObject(), label: request.label, accessible_format: request.accessible_format },
          content_already_stored: true,
          text_note: null,
        };
      },
    });
    await screen.findByTestId("digital-table");
    fireEvent.click(screen.getByTestId("digital-attach"));
    const dialog = await screen.findByTestId("attach-dialog");
    expect(within(dialog).getByTestId("attach-file").textContent).toBe("truyen-kieu.txt");
    await waitFor(() => expect(s.onFormOpen).toHaveBeenLastCalledWith(true));
    await expectNoAxeViolations(s.container);
    fireEvent.change(within(dialog).getByTestId("attach-label"), { target: { value: "  Bản chữ lớn  " } });
    fireEvent.click(within(dialog).getByTestId("attach-accessible"));
    fireEvent.click(within(dialog).getByTestId("attach-save"));
    await waitFor(() => expect(screen.queryByTestId("attach-dialog")).toBeNull());
    expect(requests).toEqual([
      { record_id: KIEU_ID, path: "/home/thuvien/Số hoá/truyen-kieu.txt", label: "Bản chữ lớn", accessible_format: true },
    ]);
    expect(screen.getByTestId("digital-status").textContent).toBe(
      "Đã đính kèm “Bản chữ lớn”. Nội dung này đã có trong kho nên không sao chép lần nữa.",
    );
    expect(screen.getAllByTestId("digital-row")).toHaveLength(5);
    expect(s.onFormOpen).toHaveBeenLastCalledWith(false);
  });

  it("says why no text was extracted, and keeps the dialog open when attaching fails", async () => {
    let fail = true;
    setup(
      {
        pickFile: async () => "C:\\scans\\bia.tif",
        attachDigitalObject: async (request) => {
          if (fail) {
            fail = false;
            throw { code: "invalid_input", message: "unsupported file type: image/tiff", details: null } satisfies ErrorPayload;
          }
          return { object: { ...textObject(), label: request.label }, content_already_stored: false, text_note: "a scan without a text layer" };
        },
      },
      "en",
    );
    await screen.findByTestId("digital-table");
    fireEvent.click(screen.getByTestId("digital-attach"));
    const dialog = await screen.findByTestId("attach-dialog");
    expect(within(dialog).getByTestId("attach-file").textContent).toBe("bia.tif");
    fireEvent.click(within(dialog).getByTestId("attach-save"));
    expect((await within(dialog).findByTestId("attach-error")).textContent).toBe("Not saved. unsupported file type: image/tiff");
    fireEvent.click(within(dialog).getByTestId("attach-save"));
    await waitFor(() => expect(screen.queryByTestId("attach-dialog")).toBeNull());
    expect(screen.getByTestId("digital-status").textContent).toBe(
      "Attached “truyen-kieu.txt”. No text was extracted: a scan without a text layer",
    );
  });

  it("does nothing when the picker is closed", async () => {
    setup({ pickFile: async () => null });
    await screen.findByTestId("digital-table");
    fireEvent.click(screen.getByTestId("digital-attach"));
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId("attach-dialog")).toBeNull();
  });

  it("removes an object only with a reason, after asking", async () => {
    const removed: Array<[string, string]> = [];
    const s = setup({
      removeDigitalObject: async (id, reason) => {
        removed.push([id, reason]);
      },
    });
    await screen.findByTestId("digital-table");
    fireEvent.click(within(row(SCAN_ID)).getByTestId("digital-remove"));
    const dialog = await screen.findByTestId("remove-dialog");
    expect(document.activeElement).toBe(within(dialog).getByTestId("remove-cancel"));
    expect(dialog.textContent).toContain("“Bản quét 1998” sẽ bị gỡ khỏi biểu ghi.");
    fireEvent.click(within(dialog).getByTestId("remove-confirm"));
    expect(within(dialog).getByTestId("remove-reason-missing").textContent).toContain("Hãy ghi lý do");
    expect(removed).toEqual([]);
    await expectNoAxeViolations(s.container);
    fireEvent.change(within(dialog).getByTestId("remove-reason"), { target: { value: "Bản quét lỗi, đã quét lại" } });
    fireEvent.click(within(dialog).getByTestId("remove-confirm"));
    await waitFor(() => expect(screen.queryByTestId("remove-dialog")).toBeNull());
    expect(removed).toEqual([[SCAN_ID, "Bản quét lỗi, đã quét lại"]]);
    expect(screen.getAllByTestId("digital-row")).toHaveLength(3);
    expect(screen.getByTestId("digital-status").textContent).toBe("Đã gỡ “Bản quét 1998” khỏi biểu ghi.");
  });

  it("sets the object's own status and access with a reason, or returns it to the work's", async () => {
    const calls: unknown[][] = [];
    const s = setup({
      setObjectRights: async (id, status, access, reason) => {
        calls.push([id, status, access, reason]);
        const o = kieuObjects().find((x) => x.id === id)!;
        return { ...o, status, access: access ?? "open", rights_reason: reason };
      },
    });
    await screen.findByTestId("digital-table");
    fireEvent.click(within(row(AUDIO_ID)).getByTestId("digital-rights"));
    const dialog = await screen.findByTestId("object-rights-dialog");
    expect((within(dialog).getByTestId("object-rights-status") as HTMLSelectElement).value).toBe("InC");
    expect((within(dialog).getByTestId("object-rights-access") as HTMLSelectElement).value).toBe("staff");
    await expectNoAxeViolations(s.container);
    fireEvent.change(within(dialog).getByTestId("object-rights-access"), { target: { value: "premises" } });
    fireEvent.click(within(dialog).getByTestId("object-rights-save"));
    expect(within(dialog).getByTestId("object-rights-reason-missing")).toBeTruthy();
    fireEvent.change(within(dialog).getByTestId("object-rights-reason"), { target: { value: "Hợp đồng với đài cho phép nghe tại chỗ" } });
    fireEvent.click(within(dialog).getByTestId("object-rights-save"));
    await waitFor(() => expect(screen.queryByTestId("object-rights-dialog")).toBeNull());
    expect(calls).toEqual([[AUDIO_ID, "InC", "premises", "Hợp đồng với đài cho phép nghe tại chỗ"]]);
    expect(cell(AUDIO_ID, "digital-access")).toContain("Chỉ đọc tại thư viện");

    fireEvent.click(within(row(SCAN_ID)).getByTestId("digital-rights"));
    const again = await screen.findByTestId("object-rights-dialog");
    fireEvent.change(within(again).getByTestId("object-rights-status"), { target: { value: "" } });
    fireEvent.change(within(again).getByTestId("object-rights-reason"), { target: { value: "Theo tác phẩm" } });
    fireEvent.click(within(again).getByTestId("object-rights-save"));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toEqual([SCAN_ID, null, null, "Theo tác phẩm"]);
  });
});
