//! CQL mapped onto the catalog's own search: a CQL tree becomes a query in the search box's
//! language (`shelfmark_core::search::query`), which the one search engine answers the same
//! way for the desk, the OPAC and SRU. Whatever that language cannot say is refused here with
//! the SRU diagnostic that names it (unsupported index 16, relation 19, modifier 20, ...),
//! never answered approximately.
//!
//! The search box's language is the target (not core's private tree) so that core stays the
//! only place that turns queries into index lookups; every value is written into it quoted
//! or checked, so no CQL term can smuggle in an operator or a field.

use shelfmark_core::api::SearchSort;
use shelfmark_core::search::query::MAX_DEPTH;

use crate::cql::{BooleanOp, CqlQuery, Modifier, Node, PrefixAssignment, SearchClause};
use crate::diagnostic::{self as d, Diagnostic};

/// The context sets Shelfmark answers, by URI and usual prefix.
pub const CONTEXT_SETS: [(&str, &str); 3] = [
    ("dc", "info:srw/cql-context-set/1/dc-v1.1"),
    ("bath", "http://zing.z3950.org/cql/bath/2.0/"),
    ("cql", "info:srw/cql-context-set/1/cql-v1.2"),
];

/// The indexes Shelfmark answers, as explain lists them: (set, name, title).
pub const INDEXES: [(&str, &str, &str); 10] = [
    (
        "cql",
        "serverChoice",
        "Any words: title, author, subject, publisher, identifiers",
    ),
    (
        "cql",
        "anywhere",
        "Any words: title, author, subject, publisher, identifiers",
    ),
    ("cql", "allRecords", "Every record"),
    ("dc", "title", "Title"),
    ("dc", "creator", "Author"),
    ("dc", "subject", "Subject"),
    ("dc", "publisher", "Publisher"),
    ("dc", "date", "Year of publication"),
    ("dc", "language", "Language (MARC code)"),
    ("bath", "isbn", "ISBN (ISBN-10 and ISBN-13 alike)"),
];

/// Also answered, listed in explain with [`INDEXES`].
pub const MORE_INDEXES: [(&str, &str, &str); 1] = [("bath", "issn", "ISSN")];

/// The relations an index answers, as explain lists them per index.
pub fn relations(set: &str, name: &str) -> &'static [&'static str] {
    match (set, name) {
        ("dc", "date") => &["=", "==", "exact", "<", ">", "<=", ">=", "within"],
        ("bath", "isbn" | "issn") | ("dc", "language") => &["=", "==", "exact", "any"],
        ("cql", "allRecords") => &["="],
        _ => &["=", "all", "any", "adj"],
    }
}

/// What a CQL query asks the catalog's search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// In the search box's language.
    pub text: String,
    pub sort: SearchSort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Index {
    Anywhere,
    AllRecords,
    Title,
    Author,
    Subject,
    Publisher,
    Date,
    Language,
    Isbn,
    Issn,
}

impl Index {
    fn field(self) -> &'static str {
        match self {
            Index::Anywhere | Index::AllRecords => "",
            Index::Title => "title",
            Index::Author => "author",
            Index::Subject => "subject",
            Index::Publisher => "publisher",
            Index::Date => "year",
            Index::Language => "lang",
            Index::Isbn => "isbn",
            Index::Issn => "issn",
        }
    }
}

/// The context sets in force: prefix → set name (`dc`, `bath`, `cql`), and the default set
/// for an index without prefix (none: the server's own names, `title`, `author`, ...).
#[derive(Clone)]
struct Scope {
    prefixes: Vec<(String, &'static str)>,
    default: Option<&'static str>,
}

impl Scope {
    fn standard() -> Self {
        Scope {
            prefixes: CONTEXT_SETS
                .iter()
                .map(|(p, _)| (p.to_string(), *p))
                .collect(),
            default: None,
        }
    }

