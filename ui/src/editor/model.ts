/**
 * The MARC editor's state, as pure functions: every edit a cataloger can make to a record
 * (fields, indicators, subfields, leader and fixed-field positions) and the undo/redo
 * history around them. Nothing here touches React or the DOM, so each operation is tested
 * on its own (model.test.ts) and the component only decides *which* operation a key or
 * click means.
 *
 * Records are treated as immutable: an operation returns a new record and shares the
 * fields it did not touch, so the history can keep whole snapshots cheaply.
 */
import type { MarcField } from "../bindings/MarcField";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { MarcSubfield } from "../bindings/MarcSubfield";

export const LEADER_LENGTH = 24;
export const FIELD_008_LENGTH = 40;
/** How many steps Undo can go back; older ones are forgotten. */
export const HISTORY_LIMIT = 200;

export type DataField = Extract<MarcField, { kind: "data" }>;
export type ControlField = Extract<MarcField, { kind: "control" }>;

/** `001`–`009` (and `00X` while typed) are control fields: one value, no indicators. */
export function isControlTag(tag: string): boolean {
  return /^00[0-9A-Za-z]$/.test(tag);
}

/** A complete tag that is not a control tag: a data field. */
function isDataTag(tag: string): boolean {
  return tag.length === 3 && !isControlTag(tag);
}

/** A new field for `tag`: a control field for 00X, else blank indicators and one empty `$a`. */
export function newField(tag: string): MarcField {
  if (isControlTag(tag)) return { kind: "control", tag, value: tag === "008" ? " ".repeat(FIELD_008_LENGTH) : "" };
  return { kind: "data", tag, ind1: " ", ind2: " ", subfields: [{ code: "a", value: "" }] };
}

function replaceField(record: MarcRecord, index: number, field: MarcField): MarcRecord {
  if (index < 0 || index >= record.fields.length) return record;
  const fields = record.fields.slice();
  fields[index] = field;
  return { ...record, fields };
}

function dataFieldAt(record: MarcRecord, index: number): DataField | null {
  const field = record.fields[index];
  return field && field.kind === "data" ? field : null;
}

/** Inserts `newField(tag)` after `after` (-1: first). The new field is at `after + 1`. */
export function addField(record: MarcRecord, after: number, tag = ""): MarcRecord {
  const at = Math.max(0, Math.min(record.fields.length, after + 1));
  const fields = record.fields.slice();
  fields.splice(at, 0, newField(tag));
  return { ...record, fields };
}

export function removeField(record: MarcRecord, index: number): MarcRecord {
  if (index < 0 || index >= record.fields.length) return record;
  const fields = record.fields.slice();
  fields.splice(index, 1);
  return { ...record, fields };
}

/** Moves field `index` by `delta` (-1 up, +1 down); unchanged at either end. */
export function moveField(record: MarcRecord, index: number, delta: number): MarcRecord {
  const to = index + delta;
  if (index < 0 || index >= record.fields.length || to < 0 || to >= record.fields.length) return record;
  const fields = record.fields.slice();
  const [moved] = fields.splice(index, 1);
  fields.splice(to, 0, moved!);
  return { ...record, fields };
}

/** A copy of field `index` right after it (a second 650, another 700). */
export function repeatField(record: MarcRecord, index: number): MarcRecord {
  const field = record.fields[index];
  if (!field) return record;
  const copy: MarcField =
    field.kind === "control" ? { ...field } : { ...field, subfields: field.subfields.map((s) => ({ ...s })) };
  const fields = record.fields.slice();
  fields.splice(index + 1, 0, copy);
  return { ...record, fields };
}

/**
 * Changes a field's tag. When the tag becomes a control tag the subfield values are kept as
 * the one value (joined by spaces); when a control field gets a data tag its value becomes
 * `$a` with blank indicators. An incomplete tag (being typed) keeps the field's kind.
 */
