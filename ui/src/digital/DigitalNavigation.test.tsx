import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CatalogApi } from "../api";
import { App } from "../App";
import { createI18n } from "../i18n";
import { memoryApi } from "../memoryApi";
import { hanoiBranches, kieuDetail, kieuHistory } from "../record/fixtures";
import { EPUB_ID, kieuHit, kieuObjects, KIEU_OPENING, opened } from "./fixtures";

function api(): CatalogApi {
  return {
    ...memoryApi(5),
    recordDetail: async (id) => ({ ...kieuDetail(), id }),
    recordHistory: async () => kieuHistory(),
    branches: async () => hanoiBranches(),
    digitalObjects: async () => kieuObjects(),
    openDigitalObject: async (id) => opened(id),
    digitalText: async (_id, part) => ({ index: part, label: `Phần ${part}`, text: part === 0 ? KIEU_OPENING : `Văn bản phần ${part}.` }),
    searchFullText: async () => ({ total: 1, hits: [kieuHit({ object_id: EPUB_ID, kind: "epub", excerpts: [{ part: 2, part_label: "Phần thứ hai", segments: [{ text: "Kiều", highlighted: true }] }] })] }),
  };
}

describe("the digital collection in the app", () => {
  it("opens a record's digital copy from its Digital copies tab, and Esc goes back to the record", async () => {
    render(<App api={api()} i18n={createI18n("vi")} initialView={{ name: "record", id: "rec-1" }} />);
    fireEvent.click(await screen.findByTestId("record-tab-digital"));
    expect(screen.getByTestId("record-tab-digital").textContent).toBe("Tài liệu số");
    const panel = screen.getByTestId("record-panel-digital");
    const rows = await within(panel).findAllByTestId("digital-row");
    fireEvent.click(within(rows.find((r) => r.dataset.object === EPUB_ID)!).getByTestId("digital-open"));
    await screen.findByTestId("text-reader");
    fireEvent.keyDown(window, { key: "Escape" });
    await screen.findByTestId("record-view");
    expect(screen.queryByTestId("viewer-screen")).toBeNull();
  });

  it("searches the full text from the navigation and opens a hit at its part", async () => {
    render(<App api={api()} i18n={createI18n("en")} />);
    const nav = await screen.findByTestId("nav-fulltext");
    expect(nav).toBe(screen.getByRole("button", { name: "Digital collection" }));
    expect(nav.title).toBe("Full-text search in the digital collection");
    fireEvent.click(nav);
    expect(nav.getAttribute("aria-current")).toBe("page");
    fireEvent.change(await screen.findByTestId("fulltext-box"), { target: { value: "Kiều" } });
    fireEvent.click(await screen.findByTestId("fulltext-open-part"));
    await waitFor(() => expect(screen.getByTestId("text-part").textContent).toBe("Văn bản phần 2."));
    expect(screen.getByTestId("text-part-title").textContent).toBe("Phần thứ hai: Gia biến và lưu lạc");
    // The viewer is under the digital collection in the header too.
    expect(nav.getAttribute("aria-current")).toBe("page");
  });
});
