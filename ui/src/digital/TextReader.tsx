import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { DigitalObject } from "../bindings/DigitalObject";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import type { TextPartInfo } from "../bindings/TextPartInfo";
import { currentLanguage, formatNumber } from "../i18n";
import { FONT_STEPS, stepFont } from "./pages";
import { PartBody, usePartText } from "./PartText";

export interface TextReaderProps {
  api: CatalogApi;
  object: DigitalObject;
  reader: ReaderRequest;
  /** The table of contents: the object's text parts in reading order. */
  parts: TextPartInfo[];
  /** The part to open at (its index). */
  initialPart?: number;
}

/**
 * An e-book or a text read as text: a table of contents (a navigation list; the part being
 * read is marked `aria-current`), one part at a time in a readable column, Previous/Next part,
 * and a font size the reader sets.
 */
export function TextReader({ api, object, reader, parts, initialPart }: TextReaderProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const id = useId();
  const first = parts[0]?.index ?? 0;
  const [part, setPart] = useState(
    initialPart !== undefined && parts.some((p) => p.index === initialPart) ? initialPart : first,
  );
  const [font, setFont] = useState(100);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const load = usePartText(api, object.id, part, reader, parts.length > 0);
  const position = parts.findIndex((p) => p.index === part);
  const current = parts[position];

  // After choosing a part, reading starts at its heading (not on the button left behind).
  useEffect(() => {
    if (moved.current) headingRef.current?.focus();
  }, [part]);
  const choose = (index: number) => {
    moved.current = true;
    setPart(index);
  };

  if (parts.length === 0) {
    return (
      <p className="digital-muted" data-testid="text-reader-empty">
        {t("digital.text.noParts")}
      </p>
    );
  }

  return (
    <div className="text-reader" data-testid="text-reader">
      <nav className="text-toc" aria-labelledby={`${id}-toc`} data-testid="text-toc">
        <h3 id={`${id}-toc`}>{t("digital.text.toc")}</h3>
        <ol>
          {parts.map((p) => (
            <li key={p.index}>
              <button
                type="button"
                aria-current={p.index === part ? "true" : undefined}
                onClick={() => choose(p.index)}
                data-testid="text-toc-entry"
              >
                {p.label}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <div className="text-column-wrap">
        <div className="digital-toolbar" role="toolbar" aria-label={t("digital.text.toolbar")}>
          <button
            type="button"
            onClick={() => choose(parts[position - 1]!.index)}
            disabled={position <= 0}
            data-testid="text-prev"
          >
            {t("digital.text.previous")}
          </button>
          <button
            type="button"
            onClick={() => choose(parts[position + 1]!.index)}
            disabled={position >= parts.length - 1}
            data-testid="text-next"
          >
            {t("digital.text.next")}
          </button>
          <button
            type="button"
            onClick={() => setFont((f) => stepFont(f, "smaller"))}
            disabled={font <= FONT_STEPS[0]}
            aria-label={t("digital.text.smaller")}
            data-testid="text-smaller"
          >
            {t("digital.text.smallerMark")}
          </button>
          <output className="digital-muted" aria-live="polite" data-testid="text-font-size">
            {t("digital.text.fontSize", { percent: `${formatNumber(font, lang)} %` })}
          </output>
          <button
            type="button"
            onClick={() => setFont((f) => stepFont(f, "larger"))}
            disabled={font >= FONT_STEPS[FONT_STEPS.length - 1]!}
            aria-label={t("digital.text.larger")}
            data-testid="text-larger"
          >
            {t("digital.text.largerMark")}
          </button>
        </div>
        <article className="text-column" style={{ fontSize: `${font}%` }} aria-labelledby={`${id}-part`} data-testid="text-column">
          <h3 id={`${id}-part`} ref={headingRef} tabIndex={-1} data-testid="text-part-title">
            {current?.label}
          </h3>
          <PartBody load={load} testId="text-part" />
        </article>
      </div>
    </div>
  );
}