export function setTag(record: MarcRecord, index: number, tag: string): MarcRecord {
  const field = record.fields[index];
  if (!field) return record;
  if (field.kind === "data" && isControlTag(tag)) {
    const value = field.subfields
      .map((s) => s.value)
      .filter((v) => v !== "")
      .join(" ");
    return replaceField(record, index, { kind: "control", tag, value });
  }
  if (field.kind === "control" && isDataTag(tag)) {
    return replaceField(record, index, {
      kind: "data",
      tag,
      ind1: " ",
      ind2: " ",
      subfields: [{ code: "a", value: field.value }],
    });
  }
  return replaceField(record, index, { ...field, tag });
}

/** One character; empty (or deleted) means blank, stored as a space. */
export function normalizeIndicator(value: string): string {
  const last = value.slice(-1);
  return last === "" || last === "_" || last === "#" ? " " : last;
}

export function setIndicator(record: MarcRecord, index: number, which: 1 | 2, value: string): MarcRecord {
  const field = dataFieldAt(record, index);
  if (!field) return record;
  const ind = normalizeIndicator(value);
  return replaceField(record, index, which === 1 ? { ...field, ind1: ind } : { ...field, ind2: ind });
}

export function setControlValue(record: MarcRecord, index: number, value: string): MarcRecord {
  const field = record.fields[index];
  if (!field || field.kind !== "control") return record;
  return replaceField(record, index, { ...field, value });
}

function withSubfields(record: MarcRecord, index: number, edit: (subs: MarcSubfield[]) => MarcSubfield[] | null): MarcRecord {
  const field = dataFieldAt(record, index);
  if (!field) return record;
  const subfields = edit(field.subfields.slice());
  return subfields ? replaceField(record, index, { ...field, subfields }) : record;
}

/** Inserts `$code` (empty value) after subfield `after` of data field `index`; -1 puts it first. */
export function addSubfield(record: MarcRecord, index: number, after: number, code = "a"): MarcRecord {
  return withSubfields(record, index, (subs) => {
    subs.splice(Math.max(0, Math.min(subs.length, after + 1)), 0, { code, value: "" });
    return subs;
  });
}

export function removeSubfield(record: MarcRecord, index: number, sub: number): MarcRecord {
  return withSubfields(record, index, (subs) => {
    if (sub < 0 || sub >= subs.length) return null;
    subs.splice(sub, 1);
    return subs;
  });
}

export function moveSubfield(record: MarcRecord, index: number, sub: number, delta: number): MarcRecord {
  return withSubfields(record, index, (subs) => {
    const to = sub + delta;
    if (sub < 0 || sub >= subs.length || to < 0 || to >= subs.length) return null;
    const [moved] = subs.splice(sub, 1);
    subs.splice(to, 0, moved!);
    return subs;
  });
}

/** A subfield code is one character; typing over it keeps the last one typed. */
export function setSubfieldCode(record: MarcRecord, index: number, sub: number, code: string): MarcRecord {
  return withSubfields(record, index, (subs) => {
    const s = subs[sub];
    if (!s) return null;
    subs[sub] = { ...s, code: code.slice(-1) };
    return subs;
  });
}

export function setSubfieldValue(record: MarcRecord, index: number, sub: number, value: string): MarcRecord {
  return withSubfields(record, index, (subs) => {
    const s = subs[sub];
    if (!s) return null;
    subs[sub] = { ...s, value };
    return subs;
  });
}

/** `text` made exactly `length` characters: cut, or padded with spaces. */
export function fitLength(text: string, length: number): string {
  return text.length >= length ? text.slice(0, length) : text + " ".repeat(length - text.length);
}

/**
 * `value` written into positions `start..=end` of `text`, padded or cut to the run's length;
 * `text` is first padded to `totalLength` so a short fixed field still has every position.
 */
export function setPositions(text: string, start: number, end: number, value: string, totalLength: number): string {
  const base = text.length < Math.max(totalLength, end + 1) ? fitLength(text, Math.max(totalLength, end + 1)) : text;
  return base.slice(0, start) + fitLength(value, end - start + 1) + base.slice(end + 1);
}

