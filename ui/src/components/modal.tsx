/**
 * Every modal `<dialog>` of the app opens through `useModal`: showModal (jsdom has none, so
 * the open attribute instead), focus to the first control or the one the dialog names, Tab
 * kept inside, Esc that closes only when allowed and never reaches the app's own Esc (which
 * would navigate back), and focus returned to whatever opened it.
 */
import { useCallback, useEffect, useRef, type KeyboardEvent, type RefObject, type SyntheticEvent } from "react";

const TABBABLE =
  'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"]), summary';

/**
 * The elements Tab visits inside `root`, in order, as a browser computes them: enabled,
 * not hidden, and one stop per radio group (its checked radio, else its first).
 */
export function tabbables(root: HTMLElement): HTMLElement[] {
  const all = Array.from(root.querySelectorAll<HTMLElement>(TABBABLE)).filter((el) => {
    if (el.matches(":disabled")) return false;
    if (el.tabIndex < 0) return false;
    if (el.closest("[hidden]") || el.closest("[inert]")) return false;
    return true;
  });
  const seenGroups = new Set<string>();
  return all.filter((el) => {
    if (!(el instanceof HTMLInputElement) || el.type !== "radio" || !el.name) return true;
    const group = Array.from(root.querySelectorAll<HTMLInputElement>(`input[type="radio"]`)).filter(
      (r) => r.name === el.name && !r.disabled,
    );
    const stop = group.find((r) => r.checked) ?? group[0];
    if (stop !== el || seenGroups.has(el.name)) return false;
    seenGroups.add(el.name);
    return true;
  });
}

export interface ModalOptions {
  /** Esc and the dialog's cancel event close only when this is true (not while a job runs). */
  canClose: boolean;
  onClose(): void;
  /**
   * The control that takes focus on opening, when it is not the first one: Cancel in a
   * question (the safe choice), the field a scanner types into. Falls back to the first.
   */
  initialFocus?: RefObject<HTMLElement | null>;
}

/**
 * Opens the dialog modally on mount, remembers the element that had focus and gives focus
 * back to it on unmount. Returns the ref and the handlers to spread on `<dialog>`.
 */
export function useModal({ canClose, onClose, initialFocus }: ModalOptions) {
  const ref = useRef<HTMLDialogElement>(null);
  const canCloseRef = useRef(canClose);
  canCloseRef.current = canClose;
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // jsdom has no showModal; the open attribute is what tests and old engines understand.
    if (typeof dialog.showModal === "function" && !dialog.open) dialog.showModal();
    else dialog.setAttribute("open", "");
    const first = initialFocus?.current ?? tabbables(dialog)[0];
    first?.focus();
    return () => {
      if (typeof dialog.close === "function" && dialog.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
    // Opening happens once per mount; the initial target is read then, like autofocus.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onKeyDown = useCallback((e: KeyboardEvent<HTMLDialogElement>) => {
    const dialog = ref.current;
    if (!dialog) return;
    if (e.key === "Escape") {
      // Handled here whether or not it closes: the app must not also go back a screen.
      e.preventDefault();
      e.stopPropagation();
      if (canCloseRef.current) onCloseRef.current();
      return;
    }
    if (e.key !== "Tab") return;
    const stops = tabbables(dialog);
    if (stops.length === 0) {
      e.preventDefault();
      return;
    }
    const first = stops[0]!;
    const last = stops[stops.length - 1]!;
    const active = document.activeElement;
    const inside = active instanceof HTMLElement && dialog.contains(active) && stops.includes(active);
    if (e.shiftKey && (!inside || active === first)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (!inside || active === last)) {
      e.preventDefault();
      first.focus();
    }
  }, []);

  const onCancel = useCallback((e: SyntheticEvent<HTMLDialogElement>) => {
    // The browser's own Esc: never let it close the element behind React's back.
    e.preventDefault();
    if (canCloseRef.current) onCloseRef.current();
  }, []);

  return { ref, onKeyDown, onCancel };
}
