import { useLayoutEffect, useRef } from "react";

export interface WindowKeydownOptions {
  /** Listen in the capture phase: before a field or the browser acts on the key. */
  capture?: boolean;
  /** While false, no listener is attached at all. */
  enabled?: boolean;
}

/**
 * Calls `handler` for every keydown in the window while the component is mounted.
 *
 * The listener is attached in a layout effect, so a screen's shortcuts work from the same
 * commit that draws it: a scanner or a quick hand pressing a key right after the screen
 * appears is not lost in the gap before passive effects run. The latest `handler` is
 * always the one called, so callers need not list its dependencies.
 */
export function useWindowKeydown(handler: (e: KeyboardEvent) => void, options: WindowKeydownOptions = {}) {
  const { capture = false, enabled = true } = options;
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useLayoutEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => latest.current(e);
    window.addEventListener("keydown", onKey, capture);
    return () => window.removeEventListener("keydown", onKey, capture);
  }, [capture, enabled]);
}
