import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { mergeRefusalOf, toErrorPayload, type CatalogApi } from "../api";
import type { MergeSide } from "../bindings/MergeSide";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { PatronMatch } from "../bindings/PatronMatch";
import type { PatronMerge } from "../bindings/PatronMerge";
import type { PatronMergePreview } from "../bindings/PatronMergePreview";
import { useModal } from "../components/modal";
import { useLang } from "./common";
import { formatDay, formatMoney } from "./format";
import { PatronSearch } from "./PatronSearch";

export interface MergeDialogProps {
  api: CatalogApi;
  /** The reader whose record is open: the one kept. */
  keep: PatronAccount;
  onMerged(result: PatronMerge): void;
  onCancel(): void;
}

/** What went wrong, in the UI language: a refusal's own message, else the error's. */
function useFailureText(): (err: unknown) => string {
  const { t } = useTranslation();
  const lang = useLang();
  return (err) => {
    const error = toErrorPayload(err);
    const refusal = mergeRefusalOf(error);
    if (refusal) return lang === "vi" ? refusal.message_vi : refusal.message_en;
    return [t(`errors.${error.code}`), error.message].filter(Boolean).join(" — ");
  };
}

/**
 * Merging a reader registered twice into the record open: find the duplicate (search, or the
 * readers with the same name offered first), see both side by side with what will move, give
 * the reason, confirm. Nothing is written before the confirmation.
 */
