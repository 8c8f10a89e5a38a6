/**
 * What importing a target's record did, in words: added as a new record (beside any it
 * matched, when the cataloger chose so), matched and skipped, or overlaid; the catalog
 * records it matched, by title; the MARC engine's findings; and where to go next.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { CopyImportOutcome } from "../bindings/CopyImportOutcome";
import { currentLanguage, formatNumber } from "../i18n";
import { StepHeading } from "../transfer/controls";

export interface CopyOutcomeProps {
  api: CatalogApi;
  outcome: CopyImportOutcome;
  headingId: string;
  onOpenRecord(id: string): void;
  onEditRecord(id: string): void;
  onBack(): void;
  onClose(): void;
}

/** A matched record as the cataloger knows it: its title and control number, once read. */
type Known = { title: string; controlNumber: string | null };

function useMatchedTitles(api: CatalogApi, ids: readonly string[]): Record<string, Known> {
  const [known, setKnown] = useState<Record<string, Known>>({});
  const key = ids.join(" ");
  useEffect(() => {
    let live = true;
    for (const id of ids) {
      // A record that cannot be read is still listed, by its id.
      api.recordDetail(id).then(
        (detail) => {
          if (live) setKnown((k) => ({ ...k, [id]: { title: detail.title, controlNumber: detail.control_number } }));
        },
        () => {},
      );
    }
    return () => {
      live = false;
    };
    // `key` stands for the ids; a new array with the same ids reads nothing again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  return known;
}

export function CopyOutcome({ api, outcome, headingId, onOpenRecord, onEditRecord, onBack, onClose }: CopyOutcomeProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const known = useMatchedTitles(api, outcome.matched);
  const count = outcome.matched.length;
  const formatted = formatNumber(count, lang);
  const imported = outcome.action !== "matched";
  const errors = outcome.issues.filter((i) => i.severity === "error").length;

  return (
    <section className="copy-outcome transfer-section" aria-labelledby={headingId} data-testid="copy-outcome" data-action={outcome.action}>
      <StepHeading id={headingId}>{t(imported ? "copy.outcome.heading" : "copy.outcome.headingMatched")}</StepHeading>
      {outcome.action === "added" && (
        <>
          <p className="copy-outcome-main" data-testid="outcome-text">
            {t("copy.outcome.added", { title: outcome.title })}
          </p>
          {count > 0 && (
            <p className="transfer-hint" data-testid="outcome-beside">
              {t("copy.outcome.addedBeside", { count, formatted })}
            </p>
          )}
        </>
      )}
      {outcome.action === "matched" && (
        <p className="copy-outcome-main" data-testid="outcome-text">
          {t("copy.outcome.matched", { count, formatted })}
        </p>
      )}
      {outcome.action === "overlaid" && (
        <p className="copy-outcome-main" data-testid="outcome-text">
          {t("copy.outcome.overlaid", { title: outcome.title })}
        </p>
      )}

      {count > 0 && (
        <>
          <h4 id={`${headingId}-m`}>{t("copy.outcome.matchedHeading")}</h4>
          <ul className="copy-matched" aria-labelledby={`${headingId}-m`} data-testid="outcome-matched">
            {outcome.matched.map((id) => {
              const k = known[id];
              const name = k ? k.title : id;
              return (
                <li key={id} data-testid="matched-record">
                  <span>
                    <span className="copy-matched-title">{name}</span>
                    {k?.controlNumber && <span className="identifier"> {k.controlNumber}</span>}
                  </span>
                  <button
                    type="button"
                    aria-label={t("copy.outcome.openMatchedLabel", { name })}
                    onClick={() => onOpenRecord(id)}
                    data-testid="open-matched"
                  >
                    {t("copy.outcome.openMatched")}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}

      <h4 id={`${headingId}-i`}>{t("copy.outcome.issuesHeading")}</h4>
      {outcome.issues.length === 0 ? (
        <p data-testid="outcome-no-issues">{t("copy.outcome.noIssues")}</p>
      ) : (
        <>
          <p className={errors > 0 && imported ? "transfer-warning" : "transfer-hint"} data-testid="outcome-issues-intro">
            {t(imported ? "copy.outcome.issuesImported" : "copy.outcome.issuesSkipped")}
          </p>
          <ul className="copy-issues" aria-labelledby={`${headingId}-i`} data-testid="outcome-issues">
            {outcome.issues.map((issue, i) => (
              <li key={i} className={`severity-${issue.severity}`} data-testid="outcome-issue">
                <strong>{t(`copy.outcome.severity.${issue.severity === "error" ? "error" : "warning"}`)}</strong>
                {issue.field && (
                  <>
                    {" "}
                    <span className="copy-issue-field">
                      {t("copy.outcome.field")} <span className="identifier">{issue.field}</span>
                    </span>
                  </>
                )}
                {": "}
                {issue.message}
              </li>
            ))}
          </ul>
        </>
      )}

      <div className="dialog-actions">
        <button type="button" onClick={onBack} data-testid="outcome-back">
          {t("copy.outcome.back")}
        </button>
        <button type="button" onClick={onClose} data-testid="outcome-close">
          {t("copy.close")}
        </button>
        <button type="button" onClick={() => onEditRecord(outcome.record_id)} data-testid="outcome-edit">
          {t("copy.outcome.edit")}
        </button>
        <button type="button" className="primary" onClick={() => onOpenRecord(outcome.record_id)} data-testid="outcome-open">
          {t("copy.outcome.open")}
        </button>
      </div>
    </section>
  );
}
