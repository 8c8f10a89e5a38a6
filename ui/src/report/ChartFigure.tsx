import { useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

export interface DataTable {
  /** Column headers; the first column holds the row headers. */
  columns: string[];
  rows: { key: string; cells: string[] }[];
}

/**
 * A chart with its title, a description a screen reader announces, and the same numbers as a
 * table. The table is always in the accessibility tree (visually hidden until shown), so the
 * picture itself is hidden from assistive technology rather than described twice.
 */
export function ChartFigure({
  testId,
  title,
  description,
  table,
  children,
}: {
  testId: string;
  title: string;
  description: string;
  table: DataTable;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [shown, setShown] = useState(false);
  return (
    <figure className="report-figure" data-testid={testId} aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
      <div className="report-figure-head">
        <h3 id={`${id}-title`}>{title}</h3>
        <button
          type="button"
          className="report-table-toggle"
          aria-expanded={shown}
          aria-controls={`${id}-table`}
          onClick={() => setShown((s) => !s)}
        >
          {shown ? t("report.chart.hideTable") : t("report.chart.showTable")}
        </button>
      </div>
      <p id={`${id}-desc`} className="report-figure-desc">
        {description}
      </p>
      <div className="report-chart" aria-hidden="true">
        {children}
      </div>
      {/* Shown, it scrolls: a focusable region so the keyboard can scroll it too. */}
      <div
        id={`${id}-table`}
        className={shown ? "report-data" : "report-data visually-hidden"}
        role={shown ? "region" : undefined}
        aria-labelledby={shown ? `${id}-title` : undefined}
        tabIndex={shown ? 0 : undefined}
      >
        <table data-testid={`${testId}-table`}>
          <caption>{title}</caption>
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={i} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={i}>{cell}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
