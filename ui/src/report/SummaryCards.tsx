import { useTranslation } from "react-i18next";
import type { CirculationStats } from "../bindings/CirculationStats";
import { currentLanguage } from "../i18n";
import { formatCount, formatMoney } from "./format";

export function SummaryCards({ stats }: { stats: CirculationStats }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const cards: [string, string][] = [
    ["loans", formatCount(stats.loans, lang)],
    ["returns", formatCount(stats.returns, lang)],
    ["renewals", formatCount(stats.renewals, lang)],
    ["fines", formatMoney(stats.fines_charged, lang)],
    ["overdue", formatCount(stats.overdue.length, lang)],
  ];
  return (
    <dl className="report-cards" data-testid="report-summary">
      {cards.map(([key, value]) => (
        <div key={key} className="report-card" data-testid={`report-card-${key}`}>
          <dt>{t(`report.summary.${key}`)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
