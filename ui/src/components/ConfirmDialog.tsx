import { useId, useRef } from "react";
import { useModal } from "./modal";

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
 * A modal question. Focus starts on the safe choice (Cancel), Esc cancels, focus stays
 * inside until it closes and then goes back to what asked.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const messageId = useId();
  const { ref, onKeyDown, onCancel } = useModal({ canClose: true, onClose: props.onCancel, initialFocus: cancelRef });

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      data-testid="confirm-dialog"
      onCancel={onCancel}
      onKeyDown={onKeyDown}
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
