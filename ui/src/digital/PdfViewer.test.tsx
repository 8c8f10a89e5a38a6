import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { STAFF_READER, type CatalogApi } from "../api";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { kieuDetail } from "../record/fixtures";
import { KIEU_ID, KIEU_OPENING, objectById, opened, SCAN_ID } from "./fixtures";
import { expectNoAxeViolations, renderIn } from "./testing";
import { ViewerScreen } from "./ViewerScreen";

// pdf.js cannot draw in jsdom: the module boundary is replaced by a document that records renders.
const pdf = vi.hoisted(() => ({
  opened: [] as string[],
  renders: [] as Array<{ page: number; zoom: number }>,
  destroyed: 0,
  fail: false,
}));
vi.mock("./pdf", () => ({
  openPdf: async (url: string) => {
    pdf.opened.push(url);
    if (pdf.fail) throw new Error("Invalid PDF structure.");
    return {
      pageCount: 120,
      pageSize: async () => ({ width: 595, height: 842 }),
      render: async (page: number, _canvas: HTMLCanvasElement, zoom: number) => {
        pdf.renders.push({ page, zoom });
      },
      destroy: () => {
        pdf.destroyed++;
      },
    };
  },
}));

beforeEach(() => {
  pdf.opened = [];
  pdf.renders = [];
  pdf.destroyed = 0;
  pdf.fail = false;
});

function setup(overrides: Partial<CatalogApi> = {}, lang: Language = "vi", part?: number) {
  const textCalls: number[] = [];
  const api: CatalogApi = {
    ...memoryApi(0),
    recordDetail: async () => kieuDetail(),
    openDigitalObject: async (id) => opened(id),
    digitalText: async (_id, p, reader) => {
      expect(reader).toEqual(STAFF_READER);
      textCalls.push(p);
      return { index: p, label: `Trang ${p + 1}`, text: p === 0 ? KIEU_OPENING : `Văn bản trang ${p + 1}.` };
    },
    ...overrides,
  };
  const view = renderIn(<ViewerScreen api={api} objectId={SCAN_ID} recordId={KIEU_ID} part={part} onBack={() => {}} />, lang);
  return { ...view, textCalls };
}

const lastRender = () => pdf.renders.at(-1);
const canvas = () => screen.getByTestId("pdf-canvas");

describe("the PDF viewer", () => {
  it("draws the first page fitted, with the page's text beside it for screen readers", async () => {
    const s = setup();
    await waitFor(() => expect(lastRender()).toEqual({ page: 1, zoom: 1 }));
    expect(pdf.opened).toEqual([`shelfmark-content://localhost/${SCAN_ID}`]);
    await waitFor(() => expect(screen.getByTestId("pdf-page-text").textContent).toContain("Trăm năm trong cõi người ta,"));
    expect(s.textCalls).toEqual([0]);
    expect(canvas().getAttribute("aria-label")).toBe("Truyện Kiều, trang 1 trên 120");
    expect(screen.getByTestId("pdf-page-status").textContent).toBe("Trang 1 trên 120");
    await expectNoAxeViolations(s.container);
    s.switchTo("en");
    expect(canvas().getAttribute("aria-label")).toBe("Truyện Kiều, page 1 of 120");
    await expectNoAxeViolations(s.container);
  });

  it("turns pages by buttons, PageUp/PageDown, Home/End and the page box", async () => {
    const s = setup();
    await waitFor(() => expect(lastRender()?.page).toBe(1));
    expect((screen.getByTestId("pdf-prev") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("pdf-next"));
    await waitFor(() => expect(lastRender()?.page).toBe(2));
    await waitFor(() => expect(screen.getByTestId("pdf-page-text").textContent).toBe("Văn bản trang 2."));

    const stage = screen.getByTestId("pdf-stage");
    fireEvent.keyDown(stage, { key: "PageDown" });
    await waitFor(() => expect(lastRender()?.page).toBe(3));
    fireEvent.keyDown(stage, { key: "PageUp" });
    await waitFor(() => expect(lastRender()?.page).toBe(2));
    fireEvent.keyDown(stage, { key: "End" });
    await waitFor(() => expect(lastRender()?.page).toBe(120));
    expect((screen.getByTestId("pdf-next") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(stage, { key: "PageDown" });
    fireEvent.keyDown(stage, { key: "Home" });
    await waitFor(() => expect(lastRender()?.page).toBe(1));

    const box = screen.getByTestId("pdf-page-input") as HTMLInputElement;
    fireEvent.change(box, { target: { value: "57" } });
    fireEvent.keyDown(box, { key: "Enter" });
    await waitFor(() => expect(lastRender()?.page).toBe(57));
    // PageDown works from the page box too.
    fireEvent.keyDown(box, { key: "PageDown" });
    await waitFor(() => expect(box.value).toBe("58"));

    fireEvent.change(box, { target: { value: "500" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(screen.getByTestId("pdf-page-error").textContent).toBe("Hãy nhập số trang từ 1 đến 120.");
    expect(box.getAttribute("aria-invalid")).toBe("true");
    expect(lastRender()?.page).toBe(58);
    await expectNoAxeViolations(s.container);
    expect(s.textCalls).toContain(57);
  });

  it("zooms in steps and back to the width of the window", async () => {
    setup();
    await waitFor(() => expect(lastRender()).toEqual({ page: 1, zoom: 1 }));
    fireEvent.click(screen.getByTestId("zoom-in"));
    await waitFor(() => expect(lastRender()?.zoom).toBe(1.25));
    expect(screen.getByTestId("zoom-level").textContent).toBe("Cỡ hiển thị 125 %");
    fireEvent.keyDown(screen.getByTestId("pdf-stage"), { key: "+" });
    await waitFor(() => expect(lastRender()?.zoom).toBe(1.5));
    fireEvent.click(screen.getByTestId("zoom-out"));
    await waitFor(() => expect(lastRender()?.zoom).toBe(1.25));
    fireEvent.click(screen.getByTestId("zoom-fit"));
    await waitFor(() => expect(lastRender()?.zoom).toBe(1));
    expect(screen.getByTestId("zoom-fit").getAttribute("aria-pressed")).toBe("true");
  });

  it("opens at the page of a full-text hit and hides the text view on request", async () => {
    const s = setup({}, "vi", 11);
    await waitFor(() => expect(lastRender()?.page).toBe(12));
    expect(s.textCalls).toEqual([11]);
    fireEvent.click(screen.getByTestId("pdf-text-toggle"));
    expect(screen.queryByTestId("pdf-text")).toBeNull();
    expect(screen.getByTestId("pdf-text-toggle").getAttribute("aria-pressed")).toBe("false");
  });

  it("says when a scan has no text layer, and when the file cannot be read", async () => {
    const scan = { ...objectById(SCAN_ID), has_text: false };
    const s = setup({ openDigitalObject: async (id) => ({ ...opened(id), object: scan }) }, "en");
    expect((await screen.findByTestId("pdf-no-text")).textContent).toContain("no text layer");
    expect(s.textCalls).toEqual([]);
    s.unmount();
    expect(pdf.destroyed).toBe(1);

    pdf.fail = true;
    setup();
    expect((await screen.findByTestId("pdf-error")).textContent).toBe("Không đọc được tệp PDF. Invalid PDF structure.");
  });
});
