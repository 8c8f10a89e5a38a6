import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { REPORT, rightsApi } from "./fixtures";
import { RightsReportScreen } from "./RightsReportScreen";

function show(lang: Language, api: CatalogApi) {
  const onOpenRecord = vi.fn();
  const onReview = vi.fn();
  return { ...renderIn(lang, <RightsReportScreen api={api} onOpenRecord={onOpenRecord} onReview={onReview} />), onOpenRecord, onReview };
}

const rows = (testId: string) =>
  within(screen.getByTestId(testId))
    .getAllByRole("row")
    .slice(1)
    .map((r) => [...r.querySelectorAll("th, td")].map((c) => (c.textContent ?? "").trim()));

describe("rights report", () => {
  it("shows the counts, both charts' tables and next year's works, in English, axe-clean", async () => {
    const { container, onOpenRecord, onReview } = show("en", rightsApi());
    await screen.findByTestId("rights-report-cards");
    expect(screen.getByTestId("rights-report-as-of").textContent).toBe("As of June 15, 2025 (vn rules), 120 works");
    expect(screen.getByTestId("rights-report-not-evaluated").textContent).toBe("25 Not evaluated");
    expect(screen.getByTestId("rights-report-undetermined").textContent).toBe("15 Undetermined");
    expect(rows("rights-report-by-status-table")).toEqual([
      ["Public Domain", "30"],
      ["In Copyright", "50"],
      ["Copyright Not Evaluated", "25"],
      ["Copyright Undetermined", "15"],
    ]);
    const years = rows("rights-report-by-year-table");
    expect(years).toHaveLength(10);
    expect(years[0]).toEqual(["2026", "2"]);
    expect(years[3]).toEqual(["2029", "5"]);
    const entering = screen.getByTestId("rights-report-entering");
    expect(within(entering).getByRole("heading").textContent).toBe("Entering the public domain on January 1, 2026");
    fireEvent.click(within(entering).getByRole("button", { name: "Số đỏ" }));
    expect(onOpenRecord).toHaveBeenCalledWith("r7");
    fireEvent.click(screen.getByTestId("rights-report-review"));
    expect(onReview).toHaveBeenCalled();
    await expectNoAxeViolations(container);
  });

  it("speaks Vietnamese and asks for another day", async () => {
    const rightsReport = vi.fn(async (asOf: string | null) => ({ ...REPORT, as_of: asOf ?? REPORT.as_of }));
    const { container } = show("vi", { ...rightsApi(), rightsReport });
    await screen.findByTestId("rights-report-cards");
    expect(screen.getByTestId("rights-report-as-of").textContent).toBe("Tính đến 15 tháng 6, 2025 (quy tắc vn), 120 tác phẩm");
    expect(rows("rights-report-by-status-table")[0]).toEqual(["Thuộc phạm vi công cộng", "30"]);
    await expectNoAxeViolations(container);
    fireEvent.change(screen.getByLabelText("Tính đến ngày"), { target: { value: "2030-12-31" } });
    fireEvent.click(screen.getByTestId("rights-report-apply"));
    await waitFor(() => expect(rightsReport).toHaveBeenLastCalledWith("2030-12-31"));
  });

  it("exports the CSV where the librarian chooses, and says where; a cancelled choice does nothing", async () => {
    const api = rightsApi();
    const exportRightsReport = vi.fn(async () => {});
    let answer: string | null = null;
    const pickFile = vi.fn(async () => answer);
    show("en", { ...api, exportRightsReport, pickFile });
    await screen.findByTestId("rights-report-cards");
    fireEvent.click(screen.getByTestId("rights-report-export"));
    await waitFor(() => expect(pickFile).toHaveBeenCalledWith("save", "shelfmark-rights-2025-06-15.csv"));
    expect(exportRightsReport).not.toHaveBeenCalled();
    answer = "/home/thuvien/quyền.csv";
    fireEvent.click(screen.getByTestId("rights-report-export"));
    await waitFor(() => expect(exportRightsReport).toHaveBeenCalledWith(null, "/home/thuvien/quyền.csv"));
    expect(screen.getByTestId("rights-report-export-status").textContent).toBe("Saved to /home/thuvien/quyền.csv");
  });

  it("shows a failed export and a failed load with core's words", async () => {
    const api = rightsApi();
    show("en", {
      ...api,
      pickFile: async () => "/x.csv",
      exportRightsReport: () => Promise.reject({ code: "storage", message: "read-only disk", details: null }),
    });
    await screen.findByTestId("rights-report-cards");
    fireEvent.click(screen.getByTestId("rights-report-export"));
    expect((await screen.findByTestId("rights-report-export-error")).textContent).toContain("read-only disk");
  });

  it("says so when no work enters the public domain next year", async () => {
    show("en", { ...rightsApi(), rightsReport: async () => ({ ...REPORT, entering_public_domain: [] }) });
    expect((await screen.findByTestId("rights-report-entering")).textContent).toContain("No work enters the public domain on January 1, 2026.");
  });
});
