import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { FixedFieldSchema } from "../bindings/FixedFieldSchema";
import type { FixedLayout } from "../bindings/FixedLayout";
import type { FixedPosition } from "../bindings/FixedPosition";
import type { MarcRecord } from "../bindings/MarcRecord";
import { currentLanguage } from "../i18n";
import { CellInput } from "./CellInput";
import {
  FIELD_008_LENGTH,
  LEADER_LENGTH,
  controlFieldIndex,
  fitLength,
  getPositions,
  setControlPositions,
  setControlValue,
  setLeader,
  setLeaderPositions,
} from "./model";

export type Edit = (op: (r: MarcRecord) => MarcRecord, key?: string | null) => void;

/** The 008 layout a leader calls for: by Leader/06-07, else the schema's default. */
export function layoutFor(schema: FixedFieldSchema, leader: string): FixedLayout | null {
  const key = schema.layout_for_leader[leader.slice(6, 8)] ?? schema.default_008;
  return (
    schema.field_008.find((l) => l.key === key) ?? schema.field_008.find((l) => l.key === schema.default_008) ?? null
  );
}

const pad2 = (n: number) => String(n).padStart(2, "0");
export const positionName = (p: { start: number; end: number }) =>
  p.start === p.end ? pad2(p.start) : `${pad2(p.start)}-${pad2(p.end)}`;
/** A blank shows as `#`, the way MARC documentation writes it. */
const showCode = (code: string) => code.replace(/ /g, "#");
const trimEnd = (text: string) => text.replace(/ +$/, "");

interface PositionsProps {
  /** `LDR` or `008`: in labels and element ids. */
  name: string;
  text: string;
  positions: FixedPosition[];
  write(start: number, end: number, value: string): void;
  idBase: string;
}

function Positions({ name, text, positions, write, idBase }: PositionsProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const sorted = positions.filter((p) => p.kind !== "undefined").sort((a, b) => a.start - b.start);
  return (
    <div className="fixed-positions">
      {sorted.map((p) => {
        const id = `${idBase}-${name}-${p.start}`;
        const caption = `${name}/${positionName(p)} ${p.label[lang]}`;
        const length = p.end - p.start + 1;
        if (p.kind === "codes") {
          const singles = p.each ? Array.from({ length }, (_, i) => p.start + i) : [p.start];
          return (
            <fieldset key={id} className="fixed-position fixed-codes">
              <legend>{caption}</legend>
              {singles.map((start, i) => {
                const end = p.each ? start : p.end;
                const current = getPositions(text, start, end);
                const known = p.values.some((v) => v.code === current);
                const selectId = `${id}-${i}`;
                return (
                  <span key={selectId} className="fixed-select">
                    <label htmlFor={selectId} className={p.each ? "fixed-each" : "visually-hidden"}>
                      {p.each ? t("editor.fixed.eachPosition", { position: pad2(start) }) : caption}
                    </label>
                    <select
                      id={selectId}
                      data-testid={`fixed-${name}-${start}`}
                      value={current}
                      onChange={(e) => write(start, end, e.target.value)}
                    >
                      {!known && (
                        <option value={current}>{t("editor.fixed.unknownCode", { code: showCode(current) })}</option>
                      )}
                      {p.values.map((v) => (
                        <option key={v.code} value={v.code}>
                          {`${showCode(v.code)} — ${v.label[lang]}`}
                        </option>
                      ))}
                    </select>
                  </span>
                );
              })}
            </fieldset>
          );
        }
        const current = getPositions(text, p.start, p.end);
        return (
          <div key={id} className="fixed-position fixed-text">
            <label htmlFor={id}>{caption}</label>
            {p.kind === "computed" ? (
              <input
                id={id}
                data-testid={`fixed-${name}-${p.start}`}
                className="mono"
                size={length}
                readOnly
                value={current}
                aria-describedby={`${idBase}-computed-note`}
              />
            ) : (
              <CellInput
                id={id}
                data-testid={`fixed-${name}-${p.start}`}
                className="mono"
                size={Math.max(length, 2)}
                maxLength={length}
                value={trimEnd(current)}
                format={(typed) => trimEnd(typed.slice(0, length))}
                onValue={(typed) => write(p.start, p.end, typed)}
              />
            )}
          </div>
        );
      })}
    </div>
  );
}

export interface FixedFieldEditorProps {
  record: MarcRecord;
  /** Null while loading or when it could not be read: the raw strings stay editable. */
  schema: FixedFieldSchema | null;
  edit: Edit;
  /** The raw leader input's id, so an issue on the leader can focus it. */
  leaderInputId: string;
}

/** Leader and 008 by position, with labelled codes, and each as its raw string. */
export function FixedFieldEditor({ record, schema, edit, leaderInputId }: FixedFieldEditorProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const idBase = useId();
  const i008 = controlFieldIndex(record, "008");
  const f008 = i008 >= 0 ? record.fields[i008] : undefined;
  const text008 = f008 && f008.kind === "control" ? f008.value : "";
  const layout = schema ? layoutFor(schema, record.leader) : null;

  return (
    <div className="fixed-editor" data-testid="fixed-editor">
      <section className="fixed-block" aria-labelledby={`${idBase}-ldr`}>
        <h3 id={`${idBase}-ldr`}>{t("editor.fixed.leader")}</h3>
        <div className="fixed-raw">
          <label htmlFor={leaderInputId}>{t("editor.fixed.leaderRaw")}</label>
          <CellInput
            id={leaderInputId}
            data-testid="leader-raw"
            className="mono"
            size={LEADER_LENGTH}
            maxLength={LEADER_LENGTH}
            value={record.leader}
            format={(typed) => fitLength(typed, LEADER_LENGTH)}
            onValue={(typed) => edit((r) => setLeader(r, typed), "leader-raw")}
          />
        </div>
        {schema && (
          <Positions
            name="LDR"
            text={record.leader}
            positions={schema.leader}
            idBase={idBase}
            write={(start, end, value) => edit((r) => setLeaderPositions(r, start, end, value), `LDR-${start}`)}
          />
        )}
      </section>
      <section className="fixed-block" aria-labelledby={`${idBase}-008`}>
        <h3 id={`${idBase}-008`} data-testid="f008-heading">
          {layout ? t("editor.fixed.f008Layout", { layout: layout.label[lang] }) : t("editor.fixed.f008")}
        </h3>
        <div className="fixed-raw">
          <label htmlFor={`${idBase}-008-raw`}>{t("editor.fixed.f008Raw")}</label>
          <CellInput
            id={`${idBase}-008-raw`}
            data-testid="f008-raw"
            className="mono"
            size={FIELD_008_LENGTH}
            maxLength={FIELD_008_LENGTH}
            value={text008}
            onValue={(typed) =>
              edit((r) => {
                const at = controlFieldIndex(r, "008");
                return at >= 0 ? setControlValue(r, at, typed) : setControlPositions(r, "008", 0, 39, typed, FIELD_008_LENGTH);
              }, "008-raw")
            }
          />
        </div>
        {layout && (
          <Positions
            name="008"
            text={text008}
            positions={layout.positions}
            idBase={idBase}
            write={(start, end, value) =>
              edit((r) => setControlPositions(r, "008", start, end, value, FIELD_008_LENGTH), `008-${start}`)
            }
          />
        )}
      </section>
      {schema && (
        <p id={`${idBase}-computed-note`} className="fixed-note">
          {t("editor.fixed.computedNote")}
        </p>
      )}
    </div>
  );
}
