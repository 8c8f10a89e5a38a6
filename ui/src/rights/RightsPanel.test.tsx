import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { determination, recordRights, rightsApi } from "./fixtures";
import { RightsPanel } from "./RightsPanel";

function show(lang: Language, api: CatalogApi) {
  const onChanged = vi.fn();
  return { ...renderIn(lang, <RightsPanel api={api} recordId="r1" onChanged={onChanged} />), onChanged };
}

const decided = recordRights({
  current: determination({
    id: "d3",
    status: "InC-EDU",
    status_uri: "http://rightsstatements.org/vocab/InC-EDU/1.0/",
    access: "premises",
    rule: "override",
    basis: "override",
    citation: "",
    explanation_en: "Decided by lan: licence 2024.",
    explanation_vi: "Do lan quyết định: giấy phép 2024.",
    decided_by: "lan",
    overridden_reason: "licence from the heirs, 2024",
  }),
  history: [determination({ id: "d2", decided_by: "rules" })],
  access: "premises",
});

describe("rights tab", () => {
  it("shows the decision, its link, the facts, what the rules say and the history, in English, axe-clean", async () => {
    const { container } = show("en", { ...rightsApi(), recordRights: async () => decided });
    const current = await screen.findByTestId("rights-panel-current");
    const link = within(current).getByRole("link", { name: "In Copyright - Educational Use Permitted" });
    expect(link.getAttribute("href")).toBe("http://rightsstatements.org/vocab/InC-EDU/1.0/");
    expect(screen.getByTestId("rights-panel-access").textContent).toBe("On the library's premises");
    expect(screen.getByTestId("rights-panel-explanation").textContent).toBe("Decided by lan: licence 2024.");
    expect(screen.getByTestId("rights-panel-overridden").textContent).toBe("licence from the heirs, 2024");
    expect(screen.getByTestId("rights-panel-decided").textContent).toMatch(/^lan, /);
    expect(screen.getByTestId("rights-panel-inputs").textContent).toContain("Nguyễn Du (died 1820)");
    expect(screen.getByTestId("rights-panel-inputs").textContent).toContain("1866");
    const differs = screen.getByTestId("rights-panel-differs");
    expect(differs.textContent).toContain("The rules say: Public Domain.");
    expect(screen.getByTestId("rights-panel-history").textContent).toContain("Public Domain · Open to everyone · the rules");
    await expectNoAxeViolations(container);
  });

  it("a work never evaluated shows what the rules say today, in Vietnamese, axe-clean", async () => {
    const { container } = show("vi", { ...rightsApi(), recordRights: async () => recordRights({ current: null }) });
    expect((await screen.findByTestId("rights-panel-not-evaluated")).textContent).toContain("Chưa ai đánh giá");
    expect(screen.getByTestId("rights-panel-status").textContent).toBe("Thuộc phạm vi công cộng");
    expect(screen.getByTestId("rights-panel-explanation").textContent).toBe("Tác giả mất năm 1820; hết bảo hộ từ 1871.");
    expect(screen.getByTestId("rights-panel-inputs").textContent).toContain("Nguyễn Du (mất năm 1820)");
    expect(screen.queryByTestId("rights-panel-differs")).toBeNull();
    await expectNoAxeViolations(container);
  });

  it("sets the status with a reason and reloads", async () => {
    const api = rightsApi();
    const setRightsStatus = vi.fn(api.setRightsStatus);
    const recordRightsFn = vi.fn(async () => decided);
    const { onChanged } = show("en", { ...api, setRightsStatus, recordRights: recordRightsFn });
    fireEvent.click(await screen.findByTestId("rights-panel-set-status"));
    const dialog = screen.getByTestId("rights-dialog");
    expect((within(dialog).getByTestId("rights-status-InC-EDU") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(dialog).getByTestId("rights-status-PublicDomain"));
    fireEvent.change(within(dialog).getByLabelText("Reason"), { target: { value: "author died 1820" } });
    fireEvent.click(within(dialog).getByTestId("rights-dialog-confirm"));
    await waitFor(() => expect(screen.getByTestId("rights-panel-message").textContent).toBe("Saved: Public Domain."));
    expect(setRightsStatus).toHaveBeenCalledWith({ record_ids: ["r1"], status: "PublicDomain", access: null, reason: "author died 1820" });
    expect(onChanged).toHaveBeenCalled();
    await waitFor(() => expect(recordRightsFn).toHaveBeenCalledTimes(2));
  });

  it("sets the access level, or returns it to following the status, with a reason", async () => {
    const setAccessLevel = vi.fn(async (_id: string, access: string | null) =>
      determination({ access: (access ?? "open") as "open" }),
    );
    show("vi", { ...rightsApi(), setAccessLevel, recordRights: async () => decided });
    fireEvent.click(await screen.findByTestId("rights-panel-set-access"));
    const dialog = screen.getByTestId("rights-dialog");
    expect(within(dialog).queryByTestId("rights-status-InC")).toBeNull();
    fireEvent.change(within(dialog).getByLabelText("Mức truy cập"), { target: { value: "" } });
    fireEvent.change(within(dialog).getByLabelText("Lý do"), { target: { value: "đã kiểm tra bản quét" } });
    fireEvent.click(within(dialog).getByTestId("rights-dialog-confirm"));
    await waitFor(() => expect(setAccessLevel).toHaveBeenCalledWith("r1", null, "đã kiểm tra bản quét"));
    await waitFor(() => expect(screen.getByTestId("rights-panel-message").textContent).toBe("Đã lưu mức truy cập: Mở cho mọi người."));
  });

  it("re-evaluates by the rules and says what came out", async () => {
    const api = rightsApi();
    const computeRights = vi.fn(async () => ({ records: 1, changed: 0, by_status: [{ status: "InC" as const, count: 1 }] }));
    show("en", { ...api, computeRights });
    fireEvent.click(await screen.findByTestId("rights-panel-evaluate"));
    await waitFor(() => expect(screen.getByTestId("rights-panel-message").textContent).toBe("Re-evaluated: nothing changed (In Copyright)."));
    expect(computeRights).toHaveBeenCalledWith(["r1"]);
  });

  it("shows a load failure with core's words", async () => {
    show("en", { ...rightsApi(), recordRights: () => Promise.reject({ code: "not_found", message: "no record r1", details: null }) });
    expect((await screen.findByTestId("rights-panel-error")).textContent).toContain("no record r1");
  });
});
