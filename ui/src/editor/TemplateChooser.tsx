import { useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { TemplateKind } from "../bindings/TemplateKind";

export const TEMPLATE_KINDS: readonly TemplateKind[] = ["book", "ebook", "audiobook", "serial", "map"];

/** "What are you cataloging?": one button per template; arrows move, Enter picks. */
export function TemplateChooser({ onPick }: { onPick(kind: TemplateKind): void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    listRef.current?.querySelector("button")?.focus();
  }, []);
  const move = (from: number, delta: number) => {
    const buttons = listRef.current?.querySelectorAll("button");
    if (!buttons) return;
    buttons[(from + delta + buttons.length) % buttons.length]?.focus();
  };
  return (
    <section className="template-chooser" aria-labelledby={headingId} data-testid="template-chooser">
      <h2 id={headingId}>{t("editor.templates.heading")}</h2>
      <p>{t("editor.templates.hint")}</p>
      <ul ref={listRef} className="template-list">
        {TEMPLATE_KINDS.map((kind, i) => (
          <li key={kind}>
            <button
              type="button"
              data-testid={`template-${kind}`}
              onClick={() => onPick(kind)}
              onKeyDown={(e) => {
                if (e.key === "ArrowDown" || e.key === "ArrowRight") {
                  e.preventDefault();
                  move(i, 1);
                } else if (e.key === "ArrowUp" || e.key === "ArrowLeft") {
                  e.preventDefault();
                  move(i, -1);
                }
              }}
            >
              <span className="template-name">{t(`editor.templates.${kind}.name`)}</span>
              <span className="template-description">{t(`editor.templates.${kind}.description`)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
