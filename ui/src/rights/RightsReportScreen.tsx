import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { RightsReport } from "../bindings/RightsReport";
import { currentLanguage } from "../i18n";
import { ChartFigure, type DataTable } from "../report/ChartFigure";
import type { BarDatum } from "../report/charts";
import { dayFormatter, formatCount } from "../report/format";
import { inStatusOrder } from "./logic";
import { RightsError } from "./RightsError";
import "../report/report.css";
import "./rights.css";

export interface RightsReportScreenProps {
  api: CatalogApi;
  onOpenRecord(id: string): void;
  /** Opens the review queue (from the not-evaluated count). */
  onReview(): void;
}

type Load = { state: "loading" } | { state: "ready"; report: RightsReport } | { state: "failed"; error: ErrorPayload };
type Export = { state: "idle" } | { state: "saving" } | { state: "saved"; path: string } | { state: "failed"; error: ErrorPayload };

// recharts loads with the screen, as in the circulation report (the same chart pieces).
const CountBars = lazy(() => import("../report/charts").then((m) => ({ default: m.CountBars })));

/**
 * The rights report: works by status, works entering the public domain on each of the next
 * ten 1 Januaries, what is not evaluated or undetermined, the works entering next 1 January,
 * and the CSV. Every chart has its table.
 */
export function RightsReportScreen({ api, onOpenRecord, onReview }: RightsReportScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const count = useCallback((n: number) => formatCount(n, lang), [lang]);
  const longDay = useMemo(() => dayFormatter(lang, "long"), [lang]);
  const [asOf, setAsOf] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [exporting, setExporting] = useState<Export>({ state: "idle" });
  const [reloads, setReloads] = useState(0);
  const request = useRef(0);

  useEffect(() => {
    const mine = ++request.current;
    setLoad({ state: "loading" });
    api.rightsReport(asOf).then(
      (report) => {
        if (mine !== request.current) return;
        setLoad({ state: "ready", report });
        setDraft((d) => d || report.as_of);
      },
      (err) => mine === request.current && setLoad({ state: "failed", error: toErrorPayload(err) }),
    );
  }, [api, asOf, reloads]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setExporting({ state: "idle" });
    setAsOf(draft || null);
  };

  const exportCsv = async (report: RightsReport) => {
    setExporting({ state: "saving" });
    try {
      const path = await api.pickFile("save", `shelfmark-rights-${report.as_of}.csv`);
      if (path === null) {
        setExporting({ state: "idle" });
        return;
      }
      await api.exportRightsReport(asOf, path);
      setExporting({ state: "saved", path });
    } catch (err) {
      setExporting({ state: "failed", error: toErrorPayload(err) });
    }
  };

  const report = load.state === "ready" ? load.report : null;

  return (
    <section className="rights report" data-testid="rights-report" aria-labelledby="rights-report-title">
      <header className="report-head">
        <div>
          <h2 id="rights-report-title">{t("rights.report.title")}</h2>
          {report && (
            <p className="report-range" data-testid="rights-report-as-of">
              {t("rights.report.asOfText", { day: longDay(report.as_of), jurisdiction: report.jurisdiction, records: count(report.records) })}
            </p>
          )}
        </div>
        <div className="report-export">
          <button
            type="button"
            data-testid="rights-report-export"
            disabled={!report || exporting.state === "saving"}
            onClick={() => report && void exportCsv(report)}
          >
            {exporting.state === "saving" ? t("rights.report.export.saving") : t("rights.report.export.button")}
          </button>
        </div>
      </header>
      <div role="status" data-testid="rights-report-export-status">
        {exporting.state === "saved" && t("rights.report.export.saved", { path: exporting.path })}
      </div>
      {exporting.state === "failed" && (
        <RightsError testId="rights-report-export-error" lead={t("rights.report.export.failed")} error={exporting.error} />
      )}
      <form className="rights-controls" onSubmit={apply} data-testid="rights-report-form">
        <label>
          {t("rights.report.asOf")}{" "}
          <input type="date" value={draft} onChange={(e) => setDraft(e.target.value)} data-testid="rights-report-date" />
        </label>
        <button type="submit" data-testid="rights-report-apply">
          {t("rights.report.apply")}
        </button>
      </form>
      <div aria-busy={load.state === "loading"}>
        {load.state === "loading" && <p data-testid="rights-report-loading">{t("rights.report.loading")}</p>}
        {load.state === "failed" && (
          <div>
            <RightsError testId="rights-report-error" lead={t("rights.report.failed")} error={load.error} />
            <button type="button" onClick={() => setReloads((n) => n + 1)}>
              {t("rights.report.retry")}
            </button>
          </div>
        )}
        {report && <Results report={report} count={count} longDay={longDay} onOpenRecord={onOpenRecord} onReview={onReview} />}
      </div>
    </section>
  );
}

