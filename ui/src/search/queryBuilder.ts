/**
 * Query text in the search box's language (parsed by core, `search::query`), built and edited
 * here so that the cataloger always sees, in the box, exactly what is searched:
 *
 *   query   := or;  or := and ("OR" and)*;  and := unary (["AND"] unary)*
 *   unary   := "NOT" unary | primary
 *   primary := "(" or ")" | FIELD ":" (WORD | "PHRASE" | "(" or ")") | WORD | "PHRASE"
 *
 * Only upper-case AND/OR/NOT are operators. A phrase runs to the next `"`: the language has no
 * escape for a quote inside one, so a quote in a value becomes a space (the index splits words
 * on quotes anyway, so the same records match).
 */

/** The text fields of the advanced form, in the order it shows them. */
export const TEXT_FIELDS = ["title", "author", "subject", "isbn", "callno", "publisher"] as const;
export type TextFieldKey = (typeof TEXT_FIELDS)[number];

export const OPERATORS = ["AND", "OR", "NOT"] as const;
export type Operator = (typeof OPERATORS)[number];

/** Common MARC language codes (MARC uses bibliographic codes: fre, ger, chi). */
export const LANGUAGE_CODES = ["vie", "eng", "fre", "rus", "chi", "jpn", "kor", "ger"] as const;

export const MATERIAL_TYPES = ["book", "ebook", "audiobook", "serial", "map", "music", "video", "other"] as const;

export interface AdvancedRow {
  field: TextFieldKey;
  /** How this row joins the rows above it; for the first filled row only NOT matters. */
  op: Operator;
  value: string;
}

export interface AdvancedForm {
  rows: AdvancedRow[];
  yearFrom: string;
  yearTo: string;
  /** A MARC code, or "" for any language. */
  lang: string;
  /** A material type, or "" for any. */
  type: string;
}

export function emptyForm(): AdvancedForm {
  return {
    rows: TEXT_FIELDS.map((field) => ({ field, op: "AND" as Operator, value: "" })),
    yearFrom: "",
    yearTo: "",
    lang: "",
    type: "",
  };
}

/**
 * A value as the language reads it: a bare word when it is one plain word, otherwise a quoted
 * phrase. Null when nothing is left to search.
 */
