import { act, fireEvent, render } from "@testing-library/react";
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useWindowKeydown, type WindowKeydownOptions } from "./windowKeys";

function Shortcut({ onKey, options }: { onKey: (e: KeyboardEvent) => void; options?: WindowKeydownOptions }) {
  useWindowKeydown(onKey, options);
  return (
    <p data-testid="shown">
      <input aria-label="field" data-testid="field" />
    </p>
  );
}

/** Shows the shortcut's screen once some data "arrives", the way screens appear after a load. */
function AfterLoad({ onKey }: { onKey: (e: KeyboardEvent) => void }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    void Promise.resolve().then(() => setShown(true));
  }, []);
  return shown ? <Shortcut onKey={onKey} /> : null;
}

describe("useWindowKeydown", () => {
  const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
  const wasAct = actEnvironment.IS_REACT_ACT_ENVIRONMENT;
  afterEach(() => {
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = wasAct;
  });

  it("hears a key pressed the moment the screen appears", async () => {
    // Outside act, as in the app: React commits the screen, then runs passive effects later.
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
    const onKey = vi.fn();
    const host = document.createElement("div");
    document.body.append(host);
    const root = createRoot(host);
    const pressed = new Promise<void>((resolve) => {
      const watch = new MutationObserver(() => {
        if (!host.querySelector("[data-testid=shown]")) return;
        watch.disconnect();
        // A scanner's first keystroke, straight after the commit that drew the screen.
        window.dispatchEvent(new KeyboardEvent("keydown", { key: "e" }));
        resolve();
      });
      watch.observe(host, { childList: true, subtree: true });
    });
    try {
      root.render(<AfterLoad onKey={onKey} />);
      await pressed;
      expect(onKey).toHaveBeenCalledTimes(1);
    } finally {
      root.unmount();
      host.remove();
    }
  });

  it("calls the latest handler and stops when unmounted", () => {
    const first = vi.fn();
    const second = vi.fn();
    const view = render(<Shortcut onKey={first} />);
    view.rerender(<Shortcut onKey={second} />);
    fireEvent.keyDown(document.body, { key: "x" });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    view.unmount();
    fireEvent.keyDown(document.body, { key: "x" });
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("listens only while enabled", () => {
    const onKey = vi.fn();
    const view = render(<Shortcut onKey={onKey} options={{ enabled: false }} />);
    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(onKey).not.toHaveBeenCalled();
    view.rerender(<Shortcut onKey={onKey} options={{ enabled: true }} />);
    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(onKey).toHaveBeenCalledTimes(1);
  });

  it("in the capture phase, acts before a field's own handler can stop the key", () => {
    const order: string[] = [];
    const view = render(<Shortcut onKey={(e) => order.push(`window:${e.defaultPrevented}`)} options={{ capture: true }} />);
    const field = view.getByTestId("field");
    field.addEventListener("keydown", (e) => {
      order.push("field");
      e.stopPropagation();
    });
    fireEvent.keyDown(field, { key: "F3" });
    expect(order).toEqual(["window:false", "field"]);
    act(() => view.unmount());
  });
});
