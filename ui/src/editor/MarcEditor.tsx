import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction, i18n as I18n } from "i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { FixedFieldSchema } from "../bindings/FixedFieldSchema";
import type { MarcField } from "../bindings/MarcField";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { RecordDetail } from "../bindings/RecordDetail";
import type { TemplateKind } from "../bindings/TemplateKind";
import type { ValidationIssue } from "../bindings/ValidationIssue";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { currentLanguage, formatNumber } from "../i18n";
import { CellInput, CellTextarea } from "./CellInput";
import { FixedFieldEditor, type Edit } from "./FixedFieldEditor";
import {
  addField,
  addSubfield,
  canRedo,
  canUndo,
  commit,
  initHistory,
  moveField,
  moveSubfield,
  normalizeIndicator,
  recordsEqual,
  redo,
  removeField,
  removeSubfield,
  repeatField,
  setControlValue,
  setIndicator,
  setSubfieldCode,
  setSubfieldValue,
  setTag,
  undo,
  type History,
} from "./model";
import { ShortcutsDialog } from "./ShortcutsDialog";
import { TemplateChooser } from "./TemplateChooser";
import "./editor.css";

export interface MarcEditorProps {
  api: CatalogApi;
  /** The record being edited; null for a new one. */
  recordId: string | null;
  /** For a new record: the template to start from (null with `initial` null: ask which). */
  template: TemplateKind | null;
  /** For a new record: a copy of another record to start from. */
  initial: MarcRecord | null;
  onSaved(detail: RecordDetail): void;
  /** Leave without saving (the app asks first when there are unsaved edits). */
  onCancel(): void;
  onDeleted(): void;
  /** Tells the app whether there are unsaved edits, so leaving asks first. */
  onDirtyChange(dirty: boolean): void;
  onError(err: unknown): void;
}

/** Validation runs this long after the last edit, so typing is never held up by it. */
export const VALIDATE_DELAY_MS = 300;

type Loading = { state: "loading" } | { state: "choose" } | { state: "ready"; record: MarcRecord } | { state: "failed" };

/** Loads the record (or template, or copy) and hands it to the editor proper. */
export function MarcEditor(props: MarcEditorProps) {
  const { t } = useTranslation();
  const { api, recordId, template, initial, onError } = props;
  const [loading, setLoading] = useState<Loading>(() =>
    recordId === null && initial ? { state: "ready", record: initial } : { state: "loading" },
  );
  const cancelled = useRef(false);

  const fromTemplate = useCallback(
    (kind: TemplateKind) => {
      setLoading({ state: "loading" });
      api.recordTemplates().then(
        (list) => {
          if (cancelled.current) return;
          const found = list.find((tpl) => tpl.kind === kind);
          if (found) setLoading({ state: "ready", record: found.record });
          else {
            setLoading({ state: "failed" });
            onError({ code: "not_found", message: `no ${kind} template`, details: null } satisfies ErrorPayload);
          }
        },
        (err: unknown) => {
          if (cancelled.current) return;
          setLoading({ state: "failed" });
          onError(err);
        },
      );
    },
    [api, onError],
  );

  useEffect(() => {
    cancelled.current = false;
    if (recordId !== null) {
      api.recordDetail(recordId).then(
        (detail) => {
          if (!cancelled.current) setLoading({ state: "ready", record: detail.marc });
        },
        (err: unknown) => {
          if (cancelled.current) return;
          setLoading({ state: "failed" });
          onError(err);
        },
      );
    } else if (!initial) {
      if (template) fromTemplate(template);
      else setLoading({ state: "choose" });
    }
    return () => {
      cancelled.current = true;
    };
    // Loads once: the app gives each record its own editor (a `key`).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <section className="marc-editor" data-testid="marc-editor" aria-label={t("editor.label")}>
      {loading.state === "loading" && (
        <p role="status" className="editor-loading">
          {t("editor.loading")}
        </p>
      )}
      {loading.state === "failed" && (
        <div className="editor-failed">
          <p>{t("editor.loadFailed")}</p>
          <button type="button" onClick={props.onCancel}>
            {t("editor.actions.close")}
          </button>
        </div>
      )}
      {loading.state === "choose" && (
        <div
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              props.onCancel();
            }
          }}
        >
          <TemplateChooser onPick={fromTemplate} />
        </div>
      )}
      {loading.state === "ready" && <EditorBody {...props} start={loading.record} />}
    </section>
  );
}

