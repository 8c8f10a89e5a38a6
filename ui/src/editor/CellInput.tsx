import { useEffect, useLayoutEffect, useRef, useState, type InputHTMLAttributes, type TextareaHTMLAttributes } from "react";

type Common = {
  /** The value as the record holds it. */
  value: string;
  /** Called on every change with the text as typed. */
  onValue(text: string): void;
  /**
   * What `value` will be once `onValue(text)` is applied (an indicator typed as `#` comes
   * back blank), so the echo of our own edit is not mistaken for an outside change.
   */
  format?(text: string): string;
};

const same = (text: string) => text;

/**
 * The text a cell shows lives here, not in the record: the record follows the input, and the
 * input takes the record's value only when it changed from elsewhere (undo, a field moved).
 * That keeps the caret where it is and never replaces the text under an IME composition
 * (Vietnamese Telex/VNI), which a re-render with a different value would break.
 */
function useCellText({ value, onValue, format = same }: Common) {
  const [text, setText] = useState(value);
  const sent = useRef(value);
  const composing = useRef(false);
  useEffect(() => {
    if (value !== sent.current && !composing.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  const change = (next: string) => {
    setText(next);
    sent.current = format(next);
    onValue(next);
  };
  const composition = {
    onCompositionStart: () => {
      composing.current = true;
    },
    onCompositionEnd: () => {
      composing.current = false;
    },
  };
  return { text, change, composition };
}

export function CellInput({
  value,
  onValue,
  format,
  ...rest
}: Common & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "defaultValue">) {
  const { text, change, composition } = useCellText({ value, onValue, format });
  return (
    <input
      type="text"
      autoComplete="off"
      spellCheck={false}
      {...rest}
      {...composition}
      value={text}
      onChange={(e) => change(e.target.value)}
    />
  );
}

/** MARC values hold no line breaks: pasted ones become spaces. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ");

function grow(el: HTMLTextAreaElement | null) {
  if (!el) return;
  el.style.height = "auto";
  if (el.scrollHeight > 0) el.style.height = `${el.scrollHeight}px`;
}

/** A subfield value: wraps and grows with long text; Enter never adds a line break. */
export function CellTextarea({
  value,
  onValue,
  ...rest
}: Common & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange" | "defaultValue">) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const { text, change, composition } = useCellText({ value, onValue: (t) => onValue(oneLine(t)), format: oneLine });
  useLayoutEffect(() => grow(ref.current), [text]);
  return (
    <textarea
      ref={ref}
      rows={1}
      spellCheck={false}
      {...rest}
      {...composition}
      value={text}
      onKeyDown={(e) => {
        if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && !e.altKey && !e.nativeEvent.isComposing) e.preventDefault();
        rest.onKeyDown?.(e);
      }}
      onChange={(e) => change(oneLine(e.target.value))}
    />
  );
}
