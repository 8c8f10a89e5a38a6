import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { createI18n } from "../i18n";
import { settingsApi } from "../settings/fixtures";
import { expectNoAxeViolations } from "../transfer/testKit";
import { OTHER_CHANGE, fieldConflict, onlineWithExceptions, syncApi } from "./fixtures";

describe("sync and settings in the app", () => {
  it("the header indicator opens the sync screen; Esc goes back to the catalog", async () => {
    const { api } = syncApi(onlineWithExceptions(), [fieldConflict()]);
    const { container } = render(<App api={api} i18n={createI18n("en")} syncPollMs={600_000} />);
    await screen.findByTestId("record-list");
    const indicator = await screen.findByTestId("sync-indicator");
    await waitFor(() => expect(indicator.dataset.state).toBe("online"));
    expect(screen.getByRole("button", { name: /^Sync: Online\..*2 exceptions waiting for review\. Open the sync screen\.$/ })).toBe(indicator);
    fireEvent.click(indicator);
    await screen.findByTestId("sync-exception-x-field");
    expect(indicator.getAttribute("aria-current")).toBe("page");
    await expectNoAxeViolations(container);
    fireEvent.keyDown(window, { key: "Escape" });
    await screen.findByTestId("record-list");
    expect(screen.queryByTestId("sync-screen")).toBeNull();
  });

  it("Cài đặt opens the settings; the sync screen's settings link does too", async () => {
    const { api } = settingsApi();
    render(<App api={api} i18n={createI18n("vi")} syncPollMs={600_000} initialView={{ name: "sync" }} />);
    fireEvent.click(await screen.findByTestId("sync-open-settings"));
    await screen.findByTestId("settings-screen");
    expect(screen.getByTestId("nav-settings").textContent).toBe("Cài đặt");
    expect(screen.getByTestId("nav-settings").getAttribute("aria-current")).toBe("page");
    fireEvent.click(screen.getByTestId("nav-catalog"));
    await screen.findByTestId("record-list");
    fireEvent.click(screen.getByRole("button", { name: "Cài đặt" }));
    await screen.findByTestId("settings-sip2");
  });

  it("a resolution on the sync screen updates the header's indicator at once, not at its next poll", async () => {
    const { api, state } = syncApi({ ...onlineWithExceptions(), open_exceptions: 1 }, [fieldConflict()]);
    render(<App api={api} i18n={createI18n("en")} syncPollMs={600_000} initialView={{ name: "sync" }} />);
    await waitFor(() => expect(screen.getByTestId("sync-indicator-badge").textContent).toBe("1"));
    fireEvent.click(await screen.findByTestId(`sync-action-x-field-${OTHER_CHANGE}`));
    fireEvent.click(screen.getByTestId("sync-resolve-x-field"));
    fireEvent.click(within(screen.getByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    await waitFor(() => expect(state.status.open_exceptions).toBe(0));
    await waitFor(() => expect(screen.queryByTestId("sync-indicator-badge")).toBeNull());
    expect(screen.getByTestId("sync-indicator").getAttribute("aria-label")).toContain("No exceptions waiting.");
  });
});