/** Where the cataloger is: a field and one of its inputs. */
type Part = "tag" | "ind1" | "ind2" | "value" | "code" | "sub";
interface Cell {
  field: number;
  part: Part;
  sub?: number;
}

const cellId = (base: string, c: Cell) => `${base}-f${c.field}-${c.part}${c.sub !== undefined ? `-s${c.sub}` : ""}`;

function issueMessage(t: TFunction, i18n: I18n, issue: ValidationIssue): string {
  const key = `validation.${issue.code}`;
  return i18n.exists(key) ? t(key, { ...issue.params }) : issue.message;
}

/** `245 $a`, `LDR/06`, or nothing for the record as a whole. */
function issuePlace(issue: ValidationIssue, record: MarcRecord): string {
  const field = issue.field_index !== null ? record.fields[issue.field_index] : undefined;
  const tag = field?.tag ?? issue.tag ?? "";
  if (field && field.kind === "data" && issue.subfield_index !== null) {
    const sub = field.subfields[issue.subfield_index];
    if (sub) return `${tag} $${sub.code}`;
  }
  return issue.position ? `${tag}/${issue.position}` : tag;
}

type Confirm = { kind: "save"; errors: number; record: MarcRecord } | { kind: "delete" } | null;
type Mode = "grid" | "text";

