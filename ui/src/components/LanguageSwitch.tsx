import { useTranslation } from "react-i18next";
import { currentLanguage, type Language } from "../i18n";

// Language names are shown in their own language, whatever the UI language is.
const NAMES: Record<Language, string> = { vi: "Tiếng Việt", en: "English" };

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  return (
    <div className="lang-switch" role="group" aria-label={t("app.languageSwitch")}>
      {(Object.keys(NAMES) as Language[]).map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          data-testid={`lang-${code}`}
          aria-pressed={lang === code}
          onClick={() => void i18n.changeLanguage(code)}
        >
          {NAMES[code]}
        </button>
      ))}
    </div>
  );
}
