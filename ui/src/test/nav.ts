/**
 * Going to a destination of the header the way a person does, for tests that render the whole
 * app: an item inside a menu (it names its menu button in `data-nav-menu`) is reached by
 * opening that menu first. The end-to-end tests' `navigate` (tests/e2e/lib/app.mjs) does the same.
 */
import { fireEvent, screen } from "@testing-library/react";

/** The header item with this test id, its menu opened first when it is in one. */
export function navItem(testId: string): HTMLElement {
  const item = screen.getByTestId(testId);
  const menu = item.dataset.navMenu;
  if (menu && item.closest("[hidden]")) {
    fireEvent.click(screen.getByTestId(menu));
    if (item.closest("[hidden]")) throw new Error(`${testId} is still hidden after opening ${menu}`);
  }
  return item;
}

/** Chooses the header item with this test id (opening its menu first when it is in one). */
export function navigate(testId: string): void {
  fireEvent.click(navItem(testId));
}
