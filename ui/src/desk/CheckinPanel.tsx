import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { Branch } from "../bindings/Branch";
import type { CheckinAction } from "../bindings/CheckinAction";
import type { CheckinResult } from "../bindings/CheckinResult";
import { ProblemPanel, ScanField, SuccessPanel, problemOf, useLang, type Problem } from "./common";
import { formatDueDay, formatMoney, localInputToRfc3339, scanQueue } from "./format";
import { playTone } from "./sound";

export interface CheckinPanelProps {
  api: CatalogApi;
  branch: string | null;
  branches: Branch[];
  /** Changes when the desk wants the focus in the scan field. */
  focusRequest: number;
  onChanged(): void;
}

type Outcome = { kind: "returned"; result: CheckinResult } | { kind: "problem"; problem: Problem };

/** Where the book goes next, in the words on the big panel. */
export function useActionText(branches: Branch[]): (action: CheckinAction) => string {
  const { t } = useTranslation();
  const lang = useLang();
  const branchName = (code: string) => branches.find((b) => b.code === code)?.name ?? code;
  return (action) => {
    switch (action.kind) {
      case "reshelve":
        return t("desk.checkin.action.reshelve");
      case "hold_shelf":
        return t("desk.checkin.action.holdShelf", {
          patron: action.patron_name,
          card: action.patron_barcode,
          date: formatDueDay(action.shelf_expires_on, lang),
        });
      case "transit":
        return action.hold_id
          ? t("desk.checkin.action.transitHold", { branch: branchName(action.branch_code) })
          : t("desk.checkin.action.transitHome", { branch: branchName(action.branch_code) });
    }
  };
}

/** Check in: scan, and the panel says what to do with the book in big words. */
export function CheckinPanel(props: CheckinPanelProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const { api, onChanged } = props;
  const inputRef = useRef<HTMLInputElement>(null);
  const branchRef = useRef(props.branch);
  branchRef.current = props.branch;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [returned, setReturned] = useState<CheckinResult[]>([]);
  const [backdate, setBackdate] = useState("");
  const backdateRef = useRef(backdate);
  backdateRef.current = backdate;
  const enqueue = useMemo(() => scanQueue(), []);
  const actionText = useActionText(props.branches);

  useEffect(() => {
    if (props.focusRequest > 0) inputRef.current?.focus();
  }, [props.focusRequest]);

  const onScan = useCallback(
    (item: string) => {
      void enqueue(async () => {
        const desk = branchRef.current;
        if (!desk) {
          setOutcome({
            kind: "problem",
            problem: { kind: "error", error: { code: "invalid_input", message: "", details: null }, subject: "branch", barcode: "" },
          });
          playTone("refusal");
          return;
        }
        try {
          const result = await api.checkin(item, desk, localInputToRfc3339(backdateRef.current));
          setOutcome({ kind: "returned", result });
          setReturned((r) => [result, ...r].slice(0, 50));
          playTone("success");
          onChanged();
        } catch (err) {
          setOutcome({ kind: "problem", problem: problemOf(err, "item", item) });
          playTone("refusal");
        }
      });
    },
    [api, enqueue, onChanged],
  );

  return (
    <div className="desk-panel-body">
      <div className="desk-scan-row">
        <ScanField
          id="desk-checkin-scan"
          testId="checkin-scan"
          inputRef={inputRef}
          label={t("desk.checkin.scan")}
          hint={t("desk.checkin.hint")}
          onScan={onScan}
        />
      </div>
      <details className="desk-backdate" data-testid="checkin-backdate">
        <summary>{t("desk.checkin.backdate")}</summary>
        <label htmlFor="desk-checkin-at">{t("desk.checkin.backdateLabel")}</label>
        <input
          id="desk-checkin-at"
          type="datetime-local"
          data-testid="checkin-at"
          value={backdate}
          onChange={(e) => setBackdate(e.target.value)}
        />
        {backdate && (
          <button type="button" onClick={() => setBackdate("")}>
            {t("desk.checkin.backdateClear")}
          </button>
        )}
      </details>

      {outcome?.kind === "returned" && (
        <SuccessPanel testId="checkin-outcome">
          <p className="desk-outcome-action" data-testid="checkin-action" data-action={outcome.result.action.kind}>
            {actionText(outcome.result.action)}
          </p>
          <p className="desk-outcome-title" data-testid="checkin-title">
            {outcome.result.title}
          </p>
          <p className="desk-outcome-sub">{t("desk.outcome.barcode", { barcode: outcome.result.item_barcode })}</p>
          {outcome.result.loan === null && <p className="desk-outcome-sub">{t("desk.checkin.notOnLoan")}</p>}
          {outcome.result.fine_charged > 0 && (
            <p className="desk-outcome-fine" data-testid="checkin-fine">
              {t("desk.checkin.fine", { amount: formatMoney(outcome.result.fine_charged, lang) })}
            </p>
          )}
        </SuccessPanel>
      )}
      {outcome?.kind === "problem" && <ProblemPanel testId="checkin-outcome" problem={outcome.problem} />}

      {returned.length > 0 && (
        <section className="desk-card" aria-labelledby="desk-returned-title" data-testid="checkin-session">
          <h3 id="desk-returned-title">{t("desk.checkin.session", { count: returned.length })}</h3>
          <ol className="desk-list">
            {returned.map((r, i) => (
              <li key={`${r.item_barcode}-${returned.length - i}`}>
                <span className="desk-list-title">{r.title}</span>{" "}
                <span className="desk-muted">
                  {r.item_barcode} · {actionText(r.action)}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
