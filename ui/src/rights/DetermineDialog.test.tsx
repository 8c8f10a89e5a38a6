import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { DetermineDialog, type Determined } from "./DetermineDialog";
import { STATUSES } from "./logic";

function show(lang: Language, onConfirm = vi.fn(async (_c: Determined) => {}), count = 3) {
  const onCancel = vi.fn();
  const result = renderIn(lang, <DetermineDialog count={count} onConfirm={onConfirm} onCancel={onCancel} />);
  return { ...result, onConfirm, onCancel };
}

describe.each<[Language, string, string, string]>([
  ["en", "Determine the status of 3 works", "No Copyright - United States", "Reason"],
  ["vi", "Xác định tình trạng của 3 tác phẩm", "Hết bảo hộ tại Hoa Kỳ", "Lý do"],
])("determine dialog (%s)", (lang, title, noCUs, reasonLabel) => {
  it("offers all thirteen statuses with a name and a meaning, grouped, axe-clean", async () => {
    const { container } = show(lang);
    const dialog = screen.getByTestId("rights-dialog");
    expect(within(dialog).getByRole("heading", { level: 2 }).textContent).toBe(title);
    const radios = within(dialog).getAllByRole("radio");
    expect(radios).toHaveLength(13);
    expect(radios.map((r) => (r as HTMLInputElement).value).sort()).toEqual([...STATUSES].sort());
    const us = within(dialog).getByRole("radio", { name: noCUs });
    expect(us.getAttribute("aria-describedby")).toBeTruthy();
    expect(document.getElementById(us.getAttribute("aria-describedby")!)!.textContent!.length).toBeGreaterThan(10);
    // The status fieldset and its three groups.
    expect(within(dialog).getAllByRole("group")).toHaveLength(4);
    await expectNoAxeViolations(container);
  });

  it("requires a status and a reason, then gives the trimmed choice", async () => {
    const { container, onConfirm } = show(lang);
    const dialog = screen.getByTestId("rights-dialog");
    fireEvent.click(within(dialog).getByTestId("rights-dialog-confirm"));
    expect(within(dialog).getByTestId("rights-dialog-status-problem")).toBeTruthy();
    fireEvent.click(within(dialog).getByRole("radio", { name: noCUs }));
    fireEvent.change(within(dialog).getByLabelText(reasonLabel), { target: { value: "   " } });
    fireEvent.click(within(dialog).getByTestId("rights-dialog-confirm"));
    const reason = within(dialog).getByLabelText(reasonLabel);
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(reason);
    await expectNoAxeViolations(container);
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.change(reason, { target: { value: "  1925, Hoa Kỳ " } });
    fireEvent.click(within(dialog).getByTestId("rights-dialog-confirm"));
    await waitFor(() => expect(onConfirm).toHaveBeenCalledWith({ status: "NoC-US", access: null, reason: "1925, Hoa Kỳ" }));
  });
});

describe("determine dialog", () => {
  it("keeps itself open with the error when saving fails, and Cancel and Esc close it", async () => {
    const onConfirm = vi.fn(() => Promise.reject({ code: "not_found", message: "record r9", details: null }));
    const { onCancel } = show("en", onConfirm, 1);
    const dialog = screen.getByTestId("rights-dialog");
    expect(within(dialog).getByRole("heading", { level: 2 }).textContent).toBe("Determine the status of 1 work");
    fireEvent.click(within(dialog).getByTestId("rights-status-InC"));
    fireEvent.change(within(dialog).getByLabelText("Reason"), { target: { value: "r" } });
    fireEvent.click(within(dialog).getByTestId("rights-dialog-confirm"));
    expect((await within(dialog).findByTestId("rights-dialog-error")).textContent).toContain("record r9");
    expect((within(dialog).getByTestId("rights-dialog-confirm") as HTMLButtonElement).disabled).toBe(false);
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(onCancel).toHaveBeenCalledTimes(1);
    fireEvent.click(within(dialog).getByTestId("rights-dialog-cancel"));
    expect(onCancel).toHaveBeenCalledTimes(2);
  });
});
