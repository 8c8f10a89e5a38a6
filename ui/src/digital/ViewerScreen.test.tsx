import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { STAFF_READER, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { kieuDetail } from "../record/fixtures";
import {
  allowedStaff,
  COVER_ID,
  EPUB_ID,
  KIEU_ID,
  KIEU_OPENING,
  opened,
  refusedNotRegistered,
  refusedStaffOnly,
  TEXT_ID,
} from "./fixtures";
import { expectNoAxeViolations, renderIn } from "./testing";
import { ViewerScreen } from "./ViewerScreen";

function setup(objectId: string, overrides: Partial<CatalogApi> = {}, lang: Language = "vi", part?: number) {
  const openCalls: ReaderRequest[] = [];
  const textCalls: Array<[number, ReaderRequest]> = [];
  const api: CatalogApi = {
    ...memoryApi(0),
    recordDetail: async () => kieuDetail(),
    openDigitalObject: async (id, reader) => {
      openCalls.push(reader);
      return opened(id);
    },
    digitalText: async (_id, p, reader) => {
      textCalls.push([p, reader]);
      return { index: p, label: `Phần ${p}`, text: p === 0 ? KIEU_OPENING : `Văn bản phần ${p}.` };
    },
    ...overrides,
  };
  const onBack = vi.fn();
  const view = renderIn(<ViewerScreen api={api} objectId={objectId} recordId={KIEU_ID} part={part} onBack={onBack} />, lang);
  return { ...view, api, onBack, openCalls, textCalls };
}

describe("refused", () => {
  it("says it cannot be opened, the level and why in Vietnamese, and shows no content", async () => {
    const s = setup(EPUB_ID, { openDigitalObject: async (id) => opened(id, refusedStaffOnly) });
    const panel = await screen.findByTestId("viewer-refused");
    expect(panel.textContent).toContain("Không mở được tài liệu số này.");
    expect(screen.getByTestId("viewer-refused-level").textContent).toBe("Chỉ cán bộ thư viện");
    expect(screen.getByTestId("viewer-refused-explanation").textContent).toBe(refusedStaffOnly.explanation_vi);
    expect(screen.getByTestId("viewer-refused-citation").textContent).toBe("Luật Sở hữu trí tuệ, Điều 25");
    expect(screen.queryByTestId("viewer-content")).toBeNull();
    expect(s.container.querySelector("img, canvas, audio, article")).toBeNull();
    await expectNoAxeViolations(s.container);
  });

  it("speaks English when the app does, without a legal basis when there is none", async () => {
    const s = setup(EPUB_ID, { openDigitalObject: async (id) => opened(id, refusedNotRegistered) }, "en");
    await screen.findByTestId("viewer-refused");
    expect(screen.getByTestId("viewer-refused-level").textContent).toBe("Registered readers only");
    expect(screen.getByTestId("viewer-refused-explanation").textContent).toBe(refusedNotRegistered.explanation_en);
    expect(screen.queryByTestId("viewer-refused-citation")).toBeNull();
    await expectNoAxeViolations(s.container);
  });

  it("treats an access_denied rejection carrying the decision as a refusal", async () => {
    const error: ErrorPayload = { code: "access_denied", message: "denied", details: JSON.stringify(refusedNotRegistered) };
    setup(EPUB_ID, {
      openDigitalObject: async () => {
        throw error;
      },
    });
    expect((await screen.findByTestId("viewer-refused")).dataset.basis).toBe("not_registered");
  });

  it("reports a missing object without a retry, and another failure with one", async () => {
    let calls = 0;
    setup(EPUB_ID, {
      openDigitalObject: async (id) => {
        calls++;
        if (calls === 1) throw { code: "storage", message: "disk unreadable", details: null } satisfies ErrorPayload;
        return opened(id);
      },
    });
    const error = await screen.findByTestId("viewer-error");
    expect(error.textContent).toContain("Không mở được tài liệu số.");
    fireEvent.click(screen.getByTestId("viewer-retry"));
    await screen.findByTestId("text-reader");
  });
});

describe("view as", () => {
  it("opens as staff first, then asks again as a reader's card away from the library", async () => {
    const calls: ReaderRequest[] = [];
    const s = setup(EPUB_ID, {
      openDigitalObject: async (id, reader) => {
        calls.push(reader);
        return reader.role === "staff" ? opened(id) : opened(id, refusedNotRegistered);
      },
    });
    await screen.findByTestId("text-reader");
    expect(calls).toEqual([STAFF_READER]);

    fireEvent.click(screen.getByTestId("viewer-view-as-patron"));
    fireEvent.click(screen.getByTestId("viewer-view-as-apply"));
    expect(screen.getByTestId("viewer-view-as").textContent).toContain("Hãy nhập số thẻ bạn đọc.");

    fireEvent.change(screen.getByTestId("viewer-view-as-card"), { target: { value: " HN000123 " } });
    fireEvent.click(screen.getByTestId("viewer-view-as-apply"));
    await screen.findByTestId("viewer-refused");
    expect(calls[1]).toEqual({ role: "patron", card: "HN000123", on_premises: false });
    expect(screen.getByTestId("viewer-viewing-as").textContent).toBe("Đang xem như bạn đọc có thẻ HN000123, ở ngoài thư viện.");
    expect(screen.queryByTestId("text-reader")).toBeNull();
    await expectNoAxeViolations(s.container);

    fireEvent.click(screen.getByTestId("viewer-view-as-anonymous"));
    fireEvent.click(screen.getByTestId("viewer-view-as-premises"));
    fireEvent.click(screen.getByTestId("viewer-view-as-apply"));
    await waitFor(() => expect(calls[2]).toEqual({ role: "anonymous", card: null, on_premises: true }));
  });
});

describe("image", () => {
  it("shows the scan with the work's title as alt text and zooms by buttons and keys", async () => {
    const s = setup(COVER_ID);
    const img = (await screen.findByTestId("image-content")) as HTMLImageElement;
    expect(img.getAttribute("src")).toBe(`shelfmark-content://localhost/${COVER_ID}`);
    await waitFor(() => expect(img.alt).toBe("Truyện Kiều — Ảnh bìa"));
    expect(screen.getByTestId("zoom-level").textContent).toBe("Vừa khung");
    fireEvent.click(screen.getByTestId("zoom-in"));
    expect(img.style.width).toBe("125%");
    expect(screen.getByTestId("zoom-level").textContent).toBe("Cỡ hiển thị 125 %");
    const stage = screen.getByTestId("image-stage");
    fireEvent.keyDown(stage, { key: "+" });
    expect(img.style.width).toBe("150%");
    fireEvent.keyDown(stage, { key: "-" });
    fireEvent.keyDown(stage, { key: "-" });
    expect(img.style.width).toBe("100%");
    fireEvent.keyDown(stage, { key: "-" });
    expect(img.style.width).toBe("75%");
    fireEvent.keyDown(stage, { key: "0" });
    expect(img.style.width).toBe("100%");
    expect(screen.getByTestId("zoom-fit").getAttribute("aria-pressed")).toBe("true");
    await expectNoAxeViolations(s.container);
    s.switchTo("en");
    expect(screen.getByTestId("zoom-level").textContent).toBe("Fitted to the window");
    await expectNoAxeViolations(s.container);
  });
});

describe("e-book and text", () => {
  it("reads the parts from a table of contents, with a font size the reader sets", async () => {
    const s = setup(EPUB_ID);
    const column = await screen.findByTestId("text-column");
    await waitFor(() => expect(within(column).getByTestId("text-part").textContent).toContain("Trăm năm trong cõi người ta,"));
    // Blank lines divide paragraphs; a single line break joins verses of one.
    expect(within(column).getByTestId("text-part").querySelectorAll("p")).toHaveLength(2);
    expect(s.textCalls[0]).toEqual([0, STAFF_READER]);

    const entries = screen.getAllByTestId("text-toc-entry");
    expect(entries.map((e) => e.textContent)).toEqual([
      "Lời giới thiệu",
      "Phần thứ nhất: Gặp gỡ và đính ước",
      "Phần thứ hai: Gia biến và lưu lạc",
    ]);
    expect(entries[0]!.getAttribute("aria-current")).toBe("true");
    fireEvent.click(entries[2]!);
    await waitFor(() => expect(screen.getByTestId("text-part").textContent).toBe("Văn bản phần 2."));
    expect(screen.getByTestId("text-part-title").textContent).toBe("Phần thứ hai: Gia biến và lưu lạc");
    expect(document.activeElement).toBe(screen.getByTestId("text-part-title"));
    expect(screen.getAllByTestId("text-toc-entry")[2]!.getAttribute("aria-current")).toBe("true");
    expect((screen.getByTestId("text-next") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("text-prev"));
    await waitFor(() => expect(screen.getByTestId("text-part").textContent).toBe("Văn bản phần 1."));

    fireEvent.click(screen.getByTestId("text-larger"));
    expect(column.style.fontSize).toBe("115%");
    expect(screen.getByTestId("text-font-size").textContent).toBe("Cỡ chữ 115 %");
    await expectNoAxeViolations(s.container);
    s.switchTo("en");
    expect(screen.getByTestId("text-font-size").textContent).toBe("Text size 115 %");
    await expectNoAxeViolations(s.container);
  });

  it("opens at the part a full-text hit names", async () => {
    setup(EPUB_ID, {}, "vi", 1);
    await waitFor(() => expect(screen.getByTestId("text-part").textContent).toBe("Văn bản phần 1."));
    expect(screen.getByTestId("text-part-title").textContent).toBe("Phần thứ nhất: Gặp gỡ và đính ước");
  });

  it("shows a plain text in English, and a refusal of the text itself", async () => {
    const s = setup(
      TEXT_ID,
      {
        digitalText: async () => {
          throw { code: "access_denied", message: "", details: JSON.stringify(refusedNotRegistered) } satisfies ErrorPayload;
        },
      },
      "en",
    );
    const refused = await screen.findByTestId("text-part-refused");
    expect(refused.textContent).toContain(refusedNotRegistered.explanation_en);
    await expectNoAxeViolations(s.container);
  });

  it("says so when no text could be extracted", async () => {
    setup(EPUB_ID, { openDigitalObject: async (id) => ({ ...opened(id, allowedStaff), text_parts: [] }) });
    expect((await screen.findByTestId("text-reader-empty")).textContent).toContain("Không trích được văn bản");
  });
});
