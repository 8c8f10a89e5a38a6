/**
 * What the import and export dialogs share: opening a modal `<dialog>` (jsdom has no
 * showModal), keeping Tab inside it, Esc that closes only when allowed and never reaches the
 * app's own Esc (which would navigate back), focus returned to whatever opened it, and a
 * labelled radio group whose arrow keys behave the same in every engine.
 */
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  type KeyboardEvent,
  type ReactNode,
  type SyntheticEvent,
} from "react";

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
}

/**
 * Opens the dialog modally on mount, remembers the element that had focus and gives focus
 * back to it on unmount. Returns the ref and the handlers to spread on `<dialog>`.
 */
export function useModal({ canClose, onClose }: ModalOptions) {
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
    const first = tabbables(dialog)[0];
    first?.focus();
    return () => {
      if (typeof dialog.close === "function" && dialog.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
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

export interface RadioChoice<T extends string> {
  value: T;
  label: string;
  /** One line saying what the choice does. */
  hint?: string;
  testId?: string;
}

export interface RadioGroupProps<T extends string> {
  legend: string;
  name: string;
  value: T;
  choices: readonly RadioChoice<T>[];
  onChange(value: T): void;
  disabled?: boolean;
  testId?: string;
}

/**
 * A fieldset of native radios. Arrow keys move and select (wrapping), handled here so every
 * engine — and jsdom — does the same; Tab enters the group at its checked radio.
 */
export function RadioGroup<T extends string>(props: RadioGroupProps<T>) {
  const baseId = useId();
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>, index: number) => {
    const step = e.key === "ArrowDown" || e.key === "ArrowRight" ? 1 : e.key === "ArrowUp" || e.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const count = props.choices.length;
    const next = props.choices[(index + step + count) % count]!;
    props.onChange(next.value);
    const input = document.getElementById(`${baseId}-${next.value}`);
    input?.focus();
  };
  return (
    <fieldset className="transfer-radios" disabled={props.disabled} data-testid={props.testId}>
      <legend>{props.legend}</legend>
      {props.choices.map((choice, index) => {
        const id = `${baseId}-${choice.value}`;
        const hintId = `${id}-hint`;
        return (
          <div className="transfer-radio" key={choice.value}>
            <input
              type="radio"
              id={id}
              name={props.name}
              value={choice.value}
              checked={props.value === choice.value}
              aria-describedby={choice.hint ? hintId : undefined}
              onChange={() => props.onChange(choice.value)}
              onKeyDown={(e) => onKeyDown(e, index)}
              data-testid={choice.testId}
            />
            <label htmlFor={id}>{choice.label}</label>
            {choice.hint && (
              <span className="transfer-hint" id={hintId}>
                {choice.hint}
              </span>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** A section of a dialog whose heading takes focus when the step begins, so it is announced. */
export function StepHeading({ children, id }: { children: ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h3 ref={ref} id={id} tabIndex={-1} className="transfer-step-heading">
      {children}
    </h3>
  );
}