    fn with(&self, assignments: &[PrefixAssignment]) -> Result<Scope, Diagnostic> {
        let mut scope = self.clone();
        for a in assignments {
            let uri = a.uri.trim().trim_end_matches('/');
            let Some((set, _)) = CONTEXT_SETS
                .iter()
                .find(|(_, u)| u.trim_end_matches('/').eq_ignore_ascii_case(uri))
            else {
                return Err(Diagnostic::new(
                    d::UNSUPPORTED_CONTEXT_SET,
                    a.uri.clone(),
                    format!(
                        "the context set {} is not one this catalog answers; it answers {}",
                        a.uri,
                        CONTEXT_SETS.map(|(_, u)| u).join(", ")
                    ),
                ));
            };
            match &a.prefix {
                Some(p) => {
                    let p = p.to_ascii_lowercase();
                    scope.prefixes.retain(|(q, _)| *q != p);
                    scope.prefixes.push((p, set));
                }
                None => scope.default = Some(set),
            }
        }
        Ok(scope)
    }

    fn index(&self, written: &str) -> Result<Index, Diagnostic> {
        let lower = written.to_ascii_lowercase();
        let (set, name) = match lower.split_once('.') {
            Some((prefix, name)) => {
                let Some((_, set)) = self.prefixes.iter().find(|(p, _)| *p == prefix) else {
                    return Err(Diagnostic::new(
                        d::UNSUPPORTED_CONTEXT_SET,
                        prefix.to_string(),
                        format!(
                            "the index {written} uses the prefix {prefix:?}, which names no context set this catalog knows; use dc., bath. or cql."
                        ),
                    ));
                };
                (Some(*set), name.to_string())
            }
            None => (self.default, lower.clone()),
        };
        let index = match (set, name.as_str()) {
            (Some("cql") | None, "serverchoice" | "anywhere") => Some(Index::Anywhere),
            (Some("cql") | None, "allrecords") => Some(Index::AllRecords),
            (Some("cql") | None, "keywords") => Some(Index::Anywhere),
            (None, "any" | "text") => Some(Index::Anywhere),
            (Some("dc") | None, "title") => Some(Index::Title),
            (Some("bath"), "title") => Some(Index::Title),
            (Some("dc") | None, "creator" | "author") => Some(Index::Author),
            (Some("bath"), "author" | "name" | "personalname") => Some(Index::Author),
            (Some("dc") | Some("bath") | None, "subject") => Some(Index::Subject),
            (Some("dc") | None, "publisher") => Some(Index::Publisher),
            (Some("dc") | None, "date" | "year") => Some(Index::Date),
            (Some("dc") | None, "language" | "lang") => Some(Index::Language),
            (Some("bath") | None, "isbn") => Some(Index::Isbn),
            (Some("bath") | None, "issn") => Some(Index::Issn),
            _ => None,
        };
        index.ok_or_else(|| {
            let known: Vec<String> = INDEXES
                .iter()
                .chain(MORE_INDEXES.iter())
                .map(|(s, n, _)| format!("{s}.{n}"))
                .collect();
            Diagnostic::new(
                d::UNSUPPORTED_INDEX,
                written.to_string(),
                format!(
                    "the index {written} is not one this catalog searches; it searches {}",
                    known.join(", ")
                ),
            )
        })
    }
}

/// Maps a parsed query onto the catalog's search, or gives the diagnostic for the first part
/// it cannot answer.
pub fn map(query: &CqlQuery) -> Result<Mapped, Diagnostic> {
    let scope = Scope::standard().with(&query.prefixes)?;
    let text = match node(&query.root, &scope)? {
        Part::All => String::new(),
        Part::Nothing => NOTHING.to_string(),
        Part::Text(t) => t.text,
    };
    let sort = sort(query, &scope)?;
    Ok(Mapped { text, sort })
}

/// Search box text that matches no record: every record taken away from every record.
const NOTHING: &str = "NOT (type:book OR NOT type:book)";

/// The sort keys, as explain lists them: (set, name).
pub const SORT_KEYS: [(&str, &str); 3] = [("dc", "title"), ("dc", "creator"), ("dc", "date")];

/// `sortby` with one key among [`SORT_KEYS`], ascending (CQL's default) unless
/// `/sort.descending`.
fn sort(query: &CqlQuery, scope: &Scope) -> Result<SearchSort, Diagnostic> {
    match query.sort.as_slice() {
        [] => Ok(SearchSort::Relevance),
        [key] => {
            let mut descending = false;
            for m in &key.modifiers {
                let name = m.name.to_ascii_lowercase();
                match name.strip_prefix("sort.").unwrap_or(&name) {
                    "ascending" if m.value.is_none() => descending = false,
                    "descending" if m.value.is_none() => descending = true,
                    _ => {
                        return Err(Diagnostic::new(
                            d::SORT_UNSUPPORTED,
                            m.name.clone(),
                            format!(
                                "the sort modifier /{} is not supported; use /sort.ascending or /sort.descending",
                                m.name
                            ),
                        ));
                    }
                }
            }
            let unsupported = || {
                Diagnostic::new(
                    d::UNSUPPORTED_SORT_INDEX,
                    key.index.clone(),
                    format!(
                        "results can be sorted by dc.title, dc.creator or dc.date, not by {}",
                        key.index
                    ),
                )
            };
            // An index this catalog does not search at all is no sort key either.
            let index = scope.index(&key.index).map_err(|_| unsupported())?;
            match (index, descending) {
                (Index::Title, false) => Ok(SearchSort::Title),
                (Index::Title, true) => Ok(SearchSort::TitleDescending),
                (Index::Author, false) => Ok(SearchSort::Author),
                (Index::Author, true) => Ok(SearchSort::AuthorDescending),
                (Index::Date, false) => Ok(SearchSort::YearAscending),
                (Index::Date, true) => Ok(SearchSort::Year),
                _ => Err(unsupported()),
            }
        }
        _ => Err(Diagnostic::new(
            d::SORT_UNSUPPORTED,
            None,
            "results can be sorted by one key only (dc.title, dc.creator or dc.date)",
        )),
    }
}

fn refuse_modifiers(modifiers: &[Modifier], number: u32, on: &str) -> Result<(), Diagnostic> {
    match modifiers.first() {
        None => Ok(()),
        Some(m) => Err(Diagnostic::new(
            number,
            m.name.clone(),
            format!("the {on} modifier /{} is not supported; remove it", m.name),
        )),
    }
}

/// A mapped part of a query: every record (`cql.allRecords`, which the search box writes as
/// the empty text and so cannot nest), no record (a date no year can have), or search box
/// text.
enum Part {
    All,
    Nothing,
    Text(Text),
}

/// Search box text with what is needed to extend it without nesting it deeper.
struct Text {
    text: String,
    shape: Shape,
    /// How deeply the text nests groups (each `(...)` one level, `NOT (...)` two), as core's
    /// parser counts them against its bound.
    depth: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One clause's words (which may hold AND or OR between its own words).
    Clause,
    /// `(a) AND (b) AND NOT (c)`: a flat conjunction.
    And,
    /// `a OR (b) OR (c)`: a flat disjunction, its first operand possibly an unparenthesised
    /// conjunction (AND binds tighter than OR in the search box).
    Or,
}

impl Text {
    fn clause(text: String) -> Text {
        Text {
            text,
            shape: Shape::Clause,
            depth: 0,
        }
    }