/** The characters at `start..=end`, blanks where the string is short. */
export function getPositions(text: string, start: number, end: number): string {
  return fitLength(text.slice(start, end + 1), end - start + 1);
}

/** The leader as typed, kept at 24 characters. */
export function setLeader(record: MarcRecord, leader: string): MarcRecord {
  return { ...record, leader: fitLength(leader, LEADER_LENGTH) };
}

export function setLeaderPositions(record: MarcRecord, start: number, end: number, value: string): MarcRecord {
  return { ...record, leader: setPositions(record.leader, start, end, value, LEADER_LENGTH) };
}

/** Index of the first control field with `tag`, or -1. */
export function controlFieldIndex(record: MarcRecord, tag: string): number {
  return record.fields.findIndex((f) => f.kind === "control" && f.tag === tag);
}

/**
 * Writes positions of a control field (008). When the record has none yet, one is inserted
 * in tag order among the leading fields, all blanks but the positions written.
 */
export function setControlPositions(
  record: MarcRecord,
  tag: string,
  start: number,
  end: number,
  value: string,
  totalLength: number,
): MarcRecord {
  const index = controlFieldIndex(record, tag);
  if (index >= 0) {
    const field = record.fields[index] as ControlField;
    return replaceField(record, index, { ...field, value: setPositions(field.value, start, end, value, totalLength) });
  }
  let at = 0;
  while (at < record.fields.length && record.fields[at]!.tag < tag) at++;
  const fields = record.fields.slice();
  fields.splice(at, 0, { kind: "control", tag, value: setPositions("", start, end, value, totalLength) });
  return { ...record, fields };
}

export function subfieldsEqual(a: MarcSubfield[], b: MarcSubfield[]): boolean {
  return a.length === b.length && a.every((s, i) => s.code === b[i]!.code && s.value === b[i]!.value);
}

export function fieldsEqual(a: MarcField, b: MarcField): boolean {
  if (a.kind === "control" && b.kind === "control") return a.tag === b.tag && a.value === b.value;
  if (a.kind === "data" && b.kind === "data")
    return a.tag === b.tag && a.ind1 === b.ind1 && a.ind2 === b.ind2 && subfieldsEqual(a.subfields, b.subfields);
  return false;
}

export function recordsEqual(a: MarcRecord, b: MarcRecord): boolean {
  return (
    a === b ||
    (a.leader === b.leader && a.fields.length === b.fields.length && a.fields.every((f, i) => fieldsEqual(f, b.fields[i]!)))
  );
}

/**
 * Undo/redo over record snapshots. `key` names the cell an edit came from: consecutive edits
 * with the same non-null key (typing in one value) make one step, so Undo takes back a
 * word's worth of typing rather than one letter, and never more than one cell's.
 */
export interface History {
  past: MarcRecord[];
  present: MarcRecord;
  future: MarcRecord[];
  /** The cell the last step came from; null after a structural edit, undo or redo. */
  lastKey: string | null;
}

export function initHistory(record: MarcRecord): History {
  return { past: [], present: record, future: [], lastKey: null };
}

/** Records `next` as the present. An edit that changes nothing leaves the history alone. */
export function commit(history: History, next: MarcRecord, key: string | null = null): History {
  if (recordsEqual(next, history.present)) return history;
  if (key !== null && key === history.lastKey && history.future.length === 0) {
    return { ...history, present: next };
  }
  const past = history.past.concat([history.present]);
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: key };
}

export function canUndo(history: History): boolean {
  return history.past.length > 0;
}

export function canRedo(history: History): boolean {
  return history.future.length > 0;
}

export function undo(history: History): History {
  const previous = history.past[history.past.length - 1];
  if (!previous) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [history.present, ...history.future],
    lastKey: null,
  };
}

export function redo(history: History): History {
  const [next, ...rest] = history.future;
  if (!next) return history;
  return { past: history.past.concat([history.present]), present: next, future: rest, lastKey: null };
}
