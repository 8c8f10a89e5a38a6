/** Rendering the desk in a language with a fake api, scanning, and axe, for the desk's tests. */
import { act, fireEvent, render, screen } from "@testing-library/react";
import axe from "axe-core";
import { I18nextProvider } from "react-i18next";
import { expect, vi } from "vitest";
import type { CatalogApi } from "../api";
import { createI18n, type Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { DeskScreen } from "./DeskScreen";
import { hanoiBranches } from "./fixtures";

export function renderDesk(overrides: Partial<CatalogApi> = {}, lang: Language = "vi", branch: string | null = "HK") {
  const i18n = createI18n(lang);
  const api: CatalogApi = { ...memoryApi(0), branches: async () => hanoiBranches(), ...overrides };
  const props = {
    api,
    branch,
    onBranchChange: vi.fn<(code: string) => void>(),
    onOpenRecord: vi.fn<(id: string) => void>(),
    onChanged: vi.fn(),
    onError: vi.fn<(err: unknown) => void>(),
  };
  const view = render(
    <I18nextProvider i18n={i18n}>
      <DeskScreen {...props} />
    </I18nextProvider>,
  );
  const switchTo = (next: Language) => act(() => void i18n.changeLanguage(next));
  return { ...view, props, api, i18n, switchTo };
}

/** What a keyboard-wedge scanner does: types the code into the focused field, then Enter. */
export function scan(testId: string, code: string) {
  const input = screen.getByTestId(testId);
  fireEvent.change(input, { target: { value: code } });
  fireEvent.keyDown(input, { key: "Enter" });
}

export function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

export async function expectNoAxeViolations(container: Element) {
  const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(", ")}`);
  expect(summary).toEqual([]);
}
