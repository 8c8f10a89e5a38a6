import { useTranslation } from "react-i18next";
import type { CatalogSummary } from "../bindings/CatalogSummary";
import { currentLanguage, formatNumber } from "../i18n";

export function StatusBar({ summary, failed = false }: { summary: CatalogSummary | null; failed?: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  return (
    <footer className="status-bar" aria-label={t("status.label")}>
      {summary ? (
        <>
          <span className="status-item status-path-item">
            <span className="status-label">{t("status.path")}</span>{" "}
            <span data-testid="status-path" className="status-value" title={summary.path}>
              {summary.path}
            </span>
          </span>
          <span className="status-item">
            <span className="status-label">{t("status.node")}</span>{" "}
            <span data-testid="status-node" className="status-value">
              {summary.node_id}
            </span>
          </span>
          <span
            className={`status-item status-unsynced${summary.unsynced_changes > 0 ? " has-unsynced" : ""}`}
            data-testid="status-unsynced"
          >
            {t("status.unsynced", {
              count: summary.unsynced_changes,
              formatted: formatNumber(summary.unsynced_changes, lang),
            })}
          </span>
        </>
      ) : (
        <span className="status-item">{failed ? t("status.unavailable") : t("status.loading")}</span>
      )}
    </footer>
  );
}