export function quoteValue(raw: string): string | null {
  const value = raw.replace(/"/g, " ").replace(/\s+/g, " ").trim();
  if (!value) return null;
  const bare = !/[\s():]/.test(value) && !OPERATORS.includes(value as Operator);
  return bare ? value : `"${value}"`;
}

/** `field:value`, quoted as needed; null for an empty value. */
export function fieldClause(field: string, raw: string): string | null {
  const value = quoteValue(raw);
  return value === null ? null : `${field}:${value}`;
}

const ISSN = /^\d{4}-?\d{3}[\dXx]$/;

/** The ISBN/ISSN row searches `issn:` when the value has the shape of an ISSN, `isbn:` otherwise. */
function identifierField(value: string): "isbn" | "issn" {
  return ISSN.test(value.trim()) ? "issn" : "isbn";
}

/**
 * The advanced form as query text. Rows join left to right, as they read: `A AND B OR C` is
 * `(A AND B) OR C`, so a row joined by AND or NOT after an OR puts what is above it in
 * parentheses (the language itself binds AND tighter than OR). Year, language and type are
 * ANDed with the whole.
 */
export function buildQuery(form: AdvancedForm): string {
  let expr = "";
  let hasOr = false;
  for (const row of form.rows) {
    const field = row.field === "isbn" ? identifierField(row.value) : row.field;
    const term = fieldClause(field, row.value);
    if (term === null) continue;
    if (!expr) {
      expr = row.op === "NOT" ? `NOT ${term}` : term;
      continue;
    }
    if (row.op === "OR") {
      expr = `${expr} OR ${term}`;
      hasOr = true;
    } else {
      const left = hasOr ? `(${expr})` : expr;
      expr = row.op === "NOT" ? `${left} AND NOT ${term}` : `${left} AND ${term}`;
      hasOr = false;
    }
  }
  const filters: string[] = [];
  const from = form.yearFrom.trim();
  const to = form.yearTo.trim();
  if (from || to) filters.push(`year:${from === to ? from : `${from}..${to}`}`);
  if (form.lang.trim()) filters.push(`lang:${form.lang.trim()}`);
  if (form.type.trim()) filters.push(`type:${form.type.trim()}`);
  if (!filters.length) return expr;
  const parts = expr ? [hasOr ? `(${expr})` : expr, ...filters] : filters;
  return parts.join(" AND ");
}

interface Token {
  text: string;
  start: number;
  end: number;
  /** Parenthesis depth the token sits at (0 = top level). */
  depth: number;
}

/**
 * Splits query text the way core's lexer does, keeping a field and its quoted value together
 * (`title:"truyện kiều"` is one token). Parentheses are tokens of their own; an unclosed quote
 * runs to the end.
 */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let depth = 0;
  let i = 0;
  const readQuoted = (from: number) => {
    const close = text.indexOf('"', from + 1);
    return close === -1 ? text.length : close + 1;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(") {
      out.push({ text: c, start: i, end: i + 1, depth });
      depth++;
      i++;
    } else if (c === ")") {
      depth = Math.max(0, depth - 1);
      out.push({ text: c, start: i, end: i + 1, depth });
      i++;
    } else if (c === '"') {
      const end = readQuoted(i);
      out.push({ text: text.slice(i, end), start: i, end, depth });
      i = end;
    } else {
      const start = i;
      while (i < text.length && !/[\s()"]/.test(text[i]!)) i++;
      // `field:"a phrase"` is one term.
      if (text[i] === '"' && text[i - 1] === ":") i = readQuoted(i);
      out.push({ text: text.slice(start, i), start, end: i, depth });
    }
  }
  return out;
}

const topLevel = (text: string) => tokenize(text).filter((t) => t.depth === 0 && t.text !== "(" && t.text !== ")");

/** Whether an OR joins the query's top level (`a OR b`, not `(a OR b) c`). */
export function hasTopLevelOr(text: string): boolean {
  return topLevel(text).some((t) => t.text === "OR");
}

/** Where `clause` narrows the whole query: its tokens at the top level, not negated. */
function findClause(text: string, clause: string): { from: number; to: number; tokens: Token[] } | null {
  const want = tokenize(clause).map((t) => t.text);
  const tokens = topLevel(text);
  if (!want.length || hasTopLevelOr(text)) return null;
  for (let i = 0; i + want.length <= tokens.length; i++) {
    if (!want.every((w, k) => tokens[i + k]!.text === w)) continue;
    if (want[0] !== "NOT" && tokens[i - 1]?.text === "NOT") continue;
    return { from: i, to: i + want.length - 1, tokens };
  }
  return null;
}

/** Whether `clause` already narrows the query. */
export function hasClause(text: string, clause: string): boolean {
  return findClause(text, clause) !== null;
}

/** The query narrowed by `clause` (`type:book`); an OR query is put in parentheses first. */
export function addClause(text: string, clause: string): string {
  const base = text.trim();
  if (!base) return clause;
  if (hasClause(base, clause)) return base;
  return hasTopLevelOr(base) ? `(${base}) ${clause}` : `${base} ${clause}`;
}

/** The query without `clause` (and the AND that joined it); unchanged when it is not there. */
export function removeClause(text: string, clause: string): string {
  const found = findClause(text, clause);
  if (!found) return text;
  let { from, to } = found;
  const { tokens } = found;
  if (tokens[from - 1]?.text === "AND") from--;
  else if (from === 0 && tokens[to + 1]?.text === "AND") to++;
  const before = text.slice(0, tokens[from]!.start).trimEnd();
  const after = text.slice(tokens[to]!.end).trimStart();
  return before && after ? `${before} ${after}` : before || after;
}

/** The filters a facet can add: `type:`, `lang:`, `year:`, `branch:`, `available:`, and the monograph one. */
const FILTER = /^(type|lang|year|branch|available):(.+)$/i;
export const MONOGRAPH_CLAUSE = "NOT type:serial";

/**
 * The filters narrowing the whole query, in order, as clauses (`type:book`, `NOT type:serial`):
 * what the screen shows as removable chips. None when the query's top level is an OR.
 */
export function activeFilters(text: string): string[] {
  if (hasTopLevelOr(text)) return [];
  const tokens = topLevel(text);
  const out: string[] = [];
  tokens.forEach((t, i) => {
    if (!FILTER.test(t.text)) return;
    const negated = tokens[i - 1]?.text === "NOT";
    if (!negated) out.push(t.text);
    else if (`NOT ${t.text}` === MONOGRAPH_CLAUSE) out.push(MONOGRAPH_CLAUSE);
  });
  return out;
}

/** A filter clause taken apart: its field (or `monograph`) and its value, unquoted. */
export function parseFilter(clause: string): { field: string; value: string } | null {
  if (clause === MONOGRAPH_CLAUSE) return { field: "monograph", value: "" };
  const m = FILTER.exec(clause);
  if (!m) return null;
  return { field: m[1]!.toLowerCase(), value: m[2]!.replace(/^"(.*)"$/, "$1") };
}
