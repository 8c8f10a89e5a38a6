/**
 * A menu button as WAI-ARIA's Authoring Practices describe it: a button that opens a menu of
 * commands. It owns the opening, the focus and the keys (arrows, Home/End, typing a letter,
 * Esc, Tab) and closing on a click elsewhere; it never decides what an item does — the items
 * come with their own `onSelect`.
 *
 * The menu stays in the document while closed (hidden), so each item is always there to be
 * found by its test id and its attributes (the end-to-end tests read `data-nav-menu` from a
 * closed item to know which button opens it).
 */
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import "./MenuButton.css";

export interface MenuItem {
  /** The item's `data-testid`, also its React key. */
  testId: string;
  label: string;
  onSelect(): void;
  /** The page this item leads to is the one shown (`aria-current="page"`). */
  current?: boolean;
  /** The keyboard shortcut as `aria-keyshortcuts` spells it ("Control+N"). */
  keyshortcuts?: string;
  /** The same shortcut as the person reads it ("Ctrl+N"), shown at the item's end. */
  shortcutLabel?: string;
  /** A line drawn above the item, to set it apart from the ones before. */
  separatorBefore?: boolean;
  /** Further `data-*` attributes for the item. */
  data?: Record<`data-${string}`, string>;
}

export interface MenuButtonProps {
  /** The button's visible text, also the menu's name. */
  label: string;
  items: MenuItem[];
  /** The button's `data-testid`. */
  testId: string;
  /** One of the menu's pages is the one shown: the button is marked too. */
  current?: boolean;
  /** Shown before the label (an icon); hidden from assistive technology. */
  icon?: ReactNode;
  /** Shown as a tooltip and read as the button's description. */
  title?: string;
}

/** Letters compared without their diacritics, so typing "d" finds "Đ…" and "b" finds "Biểu…". */
function initial(label: string): string {
  return label
    .trim()
    .charAt(0)
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/gi, "d")
    .toLowerCase();
}

export function MenuButton({ label, items, testId, current = false, icon, title }: MenuButtonProps) {
  const id = useId();
  const buttonId = `${id}-button`;
  const menuId = `${id}-menu`;
  const [open, setOpen] = useState(false);
  /** The item to focus once the menu is shown: set with every opening. */
  const [focusTarget, setFocusTarget] = useState<number | null>(null);
  const [alignEnd, setAlignEnd] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const itemRefs = useRef<Array<HTMLButtonElement | null>>([]);

  const openAt = (index: number) => {
    if (open) itemRefs.current[index]?.focus();
    setOpen(true);
    setFocusTarget(index);
  };

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    setFocusTarget(null);
    if (returnFocus) buttonRef.current?.focus();
  }, []);

  // A menu that would run past the window's right edge opens leftwards from the button's end.
  useLayoutEffect(() => {
    if (!open) return;
    const menu = menuRef.current;
    if (!menu) return;
    const root = rootRef.current?.getBoundingClientRect();
    const width = menu.getBoundingClientRect().width;
    setAlignEnd(!!root && root.left + width > document.documentElement.clientWidth && root.right - width >= 0);
  }, [open]);

  useEffect(() => {
    if (open && focusTarget !== null) itemRefs.current[focusTarget]?.focus();
  }, [open, focusTarget]);

  // A press anywhere else closes the menu and leaves focus where that press puts it.
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: Event) => {
      if (e.target instanceof Node && rootRef.current?.contains(e.target)) return;
      close(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("mousedown", onPointerDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("mousedown", onPointerDown);
    };
  }, [open, close]);

  const focusItem = (index: number) => {
    const count = items.length;
    if (count === 0) return;
    itemRefs.current[((index % count) + count) % count]?.focus();
  };

  const focusedIndex = () => itemRefs.current.findIndex((el) => el === document.activeElement);

  const onButtonKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    // Enter and Space are the button's own click, which opens (or closes) the menu.
    if (e.key === "ArrowDown") {
      e.preventDefault();
      openAt(0);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      openAt(items.length - 1);
    } else if (e.key === "Escape" && open) {
      // Handled here: the app's own Esc (back a screen) must not run as well.
      e.preventDefault();
      close(true);
    }
  };

  const onMenuKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const at = focusedIndex();
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        focusItem(at + 1);
        return;
      case "ArrowUp":
        e.preventDefault();
        focusItem(at < 0 ? items.length - 1 : at - 1);
        return;
      case "Home":
      case "PageUp":
        e.preventDefault();
        focusItem(0);
        return;
      case "End":
      case "PageDown":
        e.preventDefault();
        focusItem(items.length - 1);
        return;
      case "Escape":
        e.preventDefault();
        close(true);
        return;
      case "Tab":
        // Focus goes back to the button first, so that the browser's own Tab moves on from
        // there (to the control after or before the button) while the menu closes.
        buttonRef.current?.focus();
        close(false);
        return;
    }
    if (e.key.length === 1 && e.key !== " ") {
      // Typing a letter goes to the next item that starts with it, as in a desktop menu.
      const wanted = initial(e.key);
      for (let step = 1; step <= items.length; step++) {
        const i = (at + step) % items.length;
        if (initial(items[i]!.label) === wanted) {
          e.preventDefault();
          focusItem(i);
          return;
        }
      }
    }
  };

  // Focus leaving for a control outside (not to nowhere, as when the window loses focus) closes.
  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    const next = e.relatedTarget;
    if (open && next instanceof Node && !rootRef.current?.contains(next)) close(false);
  };

  return (
    <div className="menu-button" ref={rootRef} onBlur={onBlur}>
      <button
        ref={buttonRef}
        type="button"
        id={buttonId}
        className="menu-button-trigger"
        data-testid={testId}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        aria-current={current ? "page" : undefined}
        title={title}
        onClick={() => (open ? close(true) : openAt(0))}
        onKeyDown={onButtonKeyDown}
      >
        {icon && (
          <span className="menu-button-icon" aria-hidden="true">
            {icon}
          </span>
        )}
        <span className="menu-button-label">{label}</span>
        <span className="menu-button-chevron" aria-hidden="true" />
      </button>
      <div
        ref={menuRef}
        id={menuId}
        role="menu"
        aria-labelledby={buttonId}
        className={alignEnd ? "menu-button-menu menu-button-menu-end" : "menu-button-menu"}
        data-testid={`${testId}-list`}
        hidden={!open}
        onKeyDown={onMenuKeyDown}
      >
        {items.map((item, index) => (
          <MenuEntry
            key={item.testId}
            item={item}
            ref={(el) => {
              itemRefs.current[index] = el;
            }}
            onChoose={() => {
              close(true);
              item.onSelect();
            }}
          />
        ))}
      </div>
    </div>
  );
}

function MenuEntry({
  item,
  ref,
  onChoose,
}: {
  item: MenuItem;
  ref: (el: HTMLButtonElement | null) => void;
  onChoose(): void;
}) {
  return (
    <>
      {item.separatorBefore && <div role="separator" className="menu-button-separator" />}
      <button
        ref={ref}
        type="button"
        role="menuitem"
        tabIndex={-1}
        className="menu-button-item"
        data-testid={item.testId}
        aria-current={item.current ? "page" : undefined}
        aria-keyshortcuts={item.keyshortcuts}
        onClick={onChoose}
        {...item.data}
      >
        <span className="menu-button-item-label">{item.label}</span>
        {item.shortcutLabel && (
          <span className="menu-button-shortcut" aria-hidden="true">
            {item.shortcutLabel}
          </span>
        )}
      </button>
    </>
  );
}
