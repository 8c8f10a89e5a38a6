import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { Loan } from "../bindings/Loan";
import { currentLanguage } from "../i18n";
import { dayFormatter, formatCount } from "./format";
import { daysOverdue } from "./period";

/** Most overdue first: earliest due day, then earliest due time, then card, so the order is stable. */
export function sortOverdue(loans: Loan[]): Loan[] {
  return [...loans].sort(
    (a, b) =>
      a.due_on.localeCompare(b.due_on) ||
      a.due_at.localeCompare(b.due_at) ||
      a.patron_barcode.localeCompare(b.patron_barcode) ||
      a.item_barcode.localeCompare(b.item_barcode),
  );
}

export function OverdueTable({ loans, today, branchName }: { loans: Loan[]; today: string; branchName(code: string): string }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const id = useId();
  const longDay = dayFormatter(lang, "long");
  const sorted = sortOverdue(loans);
  return (
    <section className="report-overdue" aria-labelledby={`${id}-title`} data-testid="report-overdue">
      <h3 id={`${id}-title`}>{t("report.overdue.title")}</h3>
      <p className="report-note">{t("report.overdue.note")}</p>
      {sorted.length === 0 ? (
        <p data-testid="report-overdue-empty">{t("report.overdue.empty")}</p>
      ) : (
        <div className="report-table-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
          <table className="report-overdue-table" data-testid="report-overdue-table">
            <caption id={`${id}-caption`} className="visually-hidden">{t("report.overdue.caption", { count: sorted.length, n: formatCount(sorted.length, lang) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("report.overdue.patron")}</th>
                <th scope="col">{t("report.overdue.titleColumn")}</th>
                <th scope="col">{t("report.overdue.item")}</th>
                <th scope="col">{t("report.overdue.due")}</th>
                <th scope="col" className="num">
                  {t("report.overdue.days")}
                </th>
                <th scope="col">{t("report.overdue.branch")}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((loan) => (
                <tr key={loan.id} data-testid="report-overdue-row">
                  <td className="mono">{loan.patron_barcode}</td>
                  <td>{loan.title}</td>
                  <td className="mono">{loan.item_barcode}</td>
                  <td>
                    <time dateTime={loan.due_on}>{longDay(loan.due_on)}</time>
                  </td>
                  <td className="num">{formatCount(daysOverdue(loan.due_on, today), lang)}</td>
                  <td>{branchName(loan.branch_code)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
