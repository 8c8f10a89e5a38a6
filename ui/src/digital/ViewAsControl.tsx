import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ViewAs } from "./format";

export interface ViewAsControlProps {
  value: ViewAs;
  /** A new choice, applied (the screen asks the core again as that reader). */
  onChange(value: ViewAs): void;
  /** Prefix for the test ids, so two screens' controls can be told apart. */
  testId?: string;
}

type Role = ViewAs["role"];

/**
 * "View as": staff check what a reader would get — themselves (the default), a reader's card,
 * or someone not signed in — on the library's premises or not. The choice applies on
 * "Apply" (or Enter), not per keystroke, so a half-typed card number asks nothing.
 */
export function ViewAsControl({ value, onChange, testId = "view-as" }: ViewAsControlProps) {
  const { t } = useTranslation();
  const id = useId();
  const [role, setRole] = useState<Role>(value.role);
  const [card, setCard] = useState(value.role === "patron" ? value.card : "");
  const [onPremises, setOnPremises] = useState(value.role === "staff" ? false : value.onPremises);
  const [cardMissing, setCardMissing] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (role === "patron" && !card.trim()) {
      setCardMissing(true);
      return;
    }
    setCardMissing(false);
    onChange(
      role === "staff" ? { role } : role === "patron" ? { role, card: card.trim(), onPremises } : { role, onPremises },
    );
  };

  return (
    <form className="view-as" onSubmit={submit} data-testid={testId}>
      <fieldset>
        <legend>{t("digital.viewAs.legend")}</legend>
        <div className="view-as-roles">
          {(["staff", "patron", "anonymous"] as const).map((r) => (
            <label key={r}>
              <input
                type="radio"
                name={`${id}-role`}
                value={r}
                checked={role === r}
                onChange={() => setRole(r)}
                data-testid={`${testId}-${r}`}
              />
              {t(`digital.viewAs.${r}`)}
            </label>
          ))}
        </div>
        {role === "patron" && (
          <div className="view-as-field">
            <label htmlFor={`${id}-card`}>{t("digital.viewAs.card")}</label>
            <input
              id={`${id}-card`}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={card}
              aria-invalid={cardMissing || undefined}
              aria-describedby={cardMissing ? `${id}-card-error` : undefined}
              onChange={(e) => setCard(e.target.value)}
              data-testid={`${testId}-card`}
            />
            {cardMissing && (
              <span id={`${id}-card-error`} className="digital-field-error" role="alert">
                {t("digital.viewAs.cardMissing")}
              </span>
            )}
          </div>
        )}
        {role !== "staff" && (
          <label className="view-as-premises">
            <input
              type="checkbox"
              checked={onPremises}
              onChange={(e) => setOnPremises(e.target.checked)}
              data-testid={`${testId}-premises`}
            />
            {t("digital.viewAs.onPremises")}
          </label>
        )}
        <button type="submit" data-testid={`${testId}-apply`}>
          {t("digital.viewAs.apply")}
        </button>
      </fieldset>
    </form>
  );
}