export function MergeDialog(props: MergeDialogProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const failure = useFailureText();
  const { api, keep } = props;
  const titleId = useId();
  const reasonId = useId();
  const reasonErrorId = useId();
  const [suggestions, setSuggestions] = useState<PatronMatch[]>([]);
  const [duplicate, setDuplicate] = useState<string | null>(null);
  const [preview, setPreview] = useState<PatronMergePreview | null>(null);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const modal = useModal({ canClose: !busy, onClose: props.onCancel });

  useEffect(() => {
    let live = true;
    api.likelyDuplicatePatrons(keep.barcode, 5).then(
      (found) => live && setSuggestions(found),
      () => live && setSuggestions([]),
    );
    return () => {
      live = false;
    };
  }, [api, keep.barcode]);

  const choose = async (card: string) => {
    setProblem(null);
    setBusy(true);
    try {
      const p = await api.patronMergePreview(keep.barcode, card);
      setDuplicate(card);
      setPreview(p);
      setTimeout(() => reasonRef.current?.focus(), 0);
    } catch (err) {
      setProblem(failure(err));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!duplicate) return;
    if (!reason.trim()) {
      setMissing(true);
      reasonRef.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      props.onMerged(await api.mergePatrons(keep.barcode, duplicate, reason.trim()));
    } catch (err) {
      setProblem(failure(err));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={modal.ref}
      className="confirm-dialog desk-merge-dialog"
      aria-labelledby={titleId}
      data-testid="merge-dialog"
      onCancel={modal.onCancel}
      onKeyDown={modal.onKeyDown}
    >
      <h2 id={titleId}>{t("desk.merge.title", { name: keep.name, card: keep.barcode })}</h2>
      {problem && (
        <p className="desk-merge-problem" role="alert" data-testid="merge-problem">
          {problem}
        </p>
      )}
      {!preview && (
        <>
          <p>{t("desk.merge.findHint")}</p>
          {suggestions.length > 0 && (
            <section aria-labelledby={`${titleId}-suggest`} className="desk-merge-suggestions">
              <h3 id={`${titleId}-suggest`}>{t("desk.merge.suggestions")}</h3>
              <ul>
                {suggestions.map((s) => (
                  <li key={s.id}>
                    <button
                      type="button"
                      disabled={busy}
                      data-testid={`merge-suggestion-${s.barcode}`}
                      onClick={() => void choose(s.barcode)}
                    >
                      {t("desk.merge.suggestion", {
                        card: s.barcode,
                        name: s.name,
                        expires: formatDay(s.expires_on, lang),
                      })}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <PatronSearch api={api} focusRequest={1} onOpen={(card) => void choose(card)} onError={(err) => setProblem(failure(err))} />
          <div className="dialog-actions">
            <button type="button" data-testid="merge-cancel" disabled={busy} onClick={props.onCancel}>
              {t("desk.merge.cancel")}
            </button>
          </div>
        </>
      )}
      {preview && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <SideBySide keep={preview.keep} duplicate={preview.duplicate} />
          <h3>{t("desk.merge.moves")}</h3>
          <ul data-testid="merge-moves">
            <li>{t("desk.merge.loansMoving", { count: preview.loans_moving })}</li>
            <li>{t("desk.merge.holdsMoving", { count: preview.holds_moving })}</li>
            <li>
              {t("desk.merge.finesMoving", {
                count: preview.fine_entries_moving,
                amount: formatMoney(preview.duplicate.balance, lang),
              })}
            </li>
            <li>{t("desk.merge.blocksMoving", { count: preview.blocks_moving })}</li>
            {preview.holds_to_cancel.map((h) => (
              <li key={h.id}>{t("desk.merge.holdCancelled", { title: h.title, card: h.patron_barcode })}</li>
            ))}
            <li>
              <strong>{t("desk.merge.balanceAfter", { amount: formatMoney(preview.balance_after, lang) })}</strong>
            </li>
          </ul>
          <p className="desk-hint">{t("desk.merge.afterHint", { card: preview.duplicate.barcode, keep: preview.keep.barcode })}</p>
          <label htmlFor={reasonId}>{t("desk.merge.reason")}</label>
          <textarea
            id={reasonId}
            ref={reasonRef}
            data-testid="merge-reason"
            value={reason}
            required
            aria-required="true"
            aria-invalid={missing}
            aria-describedby={missing ? reasonErrorId : undefined}
            onChange={(e) => {
              setReason(e.target.value);
              if (e.target.value.trim()) setMissing(false);
            }}
          />
          {missing && (
            <p id={reasonErrorId} className="desk-field-error" role="alert">
              {t("desk.merge.reasonRequired")}
            </p>
          )}
          <div className="dialog-actions">
            <button
              type="button"
              data-testid="merge-back"
              disabled={busy}
              onClick={() => {
                setPreview(null);
                setDuplicate(null);
                setProblem(null);
              }}
            >
              {t("desk.merge.back")}
            </button>
            <button type="button" data-testid="merge-cancel" disabled={busy} onClick={props.onCancel}>
              {t("desk.merge.cancel")}
            </button>
            <button type="submit" className="primary" data-testid="merge-confirm" disabled={busy}>
              {t("desk.merge.confirm", { card: preview.duplicate.barcode, keep: preview.keep.barcode })}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/** The two readers in two columns, one row per fact. */
function SideBySide({ keep, duplicate }: { keep: MergeSide; duplicate: MergeSide }) {
  const { t } = useTranslation();
  const lang = useLang();
  const rows: [string, (s: MergeSide) => ReactNode][] = [
    [t("desk.patron.card"), (s) => s.barcode],
    [t("desk.merge.name"), (s) => s.name],
    [t("desk.patron.category"), (s) => t(`desk.category.${s.category}`, { defaultValue: s.category })],
    [t("desk.patron.expires"), (s) => formatDay(s.expires_on, lang)],
    [t("desk.merge.registered"), (s) => formatDay(s.registered_at.slice(0, 10), lang)],
    [t("desk.merge.contact"), (s) => [s.email, s.phone].filter(Boolean).join(", ") || "—"],
    [t("desk.merge.openLoans"), (s) => t("desk.merge.loansCount", { open: s.open_loans.length, past: s.past_loans })],
    [t("desk.merge.holds"), (s) => t("desk.merge.holdsCount", { active: s.holds.length, past: s.past_holds })],
    [t("desk.merge.balance"), (s) => formatMoney(s.balance, lang)],
    [
      t("desk.merge.blocks"),
      (s) => (s.manual_blocks.length === 0 ? t("desk.merge.noBlocks") : s.manual_blocks.map((b) => b.reason).join("; ")),
    ],
  ];
  return (
    <table className="desk-merge-table" data-testid="merge-side-by-side">
      <caption>{t("desk.merge.sideBySide")}</caption>
      <thead>
        <tr>
          <td />
          <th scope="col">{t("desk.merge.keep")}</th>
          <th scope="col">{t("desk.merge.duplicate")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{value(keep)}</td>
            <td>{value(duplicate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