    /// Continues the text with `op` and `right`, keeping a run of one operator flat: CQL reads
    /// booleans left to right, so `a or b or c` is one OR of three, and only a change of
    /// operator (from or to and/not) puts what came before in parentheses.
    fn extend(mut self, op: BooleanOp, right: Text) -> Text {
        let (join, operand_depth) = match op {
            BooleanOp::Or => (" OR (", right.depth + 1),
            BooleanOp::Not => (" AND NOT (", right.depth + 2),
            _ => (" AND (", right.depth + 1),
        };
        let shape = if op == BooleanOp::Or {
            Shape::Or
        } else {
            Shape::And
        };
        if self.shape != shape {
            // An AND run read on as an OR needs no parentheses: AND binds tighter.
            if !(self.shape == Shape::And && shape == Shape::Or) {
                self.text = format!("({})", self.text);
                self.depth += 1;
            }
            self.shape = shape;
        }
        self.text.push_str(join);
        self.text.push_str(&right.text);
        self.text.push(')');
        self.depth = self.depth.max(operand_depth);
        self
    }

    /// `NOT (right)`: what is left when `right` is taken from every record.
    fn all_but(right: Text) -> Text {
        Text {
            text: format!("NOT ({})", right.text),
            shape: Shape::And,
            depth: right.depth + 2,
        }
    }
}

/// Maps a node. A chain of booleans (`a or b and c ...`, a left-leaning tree) is walked
/// iteratively along its left side, so recursion goes only as deep as the query's
/// parentheses, which the parser bounds.
fn node(n: &Node, scope: &Scope) -> Result<Part, Diagnostic> {
    let mut chain: Vec<(BooleanOp, &[Modifier], &Node)> = Vec::new();
    let mut at = n;
    let mut acc = loop {
        match at {
            Node::Boolean {
                op,
                modifiers,
                left,
                right,
            } => {
                chain.push((*op, modifiers, right));
                at = left;
            }
            Node::Clause(c) => break clause(c, scope)?,
            Node::Scoped { prefixes, query } => break node(query, &scope.with(prefixes)?)?,
        }
    };
    for (op, modifiers, right) in chain.into_iter().rev() {
        if op == BooleanOp::Prox {
            return Err(Diagnostic::new(
                d::PROXIMITY_UNSUPPORTED,
                "prox".to_string(),
                "proximity (prox) is not supported; use adj for words next to each other, or and",
            ));
        }
        refuse_modifiers(modifiers, d::UNSUPPORTED_BOOLEAN_MODIFIER, "boolean")?;
        let r = node(right, scope)?;
        acc = match (op, acc, r) {
            (BooleanOp::And, Part::Nothing, _) | (BooleanOp::And, _, Part::Nothing) => {
                Part::Nothing
            }
            (BooleanOp::And, Part::All, other) | (BooleanOp::And, other, Part::All) => other,
            (BooleanOp::Or, Part::All, _) | (BooleanOp::Or, _, Part::All) => Part::All,
            (BooleanOp::Or, Part::Nothing, other) | (BooleanOp::Or, other, Part::Nothing) => other,
            // CQL's NOT is binary: left but not right.
            (_, Part::Nothing, _) => Part::Nothing,
            (_, left, Part::Nothing) => left,
            // Nothing is left once every record is taken away.
            (_, _, Part::All) => Part::Nothing,
            (_, Part::All, Part::Text(r)) => Part::Text(Text::all_but(r)),
            (op, Part::Text(l), Part::Text(r)) => Part::Text(l.extend(op, r)),
        };
        if let Part::Text(t) = &acc
            && t.depth >= MAX_DEPTH
        {
            return Err(Diagnostic::new(
                d::QUERY_SYNTAX_ERROR,
                None,
                format!(
                    "the query switches between or and and/not, or nests parentheses, too often for the catalog's search (more than {} levels of grouping once read left to right); split it into simpler searches",
                    MAX_DEPTH - 1
                ),
            ));
        }
    }
    Ok(acc)
}

/// The relations, as this server understands them for words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordsRelation {
    /// Every word (`=`, `all`, and `cql.all`).
    All,
    /// Any word.
    Any,
    /// The words together in this order (`adj`).
    Phrase,
}

