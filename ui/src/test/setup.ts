import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";

/*
 * findBy… and waitFor give up after 1 s by default. The machine the suite runs on is shared
 * (a full run once took four times its usual time); a screen that needs longer to appear there
 * is not a failure of the screen. A real hang still fails, at the test's own 30 s timeout.
 */
configure({ asyncUtilTimeout: 5000 });

/*
 * jsdom does no layout. Give the record list a fixed viewport (1000x640) and a
 * working scrollTop (which fires "scroll" like a browser) so the virtualizer
 * computes a real visible range.
 */
export const LIST_VIEWPORT = { width: 1000, height: 640 };

const scrollTops = new WeakMap<Element, number>();
const isList = (el: Element) => el.classList?.contains("record-list");

Object.defineProperty(HTMLElement.prototype, "clientHeight", {
  configurable: true,
  get(this: HTMLElement) {
    return isList(this) ? LIST_VIEWPORT.height : 0;
  },
});
Object.defineProperty(HTMLElement.prototype, "clientWidth", {
  configurable: true,
  get(this: HTMLElement) {
    return isList(this) ? LIST_VIEWPORT.width : 0;
  },
});
Object.defineProperty(HTMLElement.prototype, "scrollHeight", {
  configurable: true,
  get(this: HTMLElement) {
    const sizer = this.firstElementChild as HTMLElement | null;
    return isList(this) && sizer ? parseFloat(sizer.style.height) || 0 : 0;
  },
});
Object.defineProperty(Element.prototype, "scrollTop", {
  configurable: true,
  get(this: Element) {
    return scrollTops.get(this) ?? 0;
  },
  set(this: Element, value: number) {
    const max = Math.max(0, this.scrollHeight - this.clientHeight);
    scrollTops.set(this, Math.max(0, Math.min(max, value)));
    this.dispatchEvent(new Event("scroll"));
  },
});
Element.prototype.scrollTo = function scrollTo(this: Element, arg?: ScrollToOptions | number, y?: number) {
  const top = typeof arg === "number" ? y : arg?.top;
  if (typeof top === "number") this.scrollTop = top;
} as Element["scrollTo"];

beforeEach(() => {
  localStorage.clear();
  document.documentElement.lang = "";
});

afterEach(() => {
  cleanup();
});
