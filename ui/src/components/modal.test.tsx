import { fireEvent, render, screen } from "@testing-library/react";
import { useRef, useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tabbables, useModal } from "./modal";

interface HarnessProps {
  canClose?: boolean;
  onClose?: () => void;
  /** Focus the "middle" field on opening instead of the first control. */
  focusMiddle?: boolean;
}

/** A page with an opener and, when opened, a dialog with every kind of stop Tab must handle. */
function Dialog({ canClose, onClose, focusMiddle }: Required<Pick<HarnessProps, "canClose" | "onClose">> & { focusMiddle?: boolean }) {
  const middle = useRef<HTMLInputElement>(null);
  const modal = useModal({ canClose, onClose, initialFocus: focusMiddle ? middle : undefined });
  return (
    <dialog ref={modal.ref} onKeyDown={modal.onKeyDown} onCancel={modal.onCancel} aria-label="test" data-testid="dialog">
      <button type="button" data-testid="first">
        first
      </button>
      <button type="button" disabled>
        disabled
      </button>
      <div hidden>
        <button type="button">hidden</button>
      </div>
      <span tabIndex={-1}>not a stop</span>
      <input aria-label="middle" data-testid="middle" ref={middle} />
      <input type="radio" name="pick" aria-label="a" data-testid="radio-a" />
      <input type="radio" name="pick" aria-label="b" data-testid="radio-b" defaultChecked />
      <button type="button" data-testid="last">
        last
      </button>
    </dialog>
  );
}

function Harness({ canClose = true, onClose, focusMiddle }: HarnessProps) {
  const [open, setOpen] = useState(false);
  const close = () => {
    onClose?.();
    setOpen(false);
  };
  return (
    <div>
      <button type="button" data-testid="opener" onClick={() => setOpen(true)}>
        open
      </button>
      {open && <Dialog canClose={canClose} onClose={close} focusMiddle={focusMiddle} />}
    </div>
  );
}

function openDialog(props: HarnessProps = {}) {
  const result = render(<Harness {...props} />);
  const opener = screen.getByTestId("opener");
  opener.focus();
  fireEvent.click(opener);
  return { ...result, opener, dialog: screen.getByTestId("dialog") as HTMLDialogElement };
}

/** Presses Tab on the focused element; says whether the dialog took it over (prevented it). */
function pressTab(shift = false): boolean {
  return !fireEvent.keyDown(document.activeElement as Element, { key: "Tab", shiftKey: shift });
}

describe("tabbables", () => {
  it("lists enabled, visible stops in order, one per radio group at its checked radio", () => {
    openDialog();
    const ids = tabbables(screen.getByTestId("dialog")).map((el) => el.dataset.testid);
    expect(ids).toEqual(["first", "middle", "radio-b", "last"]);
  });
});

describe("useModal", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("opens the dialog (the open attribute where there is no showModal) and focuses the first control", () => {
    const { dialog } = openDialog();
    expect(dialog.open).toBe(true);
    expect(document.activeElement).toBe(screen.getByTestId("first"));
  });

  it("opens through showModal where the engine has it, and closes the element on unmount", () => {
    const proto = HTMLDialogElement.prototype as unknown as Record<string, unknown>;
    const hadShow = "showModal" in proto;
    const original = { showModal: proto.showModal, close: proto.close };
    const showModal = vi.fn(function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    });
    const close = vi.fn(function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    });
    proto.showModal = showModal;
    proto.close = close;
    try {
      const { dialog } = openDialog();
      expect(showModal).toHaveBeenCalledTimes(1);
      expect(dialog.open).toBe(true);
      fireEvent.keyDown(dialog, { key: "Escape" });
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      if (hadShow) proto.showModal = original.showModal;
      else delete proto.showModal;
      proto.close = original.close;
    }
  });

  it("focuses the named control instead of the first when asked", () => {
    openDialog({ focusMiddle: true });
    expect(document.activeElement).toBe(screen.getByTestId("middle"));
  });

  it("keeps Tab inside: wraps from the last to the first and, with Shift, from the first to the last", () => {
    openDialog();
    const first = screen.getByTestId("first");
    const last = screen.getByTestId("last");

    last.focus();
    expect(pressTab()).toBe(true);
    expect(document.activeElement).toBe(first);

    expect(pressTab(true)).toBe(true);
    expect(document.activeElement).toBe(last);

    // Between the ends the browser's own Tab is left alone.
    screen.getByTestId("middle").focus();
    expect(pressTab()).toBe(false);
    expect(pressTab(true)).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId("middle"));
  });

  it("brings Tab back inside when focus sits on something that is not a stop", () => {
    const { dialog } = openDialog();
    const notStop = dialog.querySelector<HTMLElement>("span[tabindex='-1']")!;
    notStop.focus();
    expect(pressTab()).toBe(true);
    expect(document.activeElement).toBe(screen.getByTestId("first"));
    notStop.focus();
    expect(pressTab(true)).toBe(true);
    expect(document.activeElement).toBe(screen.getByTestId("last"));
  });

  it("closes on Esc when allowed, and the Esc never reaches the app", () => {
    const onClose = vi.fn();
    const appEsc = vi.fn();
    window.addEventListener("keydown", appEsc);
    try {
      const { dialog } = openDialog({ onClose });
      const prevented = !fireEvent.keyDown(screen.getByTestId("middle"), { key: "Escape" });
      expect(prevented).toBe(true);
      expect(onClose).toHaveBeenCalledTimes(1);
      expect(dialog.isConnected).toBe(false);
      expect(appEsc).not.toHaveBeenCalled();
    } finally {
      window.removeEventListener("keydown", appEsc);
    }
  });

  it("stays open on Esc while closing is not allowed, still swallowing the Esc, and closes once it is", () => {
    const onClose = vi.fn();
    const appEsc = vi.fn();
    window.addEventListener("keydown", appEsc);
    try {
      const { dialog, rerender } = openDialog({ onClose, canClose: false });
      expect(!fireEvent.keyDown(dialog, { key: "Escape" })).toBe(true);
      expect(onClose).not.toHaveBeenCalled();
      expect(screen.getByTestId("dialog")).toBe(dialog);
      expect(appEsc).not.toHaveBeenCalled();

      rerender(<Harness onClose={onClose} canClose />);
      fireEvent.keyDown(dialog, { key: "Escape" });
      expect(onClose).toHaveBeenCalledTimes(1);
    } finally {
      window.removeEventListener("keydown", appEsc);
    }
  });

  it("never lets the browser's cancel event close the element itself; closes through onClose only when allowed", () => {
    const onClose = vi.fn();
    const { dialog, rerender } = openDialog({ onClose, canClose: false });
    const blocked = new Event("cancel", { cancelable: true });
    dialog.dispatchEvent(blocked);
    expect(blocked.defaultPrevented).toBe(true);
    expect(onClose).not.toHaveBeenCalled();

    rerender(<Harness onClose={onClose} canClose />);
    const allowed = new Event("cancel", { cancelable: true });
    dialog.dispatchEvent(allowed);
    expect(allowed.defaultPrevented).toBe(true);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("gives focus back to the opener when it closes", () => {
    const { opener } = openDialog();
    expect(document.activeElement).not.toBe(opener);
    fireEvent.keyDown(screen.getByTestId("first"), { key: "Escape" });
    expect(screen.queryByTestId("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("leaves focus alone on closing when the opener is gone", () => {
    const { dialog } = openDialog();
    screen.getByTestId("opener").remove();
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByTestId("dialog")).toBeNull();
    expect(document.activeElement).toBe(document.body);
  });
});