/// One clause's search box text as a part.
fn part(text: String) -> Part {
    Part::Text(Text::clause(text))
}

fn clause(c: &SearchClause, scope: &Scope) -> Result<Part, Diagnostic> {
    let index = match &c.index {
        Some(i) => scope.index(i)?,
        None => Index::Anywhere,
    };
    let comparator = c
        .relation
        .as_ref()
        .map_or("=", |r| r.comparator.as_str())
        .trim_start_matches("cql.");
    if let Some(r) = &c.relation {
        refuse_modifiers(&r.modifiers, d::UNSUPPORTED_RELATION_MODIFIER, "relation")?;
    }
    if index == Index::AllRecords {
        return Ok(Part::All);
    }
    let term = literal(&c.term)?;
    if term.trim().is_empty() {
        return Err(Diagnostic::new(
            d::EMPTY_TERM,
            c.term.clone(),
            "the search term is empty; give a word to search for",
        ));
    }
    let unsupported_relation = || {
        Diagnostic::new(
            d::UNSUPPORTED_RELATION,
            comparator.to_string(),
            format!(
                "the relation {comparator} cannot be used with {}; {}",
                c.index.as_deref().unwrap_or("cql.serverChoice"),
                match index {
                    Index::Date => "dates take =, ==, <, >, <=, >= and within",
                    Index::Isbn | Index::Issn | Index::Language =>
                        "identifiers and codes take =, ==, exact and any",
                    _ =>
                        "words take =, all, any and adj (== and exact, the whole value, are not supported: use adj for the words together)",
                }
            ),
        )
    };
    let invalid = |why: String| Diagnostic::new(d::TERM_INVALID_FOR_INDEX, c.term.clone(), why);
    match index {
        Index::AllRecords => Ok(Part::All),
        Index::Anywhere | Index::Title | Index::Author | Index::Subject | Index::Publisher => {
            let relation = match comparator {
                "=" | "all" => WordsRelation::All,
                "any" => WordsRelation::Any,
                // `==` and `exact` ask that the whole value equal the term; the index holds
                // words, not whole values, so they are refused rather than answered as a
                // phrase found anywhere in the value.
                "adj" => WordsRelation::Phrase,
                _ => return Err(unsupported_relation()),
            };
            // A term with no words (only quotes) finds nothing, never every record.
            Ok(words(index.field(), &term, relation).map_or(Part::Nothing, part))
        }
        Index::Isbn | Index::Issn | Index::Language => {
            let values: Vec<&str> = match comparator {
                "=" | "==" | "exact" => vec![term.trim()],
                "any" => term.split_whitespace().collect(),
                _ => return Err(unsupported_relation()),
            };
            let mut parts = Vec::new();
            for v in values {
                let checked = match index {
                    Index::Isbn => shelfmark_core::catalog::identifiers::normalize_isbn(v)
                        .map_err(|p| invalid(format!("the ISBN {v:?} {p}")))?,
                    Index::Issn => shelfmark_core::catalog::identifiers::normalize_issn(v)
                        .map_err(|p| invalid(format!("the ISSN {v:?} {p}")))?,
                    _ => {
                        if v.len() == 3 && v.chars().all(|c| c.is_ascii_alphabetic()) {
                            v.to_ascii_lowercase()
                        } else {
                            return Err(invalid(format!(
                                "the language {v:?} is not a three-letter MARC code such as vie or eng"
                            )));
                        }
                    }
                };
                parts.push(format!("{}:{checked}", index.field()));
            }
            Ok(part(join(parts, "OR")))
        }
        Index::Date => {
            let year = |t: &str| -> Result<i64, Diagnostic> {
                let t = t.trim();
                let digits: String = t.chars().take(4).collect();
                if digits.len() == 4
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && (t.len() == 4 || t[4..].starts_with('-'))
                {
                    digits
                        .parse()
                        .map_err(|_| invalid(format!("{t:?} is not a year")))
                } else {
                    Err(invalid(format!(
                        "{t:?} is not a year; dc.date takes a four-digit year such as 1998"
                    )))
                }
            };
            let range = |from: Option<i64>, to: Option<i64>| -> Result<Part, Diagnostic> {
                // Years run from 0 to 9999 (four digits): a comparison past either end, such
                // as `> 9999` or `< 0000`, is true of no record.
                if from.is_some_and(|f| f > 9999) || to.is_some_and(|t| t < 0) {
                    return Ok(Part::Nothing);
                }
                match (from, to) {
                    (None, None) => Err(invalid("a date needs a year".into())),
                    (Some(f), Some(t)) if f > t => {
                        Err(invalid(format!("the years {f} to {t} run backwards")))
                    }
                    (Some(f), Some(t)) if f == t => Ok(part(format!("year:{f}"))),
                    (Some(f), Some(t)) => Ok(part(format!("year:{f}..{t}"))),
                    (Some(f), None) => Ok(part(format!("year:{f}.."))),
                    (None, Some(t)) => Ok(part(format!("year:..{t}"))),
                }
            };
            match comparator {
                "=" | "==" | "exact" => {
                    let y = year(&term)?;
                    range(Some(y), Some(y))
                }
                "<" => range(None, Some(year(&term)? - 1)),
                "<=" => range(None, Some(year(&term)?)),
                ">" => range(Some(year(&term)? + 1), None),
                ">=" => range(Some(year(&term)?), None),
                "within" => {
                    let parts: Vec<&str> = term.split_whitespace().collect();
                    match parts.as_slice() {
                        [from, to] => range(Some(year(from)?), Some(year(to)?)),
                        _ => Err(invalid(format!(
                            "within takes two years, such as dc.date within \"1990 2000\"; got {term:?}"
                        ))),
                    }
                }
                _ => Err(unsupported_relation()),
            }
        }
    }
}

