import { useTranslation } from "react-i18next";
import type { ErrorPayload } from "../bindings/ErrorPayload";

/** A failure in a rights screen: what failed, the error's meaning, and core's own words. */
export function RightsError({ testId, lead, error }: { testId: string; lead: string; error: ErrorPayload }) {
  const { t } = useTranslation();
  const detail = [error.message, error.details].filter((s): s is string => !!s).join(" — ");
  return (
    <div role="alert" className="rights-error" data-testid={testId} data-code={error.code}>
      <strong>{lead}</strong> {t(`errors.${error.code}`, { defaultValue: "" })}
      {detail && <span className="rights-error-detail"> {detail}</span>}
    </div>
  );
}