function Results({
  report,
  count,
  longDay,
  onOpenRecord,
  onReview,
}: {
  report: RightsReport;
  count(n: number): string;
  longDay(day: string): string;
  onOpenRecord(id: string): void;
  onReview(): void;
}) {
  const { t } = useTranslation();
  const statusBars: BarDatum[] = inStatusOrder(report.by_status).map((c) => ({
    key: c.status,
    label: t(`rights.status.${c.status}.name`),
    count: c.count,
  }));
  const top = [...statusBars].sort((a, b) => b.count - a.count)[0];
  const statusTable: DataTable = {
    columns: [t("rights.report.byStatus.status"), t("rights.report.byStatus.count")],
    rows: statusBars.map((b) => ({ key: b.key, cells: [b.label, count(b.count)] })),
  };
  const yearBars: BarDatum[] = report.public_domain_by_year.map((y) => ({ key: String(y.year), label: String(y.year), count: y.count }));
  const yearTable: DataTable = {
    columns: [t("rights.report.byYear.year"), t("rights.report.byYear.count")],
    rows: yearBars.map((b) => ({ key: b.key, cells: [b.label, count(b.count)] })),
  };
  const yearTotal = yearBars.reduce((s, b) => s + b.count, 0);
  const nextDay = longDay(report.next_public_domain_day);

  return (
    <>
      <ul className="rights-cards" data-testid="rights-report-cards">
        <li>
          <span className="rights-card-value">{count(report.records)}</span> {t("rights.report.records")}
        </li>
        <li data-testid="rights-report-not-evaluated">
          <span className="rights-card-value">{count(report.not_evaluated)}</span> {t("rights.report.notEvaluated")}
        </li>
        <li data-testid="rights-report-undetermined">
          <span className="rights-card-value">{count(report.undetermined)}</span> {t("rights.report.undetermined")}
        </li>
        <li>
          <button type="button" data-testid="rights-report-review" onClick={onReview}>
            {t("rights.report.reviewLink")}
          </button>
        </li>
      </ul>
      <div className="report-charts">
        <ChartFigure
          testId="rights-report-by-status"
          title={t("rights.report.byStatus.title")}
          description={[
            top ? t("rights.report.byStatus.description", { groups: count(statusBars.length), top: top.label, count: count(top.count) }) : "",
            t("report.chart.tableHint"),
          ]
            .filter(Boolean)
            .join(" ")}
          table={statusTable}
        >
          {statusBars.length > 0 && (
            <Suspense fallback={null}>
              <CountBars bars={statusBars} formatCount={count} />
            </Suspense>
          )}
        </ChartFigure>
        <ChartFigure
          testId="rights-report-by-year"
          title={t("rights.report.byYear.title")}
          description={[
            yearBars.length > 0
              ? t("rights.report.byYear.description", { total: count(yearTotal), first: yearBars[0]!.label, last: yearBars[yearBars.length - 1]!.label })
              : "",
            t("report.chart.tableHint"),
          ]
            .filter(Boolean)
            .join(" ")}
          table={yearTable}
        >
          {yearBars.length > 0 && (
            <Suspense fallback={null}>
              <CountBars bars={yearBars} formatCount={count} />
            </Suspense>
          )}
        </ChartFigure>
      </div>
      <section aria-labelledby="rights-entering-title" data-testid="rights-report-entering">
        <h3 id="rights-entering-title">{t("rights.report.entering.title", { day: nextDay })}</h3>
        {report.entering_public_domain.length === 0 ? (
          <p>{t("rights.report.entering.none", { day: nextDay })}</p>
        ) : (
          <table className="rights-table">
            <thead>
              <tr>
                <th scope="col">{t("rights.report.entering.title_col")}</th>
                <th scope="col">{t("rights.report.entering.number")}</th>
                <th scope="col">{t("rights.report.entering.rule")}</th>
              </tr>
            </thead>
            <tbody>
              {report.entering_public_domain.map((e) => (
                <tr key={e.record_id}>
                  <th scope="row">
                    <button type="button" className="rights-open" data-testid={`rights-report-open-${e.record_id}`} onClick={() => onOpenRecord(e.record_id)}>
                      {e.title}
                    </button>
                  </th>
                  <td>{e.control_number ?? ""}</td>
                  <td>
                    <code>{e.rule}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
