import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { rightsApi, UND_EN, UND_VI } from "./fixtures";
import { ReviewScreen } from "./ReviewScreen";

function show(lang: Language, api: CatalogApi, pageSize = 10) {
  const onOpenRecord = vi.fn();
  const onError = vi.fn();
  const result = renderIn(lang, <ReviewScreen api={api} onOpenRecord={onOpenRecord} onError={onError} pageSize={pageSize} />);
  return { ...result, onOpenRecord, onError };
}

const titles = () =>
  within(screen.getByTestId("rights-table"))
    .getAllByRole("row")
    .slice(1)
    .map((r) => within(r).getAllByRole("button")[0]!.textContent);

const box = (id: string) => screen.getByTestId(`rights-select-${id}`) as HTMLInputElement;

describe("review queue", () => {
  it("lists works most borrowed first with status, why and loans, in English and with no axe violations", async () => {
    const { container } = show("en", rightsApi(30));
    await screen.findByTestId("rights-table");
    expect(screen.getByTestId("rights-total").textContent).toBe("30 works to review. Showing 1–10 of 30");
    expect(titles()[0]).toBe("Truyện Kiều");
    const row3 = screen.getByTestId("rights-row-r3");
    expect(row3.textContent).toContain("Copyright Undetermined");
    expect(row3.textContent).toContain(UND_EN);
    expect(screen.getByTestId("rights-row-r1").textContent).toContain("Not evaluated");
    await expectNoAxeViolations(container);
  });

  it("speaks Vietnamese, filters and sorts, and pages", async () => {
    const query = vi.fn();
    const api = rightsApi(30);
    const inner = api.rightsReviewQueue;
    const { container } = show("vi", { ...api, rightsReviewQueue: (q) => (query(q), inner(q)) });
    await screen.findByTestId("rights-table");
    expect(screen.getByTestId("rights-row-r3").textContent).toContain("Chưa xác định được quyền tác giả");
    expect(screen.getByTestId("rights-row-r3").textContent).toContain(UND_VI);
    expect(screen.getByTestId("rights-row-r1").textContent).toContain("Chưa đánh giá");
    await expectNoAxeViolations(container);

    fireEvent.click(screen.getByTestId("rights-next"));
    await waitFor(() => expect(query).toHaveBeenLastCalledWith({ filter: "needs_review", sort: "most_borrowed", offset: 10, limit: 10 }));
    await waitFor(() => expect(screen.getByTestId("rights-total").textContent).toContain("11–20"));

    fireEvent.change(screen.getByLabelText("Hiển thị"), { target: { value: "undetermined" } });
    await waitFor(() => expect(query).toHaveBeenLastCalledWith({ filter: "undetermined", sort: "most_borrowed", offset: 0, limit: 10 }));
    await waitFor(() => expect(screen.getByTestId("rights-total").textContent).toContain("10 tác phẩm"));
    fireEvent.change(screen.getByLabelText("Thứ tự"), { target: { value: "title" } });
    await waitFor(() => expect(query).toHaveBeenLastCalledWith({ filter: "undetermined", sort: "title", offset: 0, limit: 10 }));
  });

  it("selects one, a shift-click range, a page, and by keyboard", async () => {
    show("en", rightsApi(30));
    await screen.findByTestId("rights-table");
    fireEvent.click(box("r2"));
    fireEvent.click(box("r5"), { shiftKey: true });
    expect(["r2", "r3", "r4", "r5"].every((id) => box(id).checked)).toBe(true);
    expect(box("r1").checked).toBe(false);
    expect(screen.getByTestId("rights-selected").textContent).toBe("4 works selected");
    const all = screen.getByTestId("rights-select-page") as HTMLInputElement;
    expect(all.indeterminate).toBe(true);
    fireEvent.click(all);
    expect(screen.getByTestId("rights-selected").textContent).toBe("10 works selected");
    expect(all.checked).toBe(true);
    fireEvent.click(all);
    expect(screen.getByTestId("rights-selected").textContent).toBe("0 works selected");

    // Keyboard: arrows move between rows, Shift+Space selects the range from the last one.
    box("r1").focus();
    fireEvent.click(box("r1"));
    fireEvent.keyDown(box("r1"), { key: "ArrowDown" });
    expect(document.activeElement).toBe(box("r2"));
    fireEvent.keyDown(box("r2"), { key: "ArrowDown" });
    fireEvent.keyDown(box("r3"), { key: " ", shiftKey: true });
    expect(screen.getByTestId("rights-selected").textContent).toBe("3 works selected");
  });

  it("opens a work's record", async () => {
    const { onOpenRecord } = show("en", rightsApi(5));
    fireEvent.click(await screen.findByRole("button", { name: "Open “Truyện Kiều”" }));
    expect(onOpenRecord).toHaveBeenCalledWith("r1");
  });

  it("determines the selected works with a reason, then refreshes and says how many changed", async () => {
    const api = rightsApi(12);
    const setRightsStatus = vi.fn(api.setRightsStatus);
    show("en", { ...api, setRightsStatus });
    await screen.findByTestId("rights-table");
    fireEvent.click(box("r1"));
    fireEvent.click(box("r2"));
    fireEvent.click(screen.getByTestId("rights-determine"));
    const dialog = screen.getByTestId("rights-dialog");
    expect(within(dialog).getByRole("heading", { level: 2 }).textContent).toBe("Determine the status of 2 works");
    fireEvent.click(within(dialog).getByTestId("rights-status-NoC-US"));
    fireEvent.change(within(dialog).getByLabelText("Access level"), { target: { value: "premises" } });
    fireEvent.change(within(dialog).getByLabelText("Reason"), { target: { value: "  published in the US before 1930 " } });
    fireEvent.click(within(dialog).getByTestId("rights-dialog-confirm"));
    await waitFor(() => expect(screen.queryByTestId("rights-dialog")).toBeNull());
    expect(setRightsStatus).toHaveBeenCalledWith({
      record_ids: ["r1", "r2"],
      status: "NoC-US",
      access: "premises",
      reason: "published in the US before 1930",
    });
    expect(screen.getByTestId("rights-message").textContent).toBe(
      "2 works determined; 2 changed. Results: No Copyright - United States (2).",
    );
    await waitFor(() => expect(screen.getByTestId("rights-total").textContent).toContain("10 works to review"));
    expect(screen.queryByTestId("rights-row-r1")).toBeNull();
    expect(screen.getByTestId("rights-selected").textContent).toBe("0 works selected");
  });

  it("evaluates the selected works, or all, by the rules and shows the summary", async () => {
    const api = rightsApi(12);
    const computeRights = vi.fn(api.computeRights);
    show("vi", { ...api, computeRights });
    await screen.findByTestId("rights-table");
    expect((screen.getByTestId("rights-evaluate-selected") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(box("r4"));
    fireEvent.click(screen.getByTestId("rights-evaluate-selected"));
    await waitFor(() => expect(computeRights).toHaveBeenLastCalledWith(["r4"]));
    await waitFor(() =>
      expect(screen.getByTestId("rights-message").textContent).toBe(
        "Quy tắc đã đánh giá 1 tác phẩm; 1 thay đổi. Kết quả: Còn bảo hộ quyền tác giả (1).",
      ),
    );
    fireEvent.click(screen.getByTestId("rights-evaluate-all"));
    await waitFor(() => expect(computeRights).toHaveBeenLastCalledWith(null));
    await waitFor(() => expect(screen.getByTestId("rights-message").textContent).toContain("12 tác phẩm"));
  });

  it("shows a failure with core's words and tries again", async () => {
    const api = rightsApi(3);
    let fail = true;
    const inner = api.rightsReviewQueue;
    show("en", {
      ...api,
      rightsReviewQueue: (q) => (fail ? Promise.reject({ code: "storage", message: "disk full", details: null }) : inner(q)),
    });
    const error = await screen.findByTestId("rights-review-error");
    expect(error.textContent).toContain("disk full");
    fail = false;
    fireEvent.click(screen.getByTestId("rights-retry"));
    await screen.findByTestId("rights-table");
  });

  it("says so when nothing needs review", async () => {
    show("en", rightsApi(0));
    expect((await screen.findByTestId("rights-empty")).textContent).toBe("No work needs review here.");
  });
});
