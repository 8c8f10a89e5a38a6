import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { Branch } from "../bindings/Branch";
import type { FineEntry } from "../bindings/FineEntry";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { Refusal } from "../bindings/Refusal";
import { OverrideDialog, ProblemPanel, problemOf, useLang, type Problem } from "./common";
import { formatDay, formatMoney, formatTime, parseAmount, refusalMessage } from "./format";
import { PatronSummary } from "./CheckoutPanel";
import { RenewedPanel } from "./RenewPanel";
import type { RenewResult } from "../bindings/RenewResult";
import type { PatronMerge } from "../bindings/PatronMerge";
import { MergeDialog } from "./MergeDialog";

export interface PatronRecordProps {
  api: CatalogApi;
  barcode: string;
  branches: Branch[];
  deskBranch: string | null;
  onBack(): void;
  onChanged(): void;
  onOpenRecord(id: string): void;
  onError(err: unknown): void;
}

type Notice = { kind: "done"; text: string } | { kind: "renewed"; result: RenewResult } | { kind: "problem"; problem: Problem };

/** A retry of something refused, once staff give a reason. */
type Pending = { refusal: Refusal; retry(reason: string): Promise<void> };

/** One reader's record: details, blocks, loans, holds, fines; every write reloads it. */
export function PatronRecord(props: PatronRecordProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const { api, barcode, onChanged, onError } = props;
  const [account, setAccount] = useState<PatronAccount | null>(null);
  const [ledger, setLedger] = useState<FineEntry[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [asking, setAsking] = useState(false);
  const [merging, setMerging] = useState(false);
  const [merged, setMerged] = useState<PatronMerge | null>(null);

  const reload = useCallback(async () => {
    try {
      const [acc, fines] = await Promise.all([api.patronAccount(barcode), api.fineLedger(barcode)]);
      setAccount(acc);
      setLedger(fines);
    } catch (err) {
      onError(err);
    }
  }, [api, barcode, onError]);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** Runs a write; on success reloads and says so; a refusal offers the override if `retry`. */
  const write = useCallback(
    async (
      run: (reason: string | null) => Promise<unknown>,
      done: (value: unknown) => Notice,
      subject: string,
      overridable: boolean,
    ): Promise<boolean> => {
      const attempt = async (reason: string | null): Promise<boolean> => {
        try {
          const value = await run(reason);
          setNotice(done(value));
          onChanged();
          await reload();
          return true;
        } catch (err) {
          const problem = problemOf(err, "item", subject);
          setNotice({ kind: "problem", problem });
          if (overridable && problem.kind === "refused")
            setPending({ refusal: problem.refusal, retry: async (r) => void (await attempt(r)) });
          else setPending(null);
          return false;
        }
      };
      setPending(null);
      return attempt(null);
    },
    [onChanged, reload],
  );

  if (!account) {
    return (
      <p className="desk-muted" role="status">
        {t("desk.record.loading")}
      </p>
    );
  }

  const branchName = (code: string | null) => (code ? (props.branches.find((b) => b.code === code)?.name ?? code) : "—");
  const openLoans = account.loans.filter((l) => !l.returned_at);
  const activeHolds = account.holds.filter((h) => ["waiting", "suspended", "in_transit", "on_shelf"].includes(h.status));

  return (
    <div className="desk-record" data-testid="patron-record">
      <div className="desk-actions">
        <button type="button" data-testid="patron-record-back" onClick={props.onBack}>
          {t("desk.record.back")}
        </button>
        <button type="button" data-testid="merge-open" onClick={() => setMerging(true)}>
          {t("desk.merge.open")}
        </button>
      </div>
      <h3 className="desk-record-name" data-testid="patron-record-name">
        {account.name}
      </h3>

      {account.merged_card && (
        <p className="desk-notice desk-merged-card" role="status" data-testid="merged-card-notice">
          {t("desk.merge.cardNotice", {
            card: account.merged_card.barcode,
            name: account.merged_card.name,
            keep: account.barcode,
            date: formatTime(account.merged_card.merged_at, lang),
            reason: account.merged_card.reason,
          })}
        </p>
      )}
      {merged && (
        <section className="desk-notice desk-merge-done" role="status" data-testid="merge-done" aria-label={t("desk.merge.doneLabel")}>
          <p>{t("desk.merge.done", { card: merged.duplicate_barcode, name: merged.duplicate_name, keep: merged.keep_barcode })}</p>
          <ul>
            <li>{t("desk.merge.movedLoans", { count: merged.loans.length })}</li>
            <li>{t("desk.merge.movedHolds", { count: merged.holds.length })}</li>
            <li>{t("desk.merge.movedFines", { count: merged.fine_entries.length })}</li>
            <li>{t("desk.merge.movedBlocks", { count: merged.blocks.length })}</li>
            {merged.holds_cancelled.map((h) => (
              <li key={h.id}>{t("desk.merge.holdCancelledDone", { title: h.title, card: h.patron_barcode })}</li>
            ))}
            <li>{t("desk.merge.balanceNow", { amount: formatMoney(merged.balance, lang) })}</li>
          </ul>
        </section>
      )}

      {notice?.kind === "done" && (
        <p className="desk-notice" role="status" data-testid="patron-notice">
          {notice.text}
        </p>
      )}
      {notice?.kind === "renewed" && <RenewedPanel result={notice.result} testId="patron-notice" />}
      {notice?.kind === "problem" && (
        <ProblemPanel
          testId="patron-notice"
          problem={notice.problem}
          onOverride={pending ? () => setAsking(true) : undefined}
        />
      )}

      <section className="desk-card" aria-labelledby="desk-record-details">
        <h4 id="desk-record-details">{t("desk.record.details")}</h4>
        <dl className="desk-facts">
          <div>
            <dt>{t("desk.patron.card")}</dt>
            <dd>{account.barcode}</dd>
          </div>
          <div>
            <dt>{t("desk.patron.category")}</dt>
            <dd>{t(`desk.category.${account.category}`, { defaultValue: account.category })}</dd>
          </div>
          <div>
            <dt>{t("desk.patron.expires")}</dt>
            <dd>{formatDay(account.expires_on, lang)}</dd>
          </div>
          <div>
            <dt>{t("desk.register.email")}</dt>
            <dd>{account.email || "—"}</dd>
          </div>
          <div>
            <dt>{t("desk.register.phone")}</dt>
            <dd>{account.phone || "—"}</dd>
          </div>
          <div>
            <dt>{t("desk.register.homeBranch")}</dt>
            <dd>{branchName(account.home_branch_code)}</dd>
          </div>
          <div>
            <dt>{t("desk.record.pin")}</dt>
            <dd>{account.has_pin ? t("desk.record.pinSet") : t("desk.record.pinNone")}</dd>
          </div>
          {account.notes && (
            <div>
              <dt>{t("desk.register.notes")}</dt>
              <dd>{account.notes}</dd>
            </div>
          )}
        </dl>
        {account.refusals.length > 0 && (
          <div className="desk-warnings" data-testid="patron-record-refusals">
            <h5>{t("desk.patron.refusals")}</h5>
            <ul>
              {account.refusals.map((r, i) => (
                <li key={`${r.code}-${i}`}>{refusalMessage(r, lang)}</li>
              ))}
            </ul>
          </div>
        )}
      </section>

      <section className="desk-card" aria-labelledby="desk-record-blocks" data-testid="patron-blocks">
        <h4 id="desk-record-blocks">{t("desk.record.blocks")}</h4>
        {account.manual_blocks.length === 0 ? (
          <p className="desk-muted">{t("desk.record.noBlocks")}</p>
        ) : (
          <ul className="desk-list">
            {account.manual_blocks.map((b) => (
              <li key={b.id}>
                {b.reason}{" "}
                <span className="desk-muted">
                  · {b.blocked_by} · {formatTime(b.blocked_at, lang)}
                </span>{" "}
                <button
                  type="button"
                  data-testid={`unblock-${b.id}`}
                  aria-label={t("desk.record.liftBlockNamed", { reason: b.reason })}
                  onClick={() =>
                    void write(
                      () => api.unblockPatron(b.id),
                      () => ({ kind: "done", text: t("desk.record.blockLifted") }),
                      "",
                      false,
                    )
                  }
                >
                  {t("desk.record.liftBlock")}
                </button>
              </li>
            ))}
          </ul>
        )}
        <TextActionForm
          id="desk-block"
          label={t("desk.record.blockReason")}
          submit={t("desk.record.addBlock")}
          requiredMessage={t("desk.record.reasonRequired")}
          onSubmit={(reason) =>
            write(
              () => api.blockPatron(account.barcode, reason),
              () => ({ kind: "done", text: t("desk.record.blocked") }),
              "",
              false,
            )
          }
        />
      </section>

      <section className="desk-card" aria-labelledby="desk-record-loans" data-testid="patron-loans">
        <h4 id="desk-record-loans">{t("desk.patron.loans", { count: openLoans.length })}</h4>
        {openLoans.length === 0 ? (
          <p className="desk-muted">{t("desk.patron.noLoans")}</p>
        ) : (
          <table className="desk-table">
            <thead>
              <tr>
                <th scope="col">{t("desk.record.title")}</th>
                <th scope="col">{t("desk.record.barcode")}</th>
                <th scope="col">{t("desk.record.due")}</th>
                <th scope="col">{t("desk.record.renewals")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("desk.record.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {openLoans.map((loan) => (
                <tr key={loan.id} className={loan.overdue ? "desk-overdue" : undefined} data-testid={`loan-${loan.item_barcode}`}>
                  <td>
                    <button type="button" className="desk-link" data-testid={`open-record-${loan.item_barcode}`} onClick={() => props.onOpenRecord(loan.record_id)}>
                      {loan.title}
                    </button>
                  </td>
                  <td>{loan.item_barcode}</td>
                  <td>
                    {formatDay(loan.due_on, lang)}
                    {loan.overdue && <strong className="desk-badge-overdue"> {t("desk.patron.overdue")}</strong>}
                  </td>
                  <td>{loan.renewals}</td>
                  <td>
                    <button
                      type="button"
                      data-testid={`renew-${loan.item_barcode}`}
                      aria-label={t("desk.record.renewNamed", { title: loan.title })}
                      onClick={() =>
                        void write(
                          (reason) => api.renew(loan.item_barcode, reason),
                          (result) => ({ kind: "renewed", result: result as RenewResult }),
                          loan.item_barcode,
                          true,
                        )
                      }
                    >
                      {t("desk.record.renew")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="desk-card" aria-labelledby="desk-record-holds" data-testid="patron-holds">
        <h4 id="desk-record-holds">{t("desk.patron.holds", { count: activeHolds.length })}</h4>
        {activeHolds.length === 0 ? (
          <p className="desk-muted">{t("desk.patron.noHolds")}</p>
        ) : (
          <ul className="desk-list">
            {activeHolds.map((h) => (
              <li key={h.id}>
                <span className="desk-list-title">{h.title}</span>{" "}
                <span className="desk-muted">
                  · {t(`desk.holdStatus.${h.status}`)}
                  {h.position !== null && ` · ${t("desk.record.position", { position: h.position })}`} ·{" "}
                  {t("desk.record.pickup", { branch: branchName(h.pickup_branch_code) })}
                  {h.shelf_expires_on && ` · ${t("desk.record.shelfUntil", { date: formatDay(h.shelf_expires_on, lang) })}`}
                </span>{" "}
                <button
                  type="button"
                  data-testid={`cancel-hold-${h.id}`}
                  aria-label={t("desk.record.cancelHoldNamed", { title: h.title })}
                  onClick={() =>
                    void write(
                      () => api.cancelHold(h.id),
                      () => ({ kind: "done", text: t("desk.record.holdCancelled", { title: h.title }) }),
                      "",
                      false,
                    )
                  }
                >
                  {t("desk.record.cancelHold")}
                </button>
              </li>
            ))}
          </ul>
        )}
        <PlaceHoldForm
          branches={props.branches}
          defaultBranch={props.deskBranch ?? account.home_branch_code ?? props.branches[0]?.code ?? ""}
          onSubmit={(target, pickup) =>
            write(
              (reason) => api.placeHold(account.barcode, target, pickup, reason),
              () => ({ kind: "done", text: t("desk.record.holdPlaced") }),
              target,
              true,
            )
          }
        />
      </section>

      <FinesSection
        balance={account.balance}
        ledger={ledger}
        onPay={(amount, note) =>
          write(
            () => api.payFine(account.barcode, amount, note),
            () => ({ kind: "done", text: t("desk.fines.paid", { amount: formatMoney(amount, lang) }) }),
            "",
            false,
          )
        }
        onWaive={(amount, reason) =>
          write(
            () => api.waiveFine(account.barcode, amount, reason),
            () => ({ kind: "done", text: t("desk.fines.waived", { amount: formatMoney(amount, lang) }) }),
            "",
            false,
          )
        }
      />

      <details className="desk-card">
        <summary>{t("desk.record.summary")}</summary>
        <PatronSummary patron={account} onOpenRecord={props.onOpenRecord} />
      </details>

      {merging && (
        <MergeDialog
          api={api}
          keep={account}
          onCancel={() => setMerging(false)}
          onMerged={(result) => {
            setMerging(false);
            setMerged(result);
            setNotice(null);
            onChanged();
            void reload();
          }}
        />
      )}
      {pending && asking && (
        <OverrideDialog
          refusal={pending.refusal}
          onCancel={() => setAsking(false)}
          onConfirm={(reason) => {
            setAsking(false);
            setPending(null);
            void pending.retry(reason);
          }}
        />
      )}
    </div>
  );
}

/** A one-field form whose text is required (a block's reason). */
function TextActionForm(props: {
  id: string;
  label: string;
  submit: string;
  requiredMessage: string;
  onSubmit(text: string): Promise<boolean>;
}) {
  const [value, setValue] = useState("");
  const [missing, setMissing] = useState(false);
  return (
    <form
      className="desk-inline-form"
      noValidate
      onSubmit={async (e: FormEvent) => {
        e.preventDefault();
        const text = value.trim();
        if (!text) {
          setMissing(true);
          return;
        }
        if (await props.onSubmit(text)) setValue("");
      }}
    >
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        data-testid={props.id}
        value={value}
        aria-invalid={missing || undefined}
        aria-describedby={missing ? `${props.id}-error` : undefined}
        onChange={(e) => {
          setValue(e.target.value);
          setMissing(false);
        }}
      />
      <button type="submit" data-testid={`${props.id}-submit`}>
        {props.submit}
      </button>
      {missing && (
        <p id={`${props.id}-error`} className="desk-field-error" role="alert">
          {props.requiredMessage}
        </p>
      )}
    </form>
  );
}

function PlaceHoldForm(props: { branches: Branch[]; defaultBranch: string; onSubmit(target: string, pickup: string): Promise<boolean> }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState("");
  const [pickup, setPickup] = useState(props.defaultBranch);
  const [error, setError] = useState<"target" | "pickup" | null>(null);
  useEffect(() => {
    setPickup((p) => p || props.defaultBranch);
  }, [props.defaultBranch]);
  return (
    <form
      className="desk-inline-form"
      noValidate
      data-testid="place-hold"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!target.trim()) return setError("target");
        if (!pickup) return setError("pickup");
        setError(null);
        if (await props.onSubmit(target.trim(), pickup)) setTarget("");
      }}
    >
      <h5>{t("desk.hold.title")}</h5>
      <label htmlFor="desk-hold-target">{t("desk.hold.target")}</label>
      <input
        id="desk-hold-target"
        data-testid="hold-target"
        value={target}
        aria-invalid={error === "target" || undefined}
        aria-describedby="desk-hold-target-hint"
        onChange={(e) => setTarget(e.target.value)}
      />
      <span id="desk-hold-target-hint" className="desk-hint">
        {error === "target" ? t("desk.hold.targetRequired") : t("desk.hold.targetHint")}
      </span>
      <label htmlFor="desk-hold-pickup">{t("desk.hold.pickup")}</label>
      <select
        id="desk-hold-pickup"
        data-testid="hold-pickup"
        value={pickup}
        aria-invalid={error === "pickup" || undefined}
        onChange={(e) => setPickup(e.target.value)}
      >
        <option value="">{t("desk.branch.choose")}</option>
        {props.branches.map((b) => (
          <option key={b.code} value={b.code}>
            {b.name}
          </option>
        ))}
      </select>
      <button type="submit" data-testid="hold-submit">
        {t("desk.hold.submit")}
      </button>
    </form>
  );
}

function FinesSection(props: {
  balance: number;
  ledger: FineEntry[];
  onPay(amount: number, note: string): Promise<boolean>;
  onWaive(amount: number, reason: string): Promise<boolean>;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <section className="desk-card" aria-labelledby="desk-record-fines" data-testid="patron-fines">
      <h4 id="desk-record-fines">{t("desk.fines.title")}</h4>
      <p className="desk-balance">
        {t("desk.patron.balance")}: <strong data-testid="fines-balance">{formatMoney(props.balance, lang)}</strong>
      </p>
      {props.ledger.length === 0 ? (
        <p className="desk-muted">{t("desk.fines.empty")}</p>
      ) : (
        <table className="desk-table" data-testid="fines-ledger">
          <thead>
            <tr>
              <th scope="col">{t("desk.fines.at")}</th>
              <th scope="col">{t("desk.fines.kind")}</th>
              <th scope="col">{t("desk.fines.reason")}</th>
              <th scope="col">{t("desk.fines.amount")}</th>
              <th scope="col">{t("desk.fines.by")}</th>
            </tr>
          </thead>
          <tbody>
            {props.ledger.map((f) => (
              <tr key={f.id}>
                <td>{formatTime(f.at, lang)}</td>
                <td>
                  {t(`desk.fines.kinds.${f.kind}`)}
                  {f.days !== null && ` (${t("desk.fines.days", { count: f.days })})`}
                </td>
                <td>{f.reason}</td>
                <td className="desk-number">{formatMoney(f.amount, lang)}</td>
                <td>{f.by}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.balance > 0 && (
        <div className="desk-fine-forms">
          <MoneyForm kind="pay" balance={props.balance} textRequired={false} onSubmit={props.onPay} />
          <MoneyForm kind="waive" balance={props.balance} textRequired onSubmit={props.onWaive} />
        </div>
      )}
    </section>
  );
}

/** Pay or waive: an amount up to the balance, and a note (a waiver's reason is required). */
function MoneyForm(props: {
  kind: "pay" | "waive";
  balance: number;
  textRequired: boolean;
  onSubmit(amount: number, text: string): Promise<boolean>;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const [amount, setAmount] = useState(String(props.balance));
  const [text, setText] = useState("");
  const [errors, setErrors] = useState<{ amount?: string; text?: string }>({});
  useEffect(() => setAmount(String(props.balance)), [props.balance]);
  const id = `desk-${props.kind}`;
  return (
    <form
      className="desk-inline-form"
      noValidate
      data-testid={`${props.kind}-form`}
      onSubmit={async (e) => {
        e.preventDefault();
        const value = parseAmount(amount);
        const next: { amount?: string; text?: string } = {};
        if (value === null || value <= 0) next.amount = t("desk.fines.amountInvalid");
        else if (value > props.balance)
          next.amount = t("desk.fines.amountTooHigh", { balance: formatMoney(props.balance, lang) });
        if (props.textRequired && !text.trim()) next.text = t("desk.fines.reasonRequired");
        setErrors(next);
        if (next.amount || next.text || value === null) return;
        if (await props.onSubmit(value, text.trim())) setText("");
      }}
    >
      <h5>{t(`desk.fines.${props.kind}Title`)}</h5>
      <label htmlFor={`${id}-amount`}>{t("desk.fines.amountLabel")}</label>
      <input
        id={`${id}-amount`}
        data-testid={`${props.kind}-amount`}
        inputMode="numeric"
        value={amount}
        aria-invalid={!!errors.amount || undefined}
        aria-describedby={errors.amount ? `${id}-amount-error` : undefined}
        onChange={(e) => setAmount(e.target.value)}
      />
      {errors.amount && (
        <p id={`${id}-amount-error`} className="desk-field-error" data-testid={`${props.kind}-amount-error`}>
          {errors.amount}
        </p>
      )}
      <label htmlFor={`${id}-text`}>{props.textRequired ? t("desk.fines.reasonLabel") : t("desk.fines.noteLabel")}</label>
      <input
        id={`${id}-text`}
        data-testid={`${props.kind}-text`}
        value={text}
        aria-required={props.textRequired || undefined}
        aria-invalid={!!errors.text || undefined}
        aria-describedby={errors.text ? `${id}-text-error` : undefined}
        onChange={(e) => setText(e.target.value)}
      />
      {errors.text && (
        <p id={`${id}-text-error`} className="desk-field-error" data-testid={`${props.kind}-text-error`}>
          {errors.text}
        </p>
      )}
      <button type="submit" data-testid={`${props.kind}-submit`}>
        {t(`desk.fines.${props.kind}`)}
      </button>
    </form>
  );
}