function EditorBody(props: MarcEditorProps & { start: MarcRecord }) {
  const { api } = props;
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const base = useId();
  const [history, setHistory] = useState<History>(() => initHistory(props.start));
  const [baseline, setBaseline] = useState<MarcRecord>(props.start);
  const [savedId, setSavedId] = useState<string | null>(props.recordId);
  const [mode, setMode] = useState<Mode>("grid");
  const [text, setText] = useState("");
  const [textOrigin, setTextOrigin] = useState("");
  const [parseIssues, setParseIssues] = useState<ValidationIssue[]>([]);
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [help, setHelp] = useState(false);
  const [problem, setProblem] = useState<ErrorPayload | null>(null);
  const [onLoan, setOnLoan] = useState(false);
  const [busy, setBusy] = useState(false);
  const [schema, setSchema] = useState<FixedFieldSchema | null>(null);
  const [fixedOpen, setFixedOpen] = useState(true);
  const [focusRequest, setFocusRequest] = useState<{ id: string; n: number } | null>(null);
  const current = useRef<Cell>({ field: 0, part: "tag" });
  const textRef = useRef<HTMLTextAreaElement>(null);
  const record = history.present;
  const leaderInputId = `${base}-leader`;

  useEffect(() => {
    let live = true;
    api.fixedFieldSchema().then(
      (s) => live && setSchema(s),
      () => {
        // Without the schema the leader and 008 stay editable as raw strings.
      },
    );
    return () => {
      live = false;
    };
  }, [api]);

  // Live validation, a moment after the last edit; a late answer for an older record is dropped.
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.validateRecord(record).then(
        (found) => live && setIssues(found),
        () => {
          // The validator being unavailable must not stop editing; saving still works.
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, record]);

  const dirty = !recordsEqual(record, baseline) || (mode === "text" && text !== textOrigin);
  const reported = useRef(false);
  const { onDirtyChange } = props;
  useEffect(() => {
    if (dirty !== reported.current) {
      reported.current = dirty;
      onDirtyChange(dirty);
    }
  }, [dirty, onDirtyChange]);

  useLayoutEffect(() => {
    if (!focusRequest) return;
    const el = document.getElementById(focusRequest.id);
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
      el.focus();
      el.select();
    } else el?.focus();
  }, [focusRequest]);
  const focusId = useCallback((id: string) => setFocusRequest((r) => ({ id, n: (r?.n ?? 0) + 1 })), []);
  const focusCell = useCallback((c: Cell) => focusId(cellId(base, c)), [base, focusId]);

  const edit: Edit = useCallback((op, key = null) => setHistory((h) => commit(h, op(h.present), key)), []);
  const onCellFocus = useCallback((c: Cell) => {
    current.current = c;
  }, []);

  // --- Structural operations on the current cell ------------------------------------------

  const fieldCount = record.fields.length;
  const at = () => Math.min(current.current.field, fieldCount - 1);
  const ops = {
    addField() {
      const f = fieldCount === 0 ? -1 : at();
      edit((r) => addField(r, f));
      focusCell({ field: f + 1, part: "tag" });
    },
    repeatField() {
      const f = at();
      if (f < 0) return;
      edit((r) => repeatField(r, f));
      focusCell({ ...current.current, field: f + 1 });
    },
    removeField() {
      const f = at();
      if (f < 0) return;
      edit((r) => removeField(r, f));
      if (fieldCount > 1) focusCell({ field: Math.min(f, fieldCount - 2), part: "tag" });
    },
    moveField(delta: number) {
      const f = at();
      if (f < 0 || f + delta < 0 || f + delta >= fieldCount) return;
      edit((r) => moveField(r, f, delta));
      focusCell({ ...current.current, field: f + delta });
    },
    addSubfield() {
      const f = at();
      const field = record.fields[f];
      if (!field || field.kind !== "data") return;
      const c = current.current;
      const after = c.sub !== undefined ? c.sub : field.subfields.length - 1;
      edit((r) => addSubfield(r, f, after));
      focusCell({ field: f, part: "code", sub: after + 1 });
    },
    removeSubfield() {
      const f = at();
      const field = record.fields[f];
      const s = current.current.sub;
      if (!field || field.kind !== "data" || s === undefined) return;
      edit((r) => removeSubfield(r, f, s));
      if (field.subfields.length > 1) focusCell({ field: f, part: "sub", sub: Math.min(s, field.subfields.length - 2) });
      else focusCell({ field: f, part: "tag" });
    },
    moveSubfield(delta: number) {
      const f = at();
      const field = record.fields[f];
      const s = current.current.sub;
      if (!field || field.kind !== "data" || s === undefined) return;
      if (s + delta < 0 || s + delta >= field.subfields.length) return;
      edit((r) => moveSubfield(r, f, s, delta));
      focusCell({ ...current.current, sub: s + delta });
    },
    undo() {
      setHistory(undo);
    },
    redo() {
      setHistory(redo);
    },
  };

  // --- Text mode ----------------------------------------------------------------------------

  /** The record the text describes, or null (with the reasons shown) when it does not parse. */
  const parseText = async (): Promise<MarcRecord | null> => {
    if (text === textOrigin) return record;
    try {
      const parsed = await api.fromMnemonic(text);
      if (!parsed.record) {
        setParseIssues(parsed.issues);
        return null;
      }
      setParseIssues([]);
      const next = parsed.record;
      setHistory((h) => commit(h, next));
      setTextOrigin(text);
      return next;
    } catch (err) {
      setProblem(toErrorPayload(err));
      return null;
    }
  };

  const toggleMode = async () => {
    setProblem(null);
    if (mode === "grid") {
      try {
        const mrk = await api.toMnemonic(record);
        setText(mrk);
        setTextOrigin(mrk);
        setParseIssues([]);
        setMode("text");
        focusId(`${base}-text`);
      } catch (err) {
        setProblem(toErrorPayload(err));
      }
    } else if (await parseText()) {
      setMode("grid");
      focusCell({ field: Math.max(0, Math.min(current.current.field, record.fields.length - 1)), part: "tag" });
    }
  };

  const showLine = (line: number) => {
    const el = textRef.current;
    if (!el) return;
    const lines = el.value.split("\n");
    const startOffset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(startOffset, startOffset + (lines[line - 1]?.length ?? 0));
  };

  // --- Save and delete ----------------------------------------------------------------------

  const doSave = async (toSave: MarcRecord) => {
    setBusy(true);
    try {
      const saved = await api.saveRecord(savedId, toSave);
      setSavedId(saved.detail.id);
      setBaseline(toSave);
      reported.current = false;
      props.onDirtyChange(false);
      props.onSaved(saved.detail);
    } catch (err) {
      setProblem(toErrorPayload(err));
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (busy) return;
    setProblem(null);
    const toSave = mode === "text" ? await parseText() : record;
    if (!toSave) return;
    let found = issues;
    try {
      found = await api.validateRecord(toSave);
      setIssues(found);
    } catch {
      // Saving does not depend on the validator; the last issues it gave stand.
    }
    const errors = found.filter((i) => i.severity === "error").length;
    if (errors > 0) setConfirm({ kind: "save", errors, record: toSave });
    else await doSave(toSave);
  };

  const doDelete = async () => {
    setConfirm(null);
    if (!savedId) return;
    setProblem(null);
    setOnLoan(false);
    try {
      await api.deleteRecord(savedId);
      reported.current = false;
      props.onDirtyChange(false);
      props.onDeleted();
    } catch (err) {
      const payload = toErrorPayload(err);
      if (payload.code === "items_on_loan") setOnLoan(true);
      else setProblem(payload);
    }
  };

  // --- Keyboard -----------------------------------------------------------------------------

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (confirm || help) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const target = e.target as HTMLElement;
    const typing = target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
    const run = (f: () => void) => {
      e.preventDefault();
      f();
    };
    if (key === "Escape") return run(props.onCancel);
    if (key === "F1" || (key === "?" && !typing)) return run(() => setHelp(true));
    if (mod && !e.shiftKey && key === "s") return run(() => void save());
    if (mod && !e.shiftKey && key === "m") return run(() => void toggleMode());
    if (mode !== "grid") return;
    if (mod && e.shiftKey && key === "z") return run(ops.redo);
    if (mod && key === "z") return run(ops.undo);
    if (mod && key === "y") return run(ops.redo);
    if ((mod && key === "Enter") || (key === "Insert" && !mod && !e.shiftKey)) return run(ops.addField);
    if (mod && e.shiftKey && key === "d") return run(ops.repeatField);
    if (mod && key === "Delete") return run(ops.removeField);
    if (mod && e.shiftKey && key === "s") return run(ops.addSubfield);
    if (mod && e.shiftKey && key === "Backspace") return run(ops.removeSubfield);
    if (e.altKey && e.shiftKey && key === "ArrowLeft") return run(() => ops.moveSubfield(-1));
    if (e.altKey && e.shiftKey && key === "ArrowRight") return run(() => ops.moveSubfield(1));
    if (e.altKey && !e.shiftKey && key === "ArrowUp") return run(() => ops.moveField(-1));
    if (e.altKey && !e.shiftKey && key === "ArrowDown") return run(() => ops.moveField(1));
  };

  // --- Issues -------------------------------------------------------------------------------

  const byField = useMemo(() => {
    const map = new Map<number, ValidationIssue[]>();
    for (const issue of issues) {
      if (issue.field_index === null) continue;
      const list = map.get(issue.field_index) ?? [];
      list.push(issue);
      map.set(issue.field_index, list);
    }
    return map;
  }, [issues]);
  const errorCount = issues.filter((i) => i.severity === "error").length;
  const warningCount = issues.length - errorCount;

  const focusIssue = (issue: ValidationIssue) => {
    const f = issue.field_index;
    const field = f !== null ? record.fields[f] : undefined;
    if (f === null || !field) {
      setFixedOpen(true);
      focusId(leaderInputId);
    } else if (field.kind === "data" && issue.subfield_index !== null && issue.subfield_index < field.subfields.length)
      focusCell({ field: f, part: "sub", sub: issue.subfield_index });
    else focusCell({ field: f, part: field.kind === "control" ? "value" : "tag" });
  };

  const count = (key: string, n: number) => t(key, { count: n, formatted: formatNumber(n, lang) });
  const gridTab = `${base}-tab-grid`;
  const textTab = `${base}-tab-text`;
  const toolButton = (label: string, shortcut: string, onClick: () => void, disabled = false, testId?: string) => (
    <button
      type="button"
      data-testid={testId}
      aria-keyshortcuts={shortcut}
      title={`${label} (${shortcut})`}
      disabled={disabled}
      // Keeps the focus in the cell the action applies to.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
    >
      {label}
    </button>
  );

  return (
    <div className="editor-body" onKeyDown={onKeyDown}>
      <header className="editor-header">
        <h2>{savedId ? t("editor.heading.edit") : t("editor.heading.new")}</h2>
        {dirty && (
          <span className="editor-dirty" data-testid="editor-dirty">
            {t("editor.unsaved")}
          </span>
        )}
        <div className="editor-actions" role="group" aria-label={t("editor.actions.label")}>
          <button
            type="button"
            className="primary"
            data-testid="editor-save"
            aria-keyshortcuts="Control+S"
            disabled={busy}
            onClick={() => void save()}
          >
            {busy ? t("editor.actions.saving") : t("editor.actions.save")}
          </button>
          {toolButton(t("editor.actions.undo"), "Control+Z", ops.undo, mode !== "grid" || !canUndo(history), "editor-undo")}
          {toolButton(t("editor.actions.redo"), "Control+Y", ops.redo, mode !== "grid" || !canRedo(history), "editor-redo")}
          <button type="button" data-testid="editor-help" aria-keyshortcuts="F1" onClick={() => setHelp(true)}>
            {t("editor.actions.shortcuts")}
          </button>
          {savedId && (
            <button
              type="button"
              className="danger"
              data-testid="editor-delete"
              onClick={() => {
                setOnLoan(false);
                setConfirm({ kind: "delete" });
              }}
            >
              {t("editor.actions.delete")}
            </button>
          )}
          <button type="button" data-testid="editor-close" aria-keyshortcuts="Escape" onClick={props.onCancel}>
            {t("editor.actions.close")}
          </button>
        </div>
      </header>

      {problem && <ErrorBanner error={problem} onDismiss={() => setProblem(null)} />}
      {onLoan && (
        <p role="alert" className="editor-alert" data-testid="editor-on-loan">
          {t("editor.delete.onLoan")}
        </p>
      )}

      <div role="tablist" aria-label={t("editor.modes.label")} className="editor-tabs">
        <button
          type="button"
          role="tab"
          id={gridTab}
          data-testid="tab-grid"
          aria-selected={mode === "grid"}
          aria-controls={mode === "grid" ? `${base}-panel` : undefined}
          tabIndex={mode === "grid" ? 0 : -1}
          onClick={() => mode !== "grid" && void toggleMode()}
        >
          {t("editor.modes.grid")}
        </button>
        <button
          type="button"
          role="tab"
          id={textTab}
          data-testid="tab-text"
          aria-selected={mode === "text"}
          aria-controls={mode === "text" ? `${base}-panel` : undefined}
          aria-keyshortcuts="Control+M"
          tabIndex={mode === "text" ? 0 : -1}
          onClick={() => mode !== "text" && void toggleMode()}
        >
          {t("editor.modes.text")}
        </button>
      </div>

      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={mode === "grid" ? gridTab : textTab} className="editor-panel">
        {mode === "grid" ? (
          <>
            <section className="fixed-section" aria-labelledby={`${base}-fixed-h`}>
              <h3 id={`${base}-fixed-h`} className="fixed-toggle-heading">
                <button
                  type="button"
                  aria-expanded={fixedOpen}
                  data-testid="fixed-toggle"
                  onClick={() => setFixedOpen((o) => !o)}
                >
                  {t("editor.fixed.heading")}
                </button>
              </h3>
              {fixedOpen && (
                <FixedFieldEditor record={record} schema={schema} edit={edit} leaderInputId={leaderInputId} />
              )}
            </section>

            <div className="field-tools" role="group" aria-label={t("editor.tools.label")}>
              {toolButton(t("editor.shortcuts.addField"), "Control+Enter", ops.addField, false, "tool-add-field")}
              {toolButton(t("editor.shortcuts.repeatField"), "Control+Shift+D", ops.repeatField, fieldCount === 0)}
              {toolButton(t("editor.shortcuts.removeField"), "Control+Delete", ops.removeField, fieldCount === 0)}
              {toolButton(t("editor.shortcuts.moveFieldUp"), "Alt+ArrowUp", () => ops.moveField(-1), fieldCount < 2)}
              {toolButton(t("editor.shortcuts.moveFieldDown"), "Alt+ArrowDown", () => ops.moveField(1), fieldCount < 2)}
              {toolButton(t("editor.shortcuts.addSubfield"), "Control+Shift+S", ops.addSubfield, fieldCount === 0)}
              {toolButton(t("editor.shortcuts.removeSubfield"), "Control+Shift+Backspace", ops.removeSubfield, fieldCount === 0)}
            </div>

            <table className="marc-grid" data-testid="marc-grid" aria-label={t("editor.grid.label")}>
              <thead>
                <tr>
                  <th scope="col">{t("editor.grid.tag")}</th>
                  <th scope="col">
                    <abbr title={t("editor.grid.ind1Long")}>{t("editor.grid.ind1")}</abbr>
                  </th>
                  <th scope="col">
                    <abbr title={t("editor.grid.ind2Long")}>{t("editor.grid.ind2")}</abbr>
                  </th>
                  <th scope="col">{t("editor.grid.content")}</th>
                </tr>
              </thead>
              <tbody>
                {record.fields.map((field, i) => (
                  <FieldRow
                    key={i}
                    index={i}
                    field={field}
                    issues={byField.get(i) ?? NO_ISSUES}
                    base={base}
                    edit={edit}
                    onCellFocus={onCellFocus}
                  />
                ))}
              </tbody>
            </table>
            {fieldCount === 0 && <p className="editor-empty">{t("editor.grid.empty")}</p>}

            <section className="issue-summary" aria-labelledby={`${base}-issues-h`} data-testid="issue-summary">
              <h3 id={`${base}-issues-h`}>{t("editor.issues.heading")}</h3>
              <p role="status" data-testid="issue-counts">
                {issues.length === 0
                  ? t("editor.issues.none")
                  : `${count("editor.issues.errors", errorCount)}, ${count("editor.issues.warnings", warningCount)}`}
              </p>
              {issues.length > 0 && (
                <ul className="issue-list">
                  {issues.map((issue, n) => (
                    <li key={n} className={`issue issue-${issue.severity}`}>
                      <button type="button" data-testid="issue-link" onClick={() => focusIssue(issue)}>
                        <span className="issue-icon" aria-hidden="true">
                          {issue.severity === "error" ? "⛔" : "⚠"}
                        </span>
                        <span className="visually-hidden">{t(`editor.issues.${issue.severity}`)}</span>{" "}
                        <span className="issue-place">{issuePlace(issue, record)}</span>{" "}
                        {issueMessage(t, i18n, issue)}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        ) : (
          <div className="text-mode">
            <label htmlFor={`${base}-text`}>{t("editor.text.label")}</label>
            <p id={`${base}-text-hint`} className="text-hint">
              {t("editor.text.hint")}
            </p>
            <textarea
              id={`${base}-text`}
              ref={textRef}
              data-testid="mrk-text"
              className="mrk-text"
              spellCheck={false}
              rows={Math.max(12, text.split("\n").length + 2)}
              aria-describedby={`${base}-text-hint`}
              aria-invalid={parseIssues.length > 0 || undefined}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            {parseIssues.length > 0 && (
              <div role="alert" className="parse-issues" data-testid="parse-issues">
                <p>{t("editor.text.cannotSwitch")}</p>
                <ul>
                  {parseIssues.map((issue, n) => (
                    <li key={n}>
                      <button
                        type="button"
                        data-testid="parse-issue"
                        onClick={() => issue.line !== null && showLine(issue.line)}
                      >
                        {issue.line !== null && (
                          <span className="issue-place">
                            {t("editor.text.line", { line: formatNumber(issue.line, lang) })}
                          </span>
                        )}{" "}
                        {issueMessage(t, i18n, issue)}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        )}
      </div>

      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
      {confirm?.kind === "save" && (
        <ConfirmDialog
          title={t("editor.confirmSave.title")}
          message={count("editor.confirmSave.message", confirm.errors)}
          confirmLabel={t("editor.confirmSave.confirm")}
          cancelLabel={t("editor.confirmSave.cancel")}
          onConfirm={() => {
            const toSave = confirm.record;
            setConfirm(null);
            void doSave(toSave);
          }}
          onCancel={() => setConfirm(null)}
        />
      )}
      {confirm?.kind === "delete" && (
        <ConfirmDialog
          title={t("editor.delete.title")}
          message={t("editor.delete.message")}
          confirmLabel={t("editor.delete.confirm")}
          cancelLabel={t("editor.delete.cancel")}
          danger
          onConfirm={() => void doDelete()}
          onCancel={() => setConfirm(null)}
        />
      )}
    </div>
  );
}

const NO_ISSUES: ValidationIssue[] = [];

interface FieldRowProps {
  index: number;
  field: MarcField;
  issues: ValidationIssue[];
  base: string;
  edit: Edit;
  onCellFocus(c: Cell): void;
}

/** One field: tag, indicators and subfields (or the one value of a control field). */
const FieldRow = memo(function FieldRow({ index: i, field, issues, base, edit, onCellFocus }: FieldRowProps) {
  const { t, i18n } = useTranslation();
  const n = i + 1;
  const tag = field.tag || "—";
  const hasError = issues.some((x) => x.severity === "error");
  const issuesId = `${base}-f${i}-issues`;
  const describedBy = issues.length > 0 ? issuesId : undefined;
  const focus = (c: Cell) => () => onCellFocus(c);
  const ind = (which: 1 | 2) => {
    if (field.kind !== "data") return <td className="ind-cell" />;
    const value = which === 1 ? field.ind1 : field.ind2;
    const show = (v: string) => (v === " " ? "" : v);
    const part = which === 1 ? "ind1" : "ind2";
    return (
      <td className="ind-cell">
        <CellInput
          id={cellId(base, { field: i, part })}
          data-testid={`f${i}-${part}`}
          className="ind-input mono"
          maxLength={1}
          size={1}
          placeholder="#"
          aria-label={t(`editor.cell.${part}`, { n, tag })}
          aria-describedby={describedBy}
          value={show(value)}
          format={(typed) => show(normalizeIndicator(typed))}
          onFocus={(e) => {
            e.currentTarget.select();
            onCellFocus({ field: i, part });
          }}
          onValue={(typed) => edit((r) => setIndicator(r, i, which, typed), `f${i}-${part}`)}
        />
      </td>
    );
  };
  return (
    <tr className={`field-row${hasError ? " field-invalid" : ""}`} data-testid="field-row" aria-invalid={hasError || undefined}>
      <td className="tag-cell">
        <CellInput
          id={cellId(base, { field: i, part: "tag" })}
          data-testid={`f${i}-tag`}
          className="tag-input mono"
          maxLength={3}
          size={3}
          aria-label={t("editor.cell.tag", { n, tag })}
          aria-describedby={describedBy}
          aria-invalid={hasError || undefined}
          value={field.tag}
          onFocus={focus({ field: i, part: "tag" })}
          onValue={(typed) => edit((r) => setTag(r, i, typed), `f${i}-tag`)}
        />
      </td>
      {ind(1)}
      {ind(2)}
      <td className="content-cell">
        {field.kind === "control" ? (
          <CellInput
            id={cellId(base, { field: i, part: "value" })}
            data-testid={`f${i}-value`}
            className="control-input mono"
            aria-label={t("editor.cell.control", { n, tag })}
            aria-describedby={describedBy}
            value={field.value}
            onFocus={focus({ field: i, part: "value" })}
            onValue={(typed) => edit((r) => setControlValue(r, i, typed), `f${i}-value`)}
          />
        ) : (
          <div className="subfields">
            {field.subfields.map((s, j) => {
              const subInvalid = issues.some((x) => x.subfield_index === j && x.severity === "error");
              return (
                <span key={j} className="subfield">
                  <span className="subfield-delimiter" aria-hidden="true">
                    $
                  </span>
                  <CellInput
                    id={cellId(base, { field: i, part: "code", sub: j })}
                    data-testid={`f${i}-s${j}-code`}
                    className="code-input mono"
                    maxLength={1}
                    size={1}
                    aria-label={t("editor.cell.code", { n, tag, s: j + 1 })}
                    value={s.code}
                    format={(typed) => typed.slice(-1)}
                    onFocus={(e) => {
                      e.currentTarget.select();
                      onCellFocus({ field: i, part: "code", sub: j });
                    }}
                    onValue={(typed) => edit((r) => setSubfieldCode(r, i, j, typed), `f${i}-s${j}-code`)}
                  />
                  <CellTextarea
                    id={cellId(base, { field: i, part: "sub", sub: j })}
                    data-testid={`f${i}-s${j}-value`}
                    className="value-input"
                    aria-label={t("editor.cell.value", { n, tag, code: s.code || "?" })}
                    aria-describedby={describedBy}
                    aria-invalid={subInvalid || undefined}
                    value={s.value}
                    onFocus={focus({ field: i, part: "sub", sub: j })}
                    onValue={(typed) => edit((r) => setSubfieldValue(r, i, j, typed), `f${i}-s${j}-value`)}
                  />
                </span>
              );
            })}
          </div>
        )}
        {issues.length > 0 && (
          <ul className="field-issues" id={issuesId} data-testid={`f${i}-issues`}>
            {issues.map((issue, k) => (
              <li key={k} className={`issue issue-${issue.severity}`}>
                <span className="issue-icon" aria-hidden="true">
                  {issue.severity === "error" ? "⛔" : "⚠"}
                </span>
                <span className="visually-hidden">{t(`editor.issues.${issue.severity}`)}</span>{" "}
                {issueMessage(t, i18n, issue)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
});
