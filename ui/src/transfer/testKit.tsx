/**
 * Test helpers for the transfer dialogs: rendering in a language, axe, and the two keyboard
 * behaviours jsdom lacks (Tab moving focus, Enter activating a button), done the way a browser
 * does them so that the dialogs' own handlers run first and can prevent them.
 */
import { fireEvent, render } from "@testing-library/react";
import axe from "axe-core";
import type { ReactElement } from "react";
import { I18nextProvider } from "react-i18next";
import { expect } from "vitest";
import { createI18n, type Language } from "../i18n";
import { tabbables } from "../components/modal";

export function renderIn(lang: Language, ui: ReactElement) {
  const i18n = createI18n(lang);
  const result = render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>);
  return { ...result, i18n };
}

export async function expectNoAxeViolations(container: Element) {
  const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(", ")}`);
  expect(summary).toEqual([]);
}

/** Presses Tab (or Shift+Tab) on the focused element; moves focus as a browser would unless prevented. */
export function tab(shift = false): Element | null {
  const active = document.activeElement as HTMLElement;
  const dialog = active.closest("dialog");
  if (!dialog) throw new Error("focus is outside the dialog");
  const notPrevented = fireEvent.keyDown(active, { key: "Tab", shiftKey: shift });
  if (notPrevented) {
    const stops = tabbables(dialog);
    const i = stops.indexOf(active);
    const next = shift ? stops[i - 1] : stops[i + 1];
    next?.focus();
  }
  return document.activeElement;
}

/** Presses Enter on an element; a native button then clicks, as in every browser. */
export function pressEnter(el: Element) {
  const notPrevented = fireEvent.keyDown(el, { key: "Enter" });
  if (notPrevented && el instanceof HTMLButtonElement && !el.disabled) fireEvent.click(el);
}

/** Presses a key on an element and says whether a handler prevented its default. */
export function press(el: Element, key: string): boolean {
  return !fireEvent.keyDown(el, { key });
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
