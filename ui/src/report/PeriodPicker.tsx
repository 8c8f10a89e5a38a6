import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { PRESETS, periodProblem, presetOf, presetPeriod, type Period, type Preset } from "./period";

/**
 * Presets apply at once; typed dates apply with "Show report" (Enter in a date field too),
 * after a check that both are real days in the right order.
 */
export function PeriodPicker({ period, today, onChange }: { period: Period; today: string; onChange(p: Period): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<Period>(period);
  const [problem, setProblem] = useState<string | null>(null);
  const active = presetOf(period, today);

  // A preset chosen (or a period applied) shows in the date fields.
  useEffect(() => setDraft(period), [period]);

  const choose = (preset: Preset) => {
    setProblem(null);
    onChange(presetPeriod(preset, today));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = periodProblem(draft);
    setProblem(found);
    if (!found) onChange(draft);
  };

  const edit = (end: keyof Period, value: string) => {
    setDraft((d) => ({ ...d, [end]: value }));
    setProblem(null);
  };

  return (
    <form className="report-period" onSubmit={submit} noValidate data-testid="report-period">
      <div role="group" aria-labelledby={`${id}-presets`} className="report-presets">
        <span id={`${id}-presets`} className="report-period-label">
          {t("report.period.label")}
        </span>
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            aria-pressed={active === p}
            data-testid={`report-preset-${p}`}
            onClick={() => choose(p)}
          >
            {t(`report.period.preset.${p}`)}
          </button>
        ))}
      </div>
      <div className="report-custom">
        <label>
          {t("report.period.from")}
          <input
            type="date"
            value={draft.from}
            max={draft.to || undefined}
            data-testid="report-from"
            aria-invalid={problem === "fromInvalid" || problem === "reversed" || undefined}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => edit("from", e.target.value)}
          />
        </label>
        <label>
          {t("report.period.to")}
          <input
            type="date"
            value={draft.to}
            min={draft.from || undefined}
            data-testid="report-to"
            aria-invalid={problem === "toInvalid" || problem === "reversed" || undefined}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => edit("to", e.target.value)}
          />
        </label>
        <button type="submit" data-testid="report-apply">
          {t("report.period.apply")}
        </button>
        {problem && (
          <p id={`${id}-problem`} className="report-problem" role="alert" data-testid="report-period-problem">
            {t(`report.period.problem.${problem}`)}
          </p>
        )}
      </div>
    </form>
  );
}
