import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { CirculationStats } from "../bindings/CirculationStats";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { KeyCount } from "../bindings/KeyCount";
import { currentLanguage } from "../i18n";
import { ChartFigure, type DataTable } from "./ChartFigure";
import type { BarDatum, DailyPoint } from "./charts";
import { dayFormatter, formatCount } from "./format";
import { OverdueTable } from "./OverdueTable";
import { localDay, presetPeriod, type Period } from "./period";
import { PeriodPicker } from "./PeriodPicker";
import { SummaryCards } from "./SummaryCards";
import "./report.css";

export interface ReportScreenProps {
  api: CatalogApi;
  onError(err: unknown): void;
}

type Load =
  | { state: "loading" }
  | { state: "ready"; stats: CirculationStats }
  | { state: "failed"; error: ErrorPayload };

type Export = { state: "idle" } | { state: "saving" } | { state: "saved"; path: string } | { state: "failed"; error: ErrorPayload };

/*
 * recharts is most of the report's weight; loading it with the screen keeps it out of the
 * bundle every window start parses. The tables (the numbers) do not wait for it.
 */
const DailyChart = lazy(() => import("./charts").then((m) => ({ default: m.DailyChart })));
const CountBars = lazy(() => import("./charts").then((m) => ({ default: m.CountBars })));

/** The circulation report: a period, its totals, four charts with their tables, and what is overdue now. */
export function ReportScreen({ api, onError }: ReportScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  // The wall-clock day, read once: a report left open past midnight keeps its period.
  const [today] = useState(() => localDay(new Date()));
  const [period, setPeriod] = useState<Period>(() => presetPeriod("last30", today));
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [exporting, setExporting] = useState<Export>({ state: "idle" });
  const [branches, setBranches] = useState<Map<string, string>>(new Map());
  const request = useRef(0);

  useEffect(() => {
    let live = true;
    api.branches().then(
      (list) => live && setBranches(new Map(list.map((b) => [b.code, b.name]))),
      // Without names the report still works with branch codes; say why the names are missing.
      (err) => live && onError(err),
    );
    return () => {
      live = false;
    };
  }, [api, onError]);

  const fetchStats = useCallback(
    (p: Period) => {
      const mine = ++request.current;
      setLoad({ state: "loading" });
      setExporting({ state: "idle" });
      api.circulationStats(p.from, p.to).then(
        (stats) => mine === request.current && setLoad({ state: "ready", stats }),
        (err) => mine === request.current && setLoad({ state: "failed", error: toErrorPayload(err) }),
      );
    },
    [api],
  );

  useEffect(() => fetchStats(period), [fetchStats, period]);

  const branchName = useCallback((code: string) => branches.get(code) ?? code, [branches]);

  const exportCsv = async () => {
    setExporting({ state: "saving" });
    try {
      const path = await api.pickFile("save", `shelfmark-circulation-${period.from}-${period.to}.csv`);
      if (path === null) {
        setExporting({ state: "idle" });
        return;
      }
      await api.exportCirculationStats(period.from, period.to, path);
      setExporting({ state: "saved", path });
    } catch (err) {
      setExporting({ state: "failed", error: toErrorPayload(err) });
    }
  };

  const longDay = dayFormatter(lang, "long");

  return (
    <section className="report" data-testid="report-screen" aria-labelledby="report-title">
      <header className="report-head">
        <div>
          <h2 id="report-title">{t("report.title")}</h2>
          <p className="report-range" data-testid="report-range">
            {t("report.range", { from: longDay(period.from), to: longDay(period.to) })}
          </p>
        </div>
        <div className="report-export">
          <button
            type="button"
            data-testid="report-export"
            disabled={load.state !== "ready" || exporting.state === "saving"}
            onClick={() => void exportCsv()}
          >
            {exporting.state === "saving" ? t("report.export.saving") : t("report.export.button")}
          </button>
        </div>
      </header>
      <div role="status" className="report-export-status" data-testid="report-export-status">
        {exporting.state === "saved" && t("report.export.saved", { path: exporting.path })}
      </div>
      {exporting.state === "failed" && <ErrorNote testId="report-export-error" lead={t("report.export.failed")} error={exporting.error} />}

      <PeriodPicker period={period} today={today} onChange={setPeriod} />

      <div className="report-body" aria-busy={load.state === "loading"}>
        {load.state === "loading" && (
          <p role="status" className="report-loading" data-testid="report-loading">
            {t("report.loading")}
          </p>
        )}
        {load.state === "failed" && (
          <div className="report-failed">
            <ErrorNote testId="report-error" lead={t("report.failed")} error={load.error} />
            <button type="button" data-testid="report-retry" onClick={() => fetchStats(period)}>
              {t("report.retry")}
            </button>
          </div>
        )}
        {load.state === "ready" && <Results stats={load.stats} today={today} branchName={branchName} />}
      </div>
    </section>
  );
}

