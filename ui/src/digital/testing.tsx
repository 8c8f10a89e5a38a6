/** Shared by the digital collection's tests: render in a language, and run axe on what is shown. */
import { act, render } from "@testing-library/react";
import axe from "axe-core";
import type { ReactElement } from "react";
import { I18nextProvider } from "react-i18next";
import { expect } from "vitest";
import { createI18n, type Language } from "../i18n";

export function renderIn(ui: ReactElement, lang: Language = "vi") {
  const i18n = createI18n(lang);
  const view = render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>);
  const switchTo = (next: Language) => act(() => void i18n.changeLanguage(next));
  return { ...view, i18n, switchTo };
}

/** No axe violations (colour contrast is not computed in jsdom). */
export async function expectNoAxeViolations(root: Element) {
  const results = await axe.run(root, { rules: { "color-contrast": { enabled: false } } });
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
}
