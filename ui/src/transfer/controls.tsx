/**
 * Controls the import and export dialogs share: a labelled radio group whose arrow keys
 * behave the same in every engine, and a step heading that takes focus so it is announced.
 * Opening and closing the dialogs themselves is `useModal` in components/modal.tsx.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";

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
