import type { TFunction } from "i18next";
import { useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { SyncException } from "../bindings/SyncException";
import { currentLanguage, formatNumber, type Language } from "../i18n";
import { explainWordedAction, hasWordedFacts, WordedFacts } from "./KindFacts";
import { findChange, formatMoment, isObject, isWho, marcTitle, str, type Who } from "./format";

type T = TFunction;

/** Keys of a "who" object: shown as one line, not as their own rows. */
const WHO_KEYS = new Set(["change_id", "origin_node", "user", "recorded_at"]);

/**
 * The name of a fact. Names live apart from the sentences under `sync.fact` (`sync.fact.by` is
 * "By {{user}} at {{node}}"), so a fact named `by` gets its own label, not a sentence whose
 * placeholders nobody fills.
 */
function label(t: T, key: string): string {
  return t(`sync.label.${key}`, { defaultValue: key.replace(/_/g, " ") });
}

/** One scalar value of the facts in words: dates as dates, yes/no, numbers in the locale. */
function scalar(value: unknown, t: T, lang: Language): string {
  if (typeof value === "boolean") return value ? t("sync.fact.yes") : t("sync.fact.no");
  if (typeof value === "number") return formatNumber(value, lang);
  if (typeof value === "string") {
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? formatMoment(value, lang) : value;
  }
  if (value === null || value === undefined) return "—";
  return JSON.stringify(value);
}

/** Who made a change, where and when; "this branch" when it was made here. */
function WhoLine({ who, node }: { who: Who; node: string | null }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const user = str(who.user) ?? t("sync.fact.unknownUser");
  const where = str(who.origin_node) ?? t("sync.fact.unknownNode");
  const here = node !== null && who.origin_node === node;
  return (
    <p className="sync-who">
      {t("sync.fact.by", { user, node: where })}
      {here && <span className="sync-here"> {t("sync.fact.here")}</span>}
      {who.recorded_at && <span className="sync-when"> · {formatMoment(who.recorded_at, lang)}</span>}
      {who.change_id && (
        <span className="sync-change">
          {" "}
          · {t("sync.fact.change")} <code>{who.change_id}</code>
        </span>
      )}
    </p>
  );
}

/** The facts of any shape, laid out: who lines, rows of name and value, lists side by side. */
function FactRows({ facts, node, skip = [] }: { facts: Record<string, unknown>; node: string | null; skip?: string[] }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const rows: ReactNode[] = [];
  for (const [key, value] of Object.entries(facts)) {
    if (skip.includes(key) || WHO_KEYS.has(key)) continue;
    if (isWho(value) || (isObject(value) && Object.keys(value).length > 0)) {
      rows.push(
        <div className="sync-fact-row" key={key}>
          <dt>{label(t, key)}</dt>
          <dd>
            <FactCard facts={value as Record<string, unknown>} node={node} />
          </dd>
        </div>,
      );
    } else if (Array.isArray(value) && value.some(isObject)) {
      rows.push(
        <div className="sync-fact-row" key={key}>
          <dt>{label(t, key)}</dt>
          <dd>
            <div className="sync-side-by-side">
              {value.map((v, i) =>
                isObject(v) ? (
                  <FactCard key={i} facts={v} node={node} />
                ) : (
                  <p key={i}>{scalar(v, t, lang)}</p>
                ),
              )}
            </div>
          </dd>
        </div>,
      );
    } else if (Array.isArray(value)) {
      rows.push(
        <div className="sync-fact-row" key={key}>
          <dt>{label(t, key)}</dt>
          <dd>{value.map((v) => scalar(v, t, lang)).join(", ") || "—"}</dd>
        </div>,
      );
    } else {
      rows.push(
        <div className="sync-fact-row" key={key}>
          <dt>{label(t, key)}</dt>
          <dd>{scalar(value, t, lang)}</dd>
        </div>,
      );
    }
  }
  return rows.length > 0 ? <dl className="sync-facts">{rows}</dl> : null;
}

/** A box for one side of the facts (one version, one loan): who, then the rest. */
function FactCard({ facts, node, title, children }: { facts: Record<string, unknown>; node: string | null; title?: string; children?: ReactNode }) {
  return (
    <div className="sync-fact-card">
      {title && <h5>{title}</h5>}
      {isWho(facts) && <WhoLine who={facts} node={node} />}
      {children}
      <FactRows facts={facts} node={node} skip={["fields"]} />
    </div>
  );
}

/** Both versions of a field, side by side: the one the record shows now, and the other. */
function FieldConflict({ facts, node }: { facts: Record<string, unknown>; node: string | null }) {
  const { t } = useTranslation();
  const field = str(facts.field) ?? "?";
  const side = (key: "kept" | "other") => {
    const v = isObject(facts[key]) ? (facts[key] as Record<string, unknown>) : {};
    const lines = Array.isArray(v.fields) ? v.fields.filter((l): l is string => typeof l === "string") : [];
    return (
      <FactCard facts={v} node={node} title={t(`sync.conflict.${key}`)}>
        {lines.length > 0 ? (
          <pre className="sync-marc" data-testid={`sync-conflict-${key}`}>
            {lines.join("\n")}
          </pre>
        ) : (
          <p className="sync-muted" data-testid={`sync-conflict-${key}`}>
            {t("sync.conflict.noField", { field })}
          </p>
        )}
      </FactCard>
    );
  };
  return (
    <>
      <p>{t("sync.conflict.field", { field })}</p>
      <div className="sync-side-by-side">
        {side("kept")}
        {side("other")}
      </div>
    </>
  );
}

function DeletedWhileEdited({ x, node }: { x: SyncException; node: string | null }) {
  const { t } = useTranslation();
  const facts = isObject(x.facts) ? x.facts : {};
  if (x.entity_type === "item") {
    return (
      <>
        <p>{t("sync.deleted.item", { barcode: str(facts.barcode) ?? "?" })}</p>
        {isWho(facts.item) && (
          <FactCard facts={facts.item as Record<string, unknown>} node={node} title={t("sync.deleted.itemAdded")} />
        )}
        <FactRows facts={facts} node={node} skip={["item", "barcode", "record"]} />
      </>
    );
  }
  const title = marcTitle(facts.edited_marc);
  return (
    <>
      {title && <p>{t("sync.deleted.title", { title })}</p>}
      <div className="sync-side-by-side">
        {isWho(facts.deleted_by) && (
          <FactCard facts={facts.deleted_by as Record<string, unknown>} node={node} title={t("sync.deleted.deletedBy")} />
        )}
        {isWho(facts.edit) && (
          <FactCard facts={facts.edit as Record<string, unknown>} node={node} title={t("sync.deleted.editedBy")} />
        )}
      </div>
    </>
  );
}

/** The facts of an exception, laid out for its kind (any other shape: as rows and cards). */
export function ExceptionFacts({ x, node }: { x: SyncException; node: string | null }) {
  const { t } = useTranslation();
  const facts = isObject(x.facts) ? x.facts : {};
  if (hasWordedFacts(x)) return <WordedFacts x={x} node={node} />;
  switch (x.kind) {
    case "record_field_conflict":
      return <FieldConflict facts={facts} node={node} />;
    case "record_deleted_while_edited":
      return <DeletedWhileEdited x={x} node={node} />;
    case "branch_code_taken":
    case "barcode_taken":
      return (
        <>
          {isWho(facts.added) && (
            <FactCard facts={facts.added as Record<string, unknown>} node={node} title={t("sync.barcode.added")} />
          )}
          <FactRows facts={facts} node={node} skip={["added"]} />
        </>
      );
    default:
      return <FactRows facts={facts} node={node} />;
  }
}

/**
 * The actions offered for an exception, deduplicated: a field conflict's `local`/`remote` name
 * the same two versions as its change ids, which say whose they are, so only those are shown.
 */
export function offeredActions(x: SyncException): string[] {
  if (x.kind !== "record_field_conflict") return x.actions;
  const byChange = x.actions.filter((a) => a !== "local" && a !== "remote" && findChange(x.facts, a));
  return byChange.length > 0 ? byChange : x.actions;
}

/** What choosing `action` does, in words. */
export function explainAction(x: SyncException, action: string, node: string | null, t: T, lang: Language): string {
  const worded = explainWordedAction(x, action, t, lang);
  if (worded !== null) return worded;
  const facts = isObject(x.facts) ? x.facts : {};
  const change = action === "local" || action === "remote" ? null : findChange(x.facts, action);
  if (change) {
    const who = {
      user: str(change.user) ?? t("sync.fact.unknownUser"),
      node: str(change.origin_node) ?? t("sync.fact.unknownNode"),
      when: change.recorded_at ? formatMoment(change.recorded_at, lang) : "—",
    };
    const notes: string[] = [];
    if (isObject(facts.kept) && facts.kept.change_id === action) notes.push(t("sync.action.shownNow"));
    if (node !== null && change.origin_node === node) notes.push(t("sync.action.madeHere"));
    const base =
      x.kind === "record_field_conflict"
        ? t("sync.action.keepVersion", { ...who, field: str(facts.field) ?? "?" })
        : t("sync.action.keepChange", who);
    return notes.length > 0 ? `${base} (${notes.join("; ")})` : base;
  }
  const known = ["local", "remote", "deleted", "restore", "rename", "relabel"];
  if (!known.includes(action)) return t("sync.action.generic", { action });
  if (action === "deleted" && x.entity_type === "item") return t("sync.action.deletedItem");
  if (action === "restore") {
    const edit = isObject(facts.edit) ? str(facts.edit.origin_node) : null;
    return t("sync.action.restore", { node: edit ?? t("sync.fact.unknownNode") });
  }
  return t(`sync.action.${action}`, { field: str(facts.field) ?? "?" });
}

/** What a resolved exception's resolution says, in words when it is one the app knows. */
export function explainResolution(x: SyncException, node: string | null, t: T, lang: Language): string {
  const resolution = x.resolved ?? "";
  const kept = /^kept (\S+) for (\S+)$/.exec(resolution);
  if (kept) return explainAction(x, kept[1]!, node, t, lang);
  return x.actions.includes(resolution) ? explainAction(x, resolution, node, t, lang) : resolution;
}

export interface ExceptionCardProps {
  x: SyncException;
  /** This catalog's node id, to say which version was made here (null: not known). */
  node: string | null;
  busy: boolean;
  onResolve(x: SyncException, action: string): void;
  onOpenRecord(id: string): void;
}

/** One exception: what happened, to what, when, the facts, and how it can be resolved. */
export function ExceptionCard({ x, node, busy, onResolve, onOpenRecord }: ExceptionCardProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const headingId = useId();
  const [choice, setChoice] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const facts = isObject(x.facts) ? x.facts : {};
  const recordId =
    x.entity_type === "record" && x.kind !== "record_deleted_while_edited"
      ? x.entity_id
      : null;
  const actions = offeredActions(x);
  const worded = hasWordedFacts(x);

  return (
    <article className={`sync-exception${x.resolved ? " is-resolved" : ""}`} aria-labelledby={headingId} data-testid={`sync-exception-${x.id}`}>
      <header className="sync-exception-head">
        <h4 id={headingId}>{t(`sync.kind.${x.kind}.name`, { defaultValue: x.kind.replace(/_/g, " ") })}</h4>
        {i18n.exists(`sync.kind.${x.kind}.explain`) && <p className="sync-muted">{t(`sync.kind.${x.kind}.explain`)}</p>}
        <p className="sync-exception-meta">
          {worded ? (
            <span>{t("sync.detectedAt", { when: formatMoment(x.detected_at, lang) })}</span>
          ) : (
            <>
              <span>
                {t(`sync.entity.${x.entity_type}`, { defaultValue: x.entity_type })} <code>{x.entity_id}</code>
              </span>
              {typeof facts.barcode === "string" && x.kind !== "barcode_taken" && (
                <span> · {t("sync.fact.barcode")}: {facts.barcode}</span>
              )}
              <span> · {t("sync.detected", { when: formatMoment(x.detected_at, lang) })}</span>
            </>
          )}
          {recordId && (
            <button type="button" className="sync-link" onClick={() => onOpenRecord(recordId)} data-testid={`sync-open-record-${x.id}`}>
              {t("sync.openRecord")}
            </button>
          )}
        </p>
      </header>
      <ExceptionFacts x={x} node={node} />
      {worded && (
        // The ids the words replace, for whoever follows the exception up with `shelfmark exceptions`.
        <details className="sync-ids">
          <summary>{t("sync.ids.summary")}</summary>
          <dl className="sync-facts">
            <div className="sync-fact-row">
              <dt>{t("sync.ids.exception")}</dt>
              <dd>
                <code>{x.id}</code>
              </dd>
            </div>
            <div className="sync-fact-row">
              <dt>{t(`sync.entity.${x.entity_type}`, { defaultValue: x.entity_type })}</dt>
              <dd>
                <code>{x.entity_id}</code>
              </dd>
            </div>
          </dl>
        </details>
      )}
      {x.resolved ? (
        <p className="sync-resolved" data-testid={`sync-resolved-${x.id}`}>
          {t("sync.resolvedAs", { how: explainResolution(x, node, t, lang) })}
        </p>
      ) : actions.length > 0 ? (
        <form
          className="sync-resolve"
          onSubmit={(e) => {
            e.preventDefault();
            if (!choice) {
              setMissing(true);
              return;
            }
            onResolve(x, choice);
          }}
        >
          <fieldset>
            <legend>{t("sync.resolve.legend")}</legend>
            {actions.map((a) => (
              <label key={a} className="sync-choice">
                <input
                  type="radio"
                  name={`resolve-${x.id}`}
                  value={a}
                  checked={choice === a}
                  onChange={() => {
                    setChoice(a);
                    setMissing(false);
                  }}
                  data-testid={`sync-action-${x.id}-${a}`}
                />{" "}
                {explainAction(x, a, node, t, lang)}
              </label>
            ))}
          </fieldset>
          {missing && (
            <p className="sync-error" role="alert">
              {t("sync.resolve.choose")}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy} data-testid={`sync-resolve-${x.id}`}>
            {t("sync.resolve.button")}
          </button>
        </form>
      ) : null}
    </article>
  );
}
