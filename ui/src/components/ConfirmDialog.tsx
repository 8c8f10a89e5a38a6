import { useEffect, useId, useRef } from "react";

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, in words a cataloger can weigh. */
  message: string;
  confirmLabel: string;
  cancelLabel: string;
  /** A destructive action gets the warning style. */
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal question. Focus starts on the safe choice (Cancel), Esc cancels, and focus stays
 * inside until it closes: the browser's `<dialog>` modal gives all three.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const messageId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // jsdom has no showModal; the open attribute is what tests and old engines understand.
    if (typeof dialog.showModal === "function" && !dialog.open) dialog.showModal();
    else dialog.setAttribute("open", "");
    cancelRef.current?.focus();
    return () => {
      if (typeof dialog.close === "function" && dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <p id={messageId}>{props.message}</p>
      <div className="dialog-actions">
        <button type="button" ref={cancelRef} onClick={props.onCancel} data-testid="confirm-cancel">
          {props.cancelLabel}
        </button>
        <button
          type="button"
          className={props.danger ? "danger" : "primary"}
          onClick={props.onConfirm}
          data-testid="confirm-ok"
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
