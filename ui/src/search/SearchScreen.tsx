import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { CatalogSummary } from "../bindings/CatalogSummary";
import { RecordList } from "../components/RecordList";
import { currentLanguage, formatNumber } from "../i18n";

export interface SearchScreenProps {
  api: CatalogApi;
  /** null while the first summary is on its way. */
  summary: CatalogSummary | null;
  summaryFailed: boolean;
  /** The search box's text, kept by the app so it survives opening a record and coming back. */
  query: string;
  onQueryChange(query: string): void;
  /** Opens a record (Enter or a click on a result). */
  onOpen(id: string): void;
  onError(err: unknown): void;
}

/** The catalog: every record in title order. */
export function SearchScreen({ api, summary, summaryFailed, onError }: SearchScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const total = summary?.records ?? 0;
  return (
    <>
      <div className="list-title">
        <h2 data-testid="list-heading">{t("records.heading")}</h2>
        <p className="record-count" data-testid="record-count" aria-live="polite">
          {summary
            ? t("records.count", { count: total, formatted: formatNumber(total, lang) })
            : summaryFailed
              ? t("records.countUnavailable")
              : t("records.countLoading")}
        </p>
      </div>
      {summary && total > 0 ? (
        <RecordList api={api} total={total} onError={onError} />
      ) : summary ? (
        <p className="empty-state">{t("records.empty")}</p>
      ) : null}
    </>
  );
}