/// A CQL term's characters as plain text: `\*`, `\?`, `\^`, `\\` become the character; an
/// unescaped `*` or `?` (masking) or `^` (anchoring) is refused, since the catalog's search
/// matches whole words.
fn literal(term: &str) -> Result<String, Diagnostic> {
    let mut out = String::with_capacity(term.len());
    let mut chars = term.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '*' | '?' => {
                return Err(Diagnostic::new(
                    d::MASKING_UNSUPPORTED,
                    term.to_string(),
                    "truncation and masking (* and ?) are not supported: the catalog matches whole words, without diacritics mattering; write \\* for the character itself",
                ));
            }
            '^' => {
                return Err(Diagnostic::new(
                    d::ANCHORING_UNSUPPORTED,
                    term.to_string(),
                    "anchoring (^) is not supported; write \\^ for the character itself",
                ));
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Words for a field (`""`: any field) under a relation, in the search box's language; `None`
/// when the term has nothing but quotes and spaces.
fn words(field: &str, term: &str, relation: WordsRelation) -> Option<String> {
    let prefix = if field.is_empty() {
        String::new()
    } else {
        format!("{field}:")
    };
    // The search box has no escape for a quote inside a phrase; a quote is punctuation to
    // the analyzer anyway, so it becomes a space.
    let clean = term.replace('"', " ");
    if clean.trim().is_empty() {
        return None;
    }
    if relation == WordsRelation::Phrase {
        return Some(format!("{prefix}\"{}\"", clean.trim()));
    }
    let parts: Vec<String> = clean
        .split_whitespace()
        .map(|w| {
            if plain(w) {
                format!("{prefix}{w}")
            } else {
                format!("{prefix}\"{w}\"")
            }
        })
        .collect();
    Some(join(
        parts,
        if relation == WordsRelation::Any {
            "OR"
        } else {
            "AND"
        },
    ))
}

/// A word the search box reads as a word: no parentheses, quotes or colons (a field), and not
/// one of its operators. Anything else is quoted.
fn plain(w: &str) -> bool {
    !w.contains(['(', ')', '"', ':']) && !matches!(w, "AND" | "OR" | "NOT")
}

fn join(parts: Vec<String>, op: &str) -> String {
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        parts.join(&format!(" {op} "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cql::parse;

    fn text(q: &str) -> String {
        match parse(q)
            .map_err(|e| e.to_string())
            .and_then(|t| map(&t).map_err(|d| d.to_string()))
        {
            Ok(m) => m.text,
            Err(e) => panic!("{q:?} should map: {e}"),
        }
    }

    fn diag(q: &str) -> Diagnostic {
        let tree = parse(q).unwrap_or_else(|e| panic!("{q:?} should parse: {e}"));
        match map(&tree) {
            Err(d) => d,
            Ok(m) => panic!("{q:?} should be refused, got {m:?}"),
        }
    }

    #[test]
    fn word_indexes_and_relations() {
        assert_eq!(
            text("dc.title = \"truyện kiều\""),
            "title:truyện AND title:kiều"
        );
        assert_eq!(text("title all \"war peace\""), "title:war AND title:peace");
        assert_eq!(
            text("dc.creator any \"du tuan\""),
            "author:du OR author:tuan"
        );
        assert_eq!(text("dc.subject adj \"lịch sử\""), "subject:\"lịch sử\"");
        assert_eq!(text("author adj \"Nguyễn Du\""), "author:\"Nguyễn Du\"");
        for q in [
            "author == \"Nguyễn Du\"",
            "dc.title exact \"kiều\"",
            "cql.serverChoice == x",
        ] {
            assert_eq!(diag(q).number, d::UNSUPPORTED_RELATION, "{q}");
        }
        assert_eq!(text("dc.date == 1998"), "year:1998");
        assert_eq!(text("bath.isbn exact 0306406152"), "isbn:9780306406157");
        assert_eq!(text("kieu"), "kieu");
        assert_eq!(text("cql.serverChoice = \"ha noi\""), "ha AND noi");
        assert_eq!(text("cql.anywhere any \"a b\""), "a OR b");
        assert_eq!(text("DC.TITLE=kieu"), "title:kieu");
        assert_eq!(text("any = kieu"), "kieu");
    }

    #[test]
    fn words_that_would_be_operators_or_fields_are_quoted() {
        assert_eq!(text("title = \"AND\""), "title:\"AND\"");
        assert_eq!(text("\"year:1990\""), "\"year:1990\"");
        assert_eq!(text("title = \"a (b)\""), "title:a AND title:\"(b)\"");
        assert_eq!(text(r#"title = "say \"hi\"""#), "title:say AND title:hi");
    }

    #[test]
    fn booleans_nest_with_parentheses() {
        assert_eq!(
            text("dc.title=kieu and (dc.creator=du or dc.subject=tho)"),
            "(title:kieu) AND ((author:du) OR (subject:tho))"
        );
        assert_eq!(text("kieu not du"), "(kieu) AND NOT (du)");
    }

    #[test]
    fn chains_of_one_operator_stay_flat_and_changes_group_left_to_right() {
        assert_eq!(
            text("title=a or title=b or title=c"),
            "(title:a) OR (title:b) OR (title:c)"
        );
        assert_eq!(
            text("title=a and title=b not title=c"),
            "(title:a) AND (title:b) AND NOT (title:c)"
        );
        // AND binds tighter than OR in the search box: no parentheses needed.
        assert_eq!(
            text("title=a and title=b or title=c"),
            "(title:a) AND (title:b) OR (title:c)"
        );
        assert_eq!(
            text("title=a or title=b and title=c"),
            "((title:a) OR (title:b)) AND (title:c)"
        );
        let long = vec!["title=a"; 257].join(" or ");
        assert_eq!(text(&long).matches('(').count(), 257);
    }

    #[test]
    fn identifiers_are_checked_and_normalized() {
        assert_eq!(text("bath.isbn = 0-306-40615-2"), "isbn:9780306406157");
        assert_eq!(text("isbn=9780306406157"), "isbn:9780306406157");
        assert_eq!(
            text("bath.isbn any \"0306406152 9780306406157\""),
            "isbn:9780306406157 OR isbn:9780306406157"
        );
        assert_eq!(text("bath.issn = 0378-5955"), "issn:0378-5955");
        assert_eq!(text("dc.language = VIE"), "lang:vie");
        let d = diag("bath.isbn = 0-306-40615-3");
        assert_eq!(d.number, d::TERM_INVALID_FOR_INDEX);
        assert!(d.message.contains("check digit"), "{}", d.message);
        assert_eq!(
            diag("bath.isbn all 0306406152").number,
            d::UNSUPPORTED_RELATION
        );
    }

    #[test]
    fn dates_take_comparisons_and_within() {
        assert_eq!(text("dc.date = 1998"), "year:1998");
        assert_eq!(text("dc.date = 1998-05-01"), "year:1998");
        assert_eq!(text("dc.date < 2000"), "year:..1999");
        assert_eq!(text("dc.date <= 2000"), "year:..2000");
        assert_eq!(text("dc.date > 1990"), "year:1991..");
        assert_eq!(text("dc.date >= 1990"), "year:1990..");
        assert_eq!(text("dc.date within \"1990 2000\""), "year:1990..2000");
        assert_eq!(diag("dc.date = nineties").number, d::TERM_INVALID_FOR_INDEX);
        assert_eq!(
            diag("dc.date within \"2000 1990\"").number,
            d::TERM_INVALID_FOR_INDEX
        );
        assert_eq!(diag("dc.date any 1990").number, d::UNSUPPORTED_RELATION);
        // Past the years a record can have: nothing, not core's range syntax in an error.
        assert_eq!(text("dc.date > 9999"), NOTHING);
        assert_eq!(text("dc.date < 0000"), NOTHING);
        assert_eq!(text("dc.date < 0000 or dc.date = 1990"), "year:1990");
        assert_eq!(text("dc.date > 9999 and dc.date = 1990"), NOTHING);
        assert_eq!(text("dc.date >= 9999"), "year:9999..");
        assert_eq!(text("dc.date <= 0000"), "year:..0");
    }

    #[test]
    fn all_records() {
        assert_eq!(text("cql.allRecords = 1"), "");
        assert_eq!(text("cql.allRecords = 1 and title=kieu"), "title:kieu");
        assert_eq!(
            text("cql.allRecords = 1 not title=kieu"),
            "NOT (title:kieu)"
        );
        assert_eq!(text("title=kieu or cql.allRecords = 1"), "");
    }

    #[test]
    fn refusals_carry_the_right_diagnostic() {
        let d = diag("dc.format = book");
        assert_eq!(d.number, d::UNSUPPORTED_INDEX);
        assert_eq!(d.details.as_deref(), Some("dc.format"));
        assert_eq!(diag("foo.title = x").number, d::UNSUPPORTED_CONTEXT_SET);
        assert_eq!(diag("title < kieu").number, d::UNSUPPORTED_RELATION);
        assert_eq!(diag("title encloses kieu").number, d::UNSUPPORTED_RELATION);
        assert_eq!(diag("title foo bar").number, d::UNSUPPORTED_RELATION);
        assert_eq!(
            diag("title =/stem kieu").number,
            d::UNSUPPORTED_RELATION_MODIFIER
        );
        assert_eq!(diag("a prox b").number, d::PROXIMITY_UNSUPPORTED);
        assert_eq!(
            diag("a and/rel.algorithm=cori b").number,
            d::UNSUPPORTED_BOOLEAN_MODIFIER
        );
        assert_eq!(diag("title = \"\"").number, d::EMPTY_TERM);
        assert_eq!(diag("title = kie*").number, d::MASKING_UNSUPPORTED);
        assert_eq!(diag("title = \"^kieu\"").number, d::ANCHORING_UNSUPPORTED);
        assert_eq!(text(r#"title = "C\*""#), "title:C*");
        assert_eq!(
            diag(">x=\"info:unknown\" x.title=a").number,
            d::UNSUPPORTED_CONTEXT_SET
        );
    }

    #[test]
    fn prefix_assignments_rename_sets() {
        assert_eq!(
            text(">d=\"info:srw/cql-context-set/1/dc-v1.1\" d.title=kieu"),
            "title:kieu"
        );
        assert_eq!(
            text("> \"info:srw/cql-context-set/1/dc-v1.1\" creator=du"),
            "author:du"
        );
    }

    #[test]
    fn sortby_one_key_ascending_unless_descending() {
        let sort = |q: &str| map(&parse(q).expect("parses")).map(|m| m.sort);
        assert_eq!(sort("kieu sortby dc.date"), Ok(SearchSort::YearAscending));
        assert_eq!(
            sort("kieu sortby dc.date/sort.ascending"),
            Ok(SearchSort::YearAscending)
        );
        assert_eq!(
            sort("kieu sortby dc.date/sort.descending"),
            Ok(SearchSort::Year)
        );
        assert_eq!(sort("kieu sortby title"), Ok(SearchSort::Title));
        assert_eq!(
            sort("kieu sortby dc.title/sort.descending"),
            Ok(SearchSort::TitleDescending)
        );
        assert_eq!(
            sort("kieu sortby dc.creator/descending"),
            Ok(SearchSort::AuthorDescending)
        );
        assert_eq!(
            sort("kieu sortby dc.date/sort.missingLow").map_err(|d| d.number),
            Err(d::SORT_UNSUPPORTED)
        );
        for key in ["bath.isbn", "bogus", "foo.bar"] {
            assert_eq!(
                sort(&format!("kieu sortby {key}")).map_err(|d| (d.number, d.details)),
                Err((d::UNSUPPORTED_SORT_INDEX, Some(key.to_string()))),
                "{key}"
            );
        }
    }

    proptest::proptest! {
        /// Whatever CQL maps, the search box language accepts or refuses cleanly: mapping
        /// never produces text that smuggles a field or operator (checked by parsing it the
        /// way core does, through the public search query parser test hook).
        #[test]
        fn mapping_never_panics(s in "\\PC{0,60}") {
            if let Ok(tree) = parse(&s) {
                let _ = map(&tree);
            }
        }
    }
}
