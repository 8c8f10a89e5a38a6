import { useTranslation } from "react-i18next";
import type { AccessDecision } from "../bindings/AccessDecision";
import { currentLanguage } from "../i18n";
import { explanationOf } from "./format";

/**
 * What a reader who may not open an object sees instead of it: that it cannot be opened, the
 * access level, the core's explanation in the UI language, and the legal basis when one is given.
 */
export function RefusedPanel({
  decision,
  testId = "viewer-refused",
  alert = true,
}: {
  decision: AccessDecision;
  testId?: string;
  /** Said at once (the viewer); false in a list of results, where many would interrupt. */
  alert?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  return (
    <div className="digital-refused" role={alert ? "alert" : undefined} data-testid={testId} data-access={decision.access} data-basis={decision.basis}>
      <p className="digital-refused-title">
        <strong>{t("digital.refused.title")}</strong>
      </p>
      <dl className="digital-facts">
        <div>
          <dt>{t("digital.refused.level")}</dt>
          <dd data-testid={`${testId}-level`}>{t(`digital.access.${decision.access}`)}</dd>
        </div>
        <div>
          <dt>{t("digital.refused.why")}</dt>
          <dd data-testid={`${testId}-explanation`}>{explanationOf(decision, lang)}</dd>
        </div>
        {decision.citation && (
          <div>
            <dt>{t("digital.refused.citation")}</dt>
            <dd data-testid={`${testId}-citation`}>{decision.citation}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}

/** An exception that opened the object (the print-disability exception): said, with its legal basis. */
export function GrantNote({ decision }: { decision: AccessDecision }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  if (decision.basis !== "print_disability_exception") return null;
  return (
    <p className="digital-grant" data-testid="viewer-grant">
      <strong>{t("digital.grant.exception")}</strong> {explanationOf(decision, lang)}
      {decision.citation && (
        <>
          {" "}
          {t("digital.grant.citation", { citation: decision.citation })}
        </>
      )}
    </p>
  );
}
