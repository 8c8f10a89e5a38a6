import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { Refusal } from "../bindings/Refusal";
import type { RenewResult } from "../bindings/RenewResult";
import { OverrideDialog, ProblemPanel, ScanField, SuccessPanel, problemOf, useLang, type Problem } from "./common";
import { formatDueDay, formatMoney, refusalMessage, scanQueue } from "./format";
import { playTone } from "./sound";

export interface RenewPanelProps {
  api: CatalogApi;
  /** Changes when the desk wants the focus in the scan field. */
  focusRequest: number;
  onChanged(): void;
}

type Outcome = { kind: "renewed"; result: RenewResult } | { kind: "problem"; problem: Problem; item: string };

/** Renew by scanning the book: the new due date, or why not (with the override). */
export function RenewPanel(props: RenewPanelProps) {
  const { t } = useTranslation();
  const { api, onChanged } = props;
  const inputRef = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [override, setOverride] = useState<{ item: string; refusal: Refusal } | null>(null);
  const enqueue = useMemo(() => scanQueue(), []);

  useEffect(() => {
    if (props.focusRequest > 0 && !override) inputRef.current?.focus();
  }, [props.focusRequest, override]);

  const renew = useCallback(
    async (item: string, reason: string | null) => {
      try {
        const result = await api.renew(item, reason);
        setOutcome({ kind: "renewed", result });
        playTone("success");
        onChanged();
      } catch (err) {
        setOutcome({ kind: "problem", problem: problemOf(err, "item", item), item });
        playTone("refusal");
      }
    },
    [api, onChanged],
  );

  return (
    <div className="desk-panel-body">
      <div className="desk-scan-row">
        <ScanField
          id="desk-renew-scan"
          testId="renew-scan"
          inputRef={inputRef}
          label={t("desk.renew.scan")}
          hint={t("desk.renew.hint")}
          onScan={(code) => void enqueue(() => renew(code, null))}
        />
      </div>
      {outcome?.kind === "renewed" && <RenewedPanel result={outcome.result} testId="renew-outcome" />}
      {outcome?.kind === "problem" && (
        <ProblemPanel
          testId="renew-outcome"
          problem={outcome.problem}
          onOverride={
            outcome.problem.kind === "refused"
              ? () => setOverride({ item: outcome.item, refusal: (outcome.problem as { refusal: Refusal }).refusal })
              : undefined
          }
        />
      )}
      {override && (
        <OverrideDialog
          refusal={override.refusal}
          onCancel={() => setOverride(null)}
          onConfirm={(reason) => {
            const item = override.item;
            setOverride(null);
            void enqueue(() => renew(item, reason));
          }}
        />
      )}
    </div>
  );
}

export function RenewedPanel({ result, testId }: { result: RenewResult; testId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <SuccessPanel testId={testId}>
      <p className="desk-outcome-title" data-testid={`${testId}-title`}>
        {result.loan.title}
      </p>
      <p className="desk-outcome-due" data-testid={`${testId}-due`}>
        {t("desk.renew.newDue", { date: formatDueDay(result.loan.due_on, lang) })}
      </p>
      <p className="desk-outcome-sub">{t("desk.renew.count", { count: result.loan.renewals })}</p>
      {result.fine_charged > 0 && (
        <p className="desk-outcome-fine">{t("desk.checkin.fine", { amount: formatMoney(result.fine_charged, lang) })}</p>
      )}
      {result.overridden.length > 0 && (
        <p className="desk-outcome-sub">
          {t("desk.override.done", { reasons: result.overridden.map((r) => refusalMessage(r, lang)).join(" ") })}
        </p>
      )}
    </SuccessPanel>
  );
}