function ErrorNote({ testId, lead, error }: { testId: string; lead: string; error: ErrorPayload }) {
  const { t } = useTranslation();
  const detail = [error.message, error.details].filter((s): s is string => !!s).join(" — ");
  return (
    <div role="alert" className="report-error" data-testid={testId} data-code={error.code}>
      <strong>{lead}</strong> {t(`errors.${error.code}`)}
      {detail && <span className="report-error-detail"> {detail}</span>}
    </div>
  );
}

function Results({ stats, today, branchName }: { stats: CirculationStats; today: string; branchName(code: string): string }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const count = useCallback((n: number) => formatCount(n, lang), [lang]);
  const axisDay = useMemo(() => dayFormatter(lang, "axis"), [lang]);
  const longDay = useMemo(() => dayFormatter(lang, "long"), [lang]);

  const points = useMemo<DailyPoint[]>(() => {
    const returns = new Map(stats.returns_per_day.map((d) => [d.day, d.count]));
    const days = new Set([...stats.loans_per_day.map((d) => d.day), ...returns.keys()]);
    const loans = new Map(stats.loans_per_day.map((d) => [d.day, d.count]));
    return [...days].sort().map((day) => ({ day, loans: loans.get(day) ?? 0, returns: returns.get(day) ?? 0 }));
  }, [stats]);

  const empty = stats.loans === 0 && stats.returns === 0;

  return (
    <>
      <SummaryCards stats={stats} />
      {empty ? (
        <p className="report-empty" data-testid="report-empty">
          {t("report.empty")}
        </p>
      ) : (
        <div className="report-charts">
          <DailyFigure points={points} count={count} axisDay={axisDay} longDay={longDay} />
          <BarsFigure
            testId="report-by-branch"
            title={t("report.byBranch.title")}
            keyHeader={t("report.byBranch.key")}
            counts={stats.loans_by_branch}
            label={branchName}
            count={count}
          />
          <BarsFigure
            testId="report-by-category"
            title={t("report.byCategory.title")}
            keyHeader={t("report.byCategory.key")}
            counts={stats.loans_by_category}
            label={(key) => t(`report.category.${key}`, { defaultValue: key })}
            count={count}
          />
          <BarsFigure
            testId="report-by-item-type"
            title={t("report.byItemType.title")}
            keyHeader={t("report.byItemType.key")}
            counts={stats.loans_by_item_type}
            label={(key) => t(`items.type.${key}`, { defaultValue: key })}
            count={count}
          />
        </div>
      )}
      <OverdueTable loans={stats.overdue} today={today} branchName={branchName} />
    </>
  );
}

function DailyFigure({
  points,
  count,
  axisDay,
  longDay,
}: {
  points: DailyPoint[];
  count(n: number): string;
  axisDay(day: string): string;
  longDay(day: string): string;
}) {
  const { t } = useTranslation();
  const loans = points.reduce((s, p) => s + p.loans, 0);
  const returns = points.reduce((s, p) => s + p.returns, 0);
  const busiest = points.reduce<DailyPoint | null>((best, p) => (best === null || p.loans > best.loans ? p : best), null);
  const description = [
    t("report.daily.description", { days: count(points.length), count: points.length, loans: count(loans), returns: count(returns) }),
    busiest && busiest.loans > 0 ? t("report.daily.busiest", { day: longDay(busiest.day), loans: count(busiest.loans) }) : "",
    t("report.chart.tableHint"),
  ]
    .filter(Boolean)
    .join(" ");
  const table: DataTable = {
    columns: [t("report.daily.day"), t("report.daily.loans"), t("report.daily.returns")],
    rows: points.map((p) => ({ key: p.day, cells: [longDay(p.day), count(p.loans), count(p.returns)] })),
  };
  return (
    <ChartFigure testId="report-daily" title={t("report.daily.title")} description={description} table={table}>
      <Suspense fallback={null}>
        <DailyChart
          points={points}
          loansLabel={t("report.daily.loans")}
          returnsLabel={t("report.daily.returns")}
          formatDay={axisDay}
          formatCount={count}
        />
      </Suspense>
    </ChartFigure>
  );
}

function BarsFigure({
  testId,
  title,
  keyHeader,
  counts,
  label,
  count,
}: {
  testId: string;
  title: string;
  keyHeader: string;
  counts: KeyCount[];
  label(key: string): string;
  count(n: number): string;
}) {
  const { t } = useTranslation();
  // Largest first, then by name, so the chart and the table read the same way.
  const bars: BarDatum[] = counts
    .map((c) => ({ key: c.key, label: label(c.key), count: c.count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const top = bars[0];
  const description = [
    top ? t("report.bars.description", { groups: count(bars.length), count: bars.length, top: top.label, loans: count(top.count) }) : t("report.bars.none"),
    t("report.chart.tableHint"),
  ].join(" ");
  const table: DataTable = {
    columns: [keyHeader, t("report.bars.loans")],
    rows: bars.map((b) => ({ key: b.key, cells: [b.label, count(b.count)] })),
  };
  return (
    <ChartFigure testId={testId} title={title} description={description} table={table}>
      {bars.length > 0 && (
        <Suspense fallback={null}>
          <CountBars bars={bars} formatCount={count} />
        </Suspense>
      )}
    </ChartFigure>
  );
}
