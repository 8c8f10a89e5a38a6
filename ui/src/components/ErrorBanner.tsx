import { useTranslation } from "react-i18next";
import type { ErrorPayload } from "../bindings/ErrorPayload";

export function ErrorBanner({ error, onDismiss }: { error: ErrorPayload; onDismiss: () => void }) {
  const { t } = useTranslation();
  const detail = [error.message, error.details].filter((s): s is string => !!s).join(" — ");
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-code={error.code}>
      <div className="error-text">
        <strong data-testid="error-title">{t(`errors.${error.code}`)}</strong>
        {detail && (
          <span className="error-detail" data-testid="error-detail">
            {t("errors.detail")} {detail}
          </span>
        )}
      </div>
      <button type="button" className="error-dismiss" onClick={onDismiss}>
        {t("errors.dismiss")}
      </button>
    </div>
  );
}
