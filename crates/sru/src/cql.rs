//! CQL, the Contextual Query Language of SRU (LoC CQL 1.2 / OASIS searchRetrieve part 5):
//! text in, a syntax tree out, or an error that says what is wrong and where.
//!
//! Hand-written recursive descent rather than a crate: crates.io has no CQL parser (the
//! maintained ones are Java, Go, JavaScript, Ruby, and yaz's C), and CQL's grammar is small
//! and context-sensitive in a way a combinator library does not make clearer — whether a word
//! is an index, a named relation or a term depends on the words after it. Like yaz and
//! CQL-java the parser is forgiving only where the spec is: keywords in any case.
//!
//! ```text
//! cqlQuery        := prefixAssignment* scopedClause ["sortby" sortSpec]
//! prefixAssignment:= ">" [prefix "="] uri
//! scopedClause    := searchClause (boolean modifier* searchClause)*      -- left to right
//! searchClause    := "(" cqlQuery ")" | [index relation] term
//! relation        := ("=" | "==" | "<>" | "<" | ">" | "<=" | ">=" | name) modifier*
//! modifier        := "/" name [comparison value]
//! ```
//!
//! This module owns syntax only: which indexes and relations Shelfmark can answer is decided
//! where the tree is mapped to the catalog's search (`mapping`). It never panics: nesting is
//! bounded so no input exhausts the stack, and every position is in characters from 1.

use std::fmt;

/// Deeper nesting than this is refused (diagnostic 10): no real query needs it.
const MAX_DEPTH: usize = 64;

/// More boolean operators than this in one query are refused (diagnostic 38). Each operator
/// is one node of the tree, so this (with [`MAX_DEPTH`]) also bounds the depth of every
/// recursive walk over the tree, its drop included: no query can exhaust the stack.
pub const MAX_BOOLEANS: usize = 256;

/// A whole parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqlQuery {
    /// `> dc = "info:srw/cql-context-set/1/dc-v1.1"` assignments at the top, in order.
    pub prefixes: Vec<PrefixAssignment>,
    pub root: Node,
    /// `sortby dc.title/sort.descending dc.date`; empty when the query has no sortby.
    pub sort: Vec<SortKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixAssignment {
    /// `None` for `> "uri"`, which sets the default context set.
    pub prefix: Option<String>,
    pub uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub index: String,
    pub modifiers: Vec<Modifier>,
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Clause(SearchClause),
    Boolean {
        op: BooleanOp,
        modifiers: Vec<Modifier>,
        left: Box<Node>,
        right: Box<Node>,
    },
    /// A parenthesised query that carries its own prefix assignments.
    Scoped {
        prefixes: Vec<PrefixAssignment>,
        query: Box<Node>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BooleanOp {
    And,
    Or,
    Not,
    Prox,
}

impl BooleanOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BooleanOp::And => "and",
            BooleanOp::Or => "or",
            BooleanOp::Not => "not",
            BooleanOp::Prox => "prox",
        }
    }
}

/// `index relation term`, or a bare term (index and relation `None`: `cql.serverChoice =`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchClause {
    /// As written, case kept (`dc.title`); CQL index names compare case-insensitively.
    pub index: Option<String>,
    pub relation: Option<Relation>,
    /// The term with CQL's quoting undone: `\"` is `"`; other escapes (`\*`, `\?`, `\^`,
    /// `\\`) are kept, because they tell masking characters from literal ones.
    pub term: String,
    /// Position of the term (characters, from 1), for diagnostics.
    pub position: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Lowercased: `=`, `==`, `<>`, `<`, `>`, `<=`, `>=`, or a name (`all`, `any`, `adj`,
    /// `exact`, `within`, `encloses`, `cql.all`, ...).
    pub comparator: String,
    pub modifiers: Vec<Modifier>,
}

/// `/name`, `/name=value`: on a relation, a boolean or a sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modifier {
    pub name: String,
    pub comparison: Option<String>,
    pub value: Option<String>,
}

/// Which kind of syntax error, so SRU can give the most precise diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CqlErrorKind {
    /// Diagnostic 10.
    Syntax,
    /// Diagnostic 13: unbalanced or empty parentheses.
    Parentheses,
    /// Diagnostic 14: a quote never closed.
    Quotes,
    /// Diagnostic 38: more than [`MAX_BOOLEANS`] boolean operators.
    TooManyBooleans,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqlError {
    pub kind: CqlErrorKind,
    /// Characters from 1 where the problem was seen.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for CqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at position {}", self.message, self.position)
    }
}

impl std::error::Error for CqlError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Slash,
    /// `=`, `==`, `<>`, `<`, `>`, `<=`, `>=`
    Symbol(&'static str),
    /// A word, or a quoted string (`quoted`), escapes of `"` undone.
    Word {
        text: String,
        quoted: bool,
    },
}

type Spanned = (Tok, usize);

/// Parses a CQL query.
pub fn parse(input: &str) -> Result<CqlQuery, CqlError> {
    let tokens = lex(input)?;
    let mut p = Parser {
        tokens,
        next: 0,
        depth: 0,
        booleans: 0,
        end: input.chars().count() + 1,
    };
    if p.tokens.is_empty() {
        return Err(p.error(CqlErrorKind::Syntax, 1, "the query is empty".into()));
    }
    let (prefixes, root) = p.query()?;
    let sort = if p.keyword("sortby") {
        p.next += 1;
        p.sort_spec()?
    } else {
        Vec::new()
    };
    if let Some((tok, pos)) = p.peek().cloned() {
        let (kind, what) = match tok {
            Tok::Close => (
                CqlErrorKind::Parentheses,
                "a closing parenthesis with no opening one".to_string(),
            ),
            other => (
                CqlErrorKind::Syntax,
                format!("unexpected {}", describe(&other)),
            ),
        };
        return Err(p.error(kind, pos, what));
    }
    Ok(CqlQuery {
        prefixes,
        root,
        sort,
    })
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Open => "\"(\"".into(),
        Tok::Close => "\")\"".into(),
        Tok::Slash => "\"/\"".into(),
        Tok::Symbol(s) => format!("\"{s}\""),
        Tok::Word { text, quoted: true } => format!("quoted term \"{text}\""),
        Tok::Word { text, .. } => format!("word {text:?}"),
    }
}

fn lex(input: &str) -> Result<Vec<Spanned>, CqlError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push((Tok::Open, pos));
                i += 1;
            }
            ')' => {
                out.push((Tok::Close, pos));
                i += 1;
            }
            '/' => {
                out.push((Tok::Slash, pos));
                i += 1;
            }
            '=' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (sym, len) = match (c, next) {
                    ('=', Some('=')) => ("==", 2),
                    ('<', Some('>')) => ("<>", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('>', Some('=')) => (">=", 2),
                    ('=', _) => ("=", 1),
                    ('<', _) => ("<", 1),
                    _ => (">", 1),
                };
                out.push((Tok::Symbol(sym), pos));
                i += len;
            }
            '"' => {
                let mut text = String::new();
                let mut j = i + 1;
                let mut closed = false;
                while j < chars.len() {
                    match chars[j] {
                        '\\' if j + 1 < chars.len() => {
                            // `\"` is a quote in the term; other escapes stay for the mapping
                            // (they distinguish a literal `*` from a masking one).
                            if chars[j + 1] != '"' {
                                text.push('\\');
                            }
                            text.push(chars[j + 1]);
                            j += 2;
                        }
                        '"' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        other => {
                            text.push(other);
                            j += 1;
                        }
                    }
                }
                if !closed {
                    return Err(CqlError {
                        kind: CqlErrorKind::Quotes,
                        position: pos,
                        message: "the quote is never closed; add a closing \"".into(),
                    });
                }
                out.push((Tok::Word { text, quoted: true }, pos));
                i = j;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '/' | '=' | '<' | '>' | '"')
                {
                    i += 1;
                }
                out.push((
                    Tok::Word {
                        text: chars[start..i].iter().collect(),
                        quoted: false,
                    },
                    pos,
                ));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Spanned>,
    next: usize,
    depth: usize,
    /// Boolean operators read so far.
    booleans: usize,
    /// The position just past the input, for "ends too early".
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.next)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Spanned> {
        self.tokens.get(self.next + ahead)
    }

    fn error(&self, kind: CqlErrorKind, position: usize, message: String) -> CqlError {
        CqlError {
            kind,
            position,
            message,
        }
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.1)
    }

    /// Whether the next token is the unquoted word `kw` (any case).
    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some((Tok::Word { text, quoted: false }, _)) if text.eq_ignore_ascii_case(kw))
    }

    fn boolean(&self) -> Option<BooleanOp> {
        match self.peek() {
            Some((
                Tok::Word {
                    text,
                    quoted: false,
                },
                _,
            )) => match text.to_ascii_lowercase().as_str() {
                "and" => Some(BooleanOp::And),
                "or" => Some(BooleanOp::Or),
                "not" => Some(BooleanOp::Not),
                "prox" => Some(BooleanOp::Prox),
                _ => None,
            },
            _ => None,
        }
    }

    fn descend(&mut self) -> Result<(), CqlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                CqlErrorKind::Syntax,
                self.here(),
                format!("the query is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    /// `prefixAssignment* scopedClause`.
    fn query(&mut self) -> Result<(Vec<PrefixAssignment>, Node), CqlError> {
        self.descend()?;
        let mut prefixes = Vec::new();
        while let Some((Tok::Symbol(">"), _)) = self.peek() {
            self.next += 1;
            prefixes.push(self.prefix_assignment()?);
        }
        let root = self.scoped_clause()?;
        self.depth -= 1;
        Ok((prefixes, root))
    }

    fn prefix_assignment(&mut self) -> Result<PrefixAssignment, CqlError> {
        let here = self.here();
        let first = self.word("a context set prefix or URI after \">\"", here)?;
        if let Some((Tok::Symbol("="), _)) = self.peek() {
            self.next += 1;
            let here = self.here();
            let uri = self.word("a context set URI after \"=\"", here)?;
            Ok(PrefixAssignment {
                prefix: Some(first),
                uri,
            })
        } else {
            Ok(PrefixAssignment {
                prefix: None,
                uri: first,
            })
        }
    }

    /// A word or quoted string, or an error saying `what` was expected.
    fn word(&mut self, what: &str, at: usize) -> Result<String, CqlError> {
        match self.peek().cloned() {
            Some((Tok::Word { text, .. }, _)) => {
                self.next += 1;
                Ok(text)
            }
            Some((tok, pos)) => Err(self.error(
                CqlErrorKind::Syntax,
                pos,
                format!("expected {what}, found {}", describe(&tok)),
            )),
            None => Err(self.error(
                CqlErrorKind::Syntax,
                at.max(self.end),
                format!("the query ends where {what} was expected"),
            )),
        }
    }

    fn scoped_clause(&mut self) -> Result<Node, CqlError> {
        let mut left = self.search_clause()?;
        while let Some(op) = self.boolean() {
            let pos = self.here();
            self.booleans += 1;
            if self.booleans > MAX_BOOLEANS {
                return Err(self.error(
                    CqlErrorKind::TooManyBooleans,
                    pos,
                    format!(
                        "the query has more than {MAX_BOOLEANS} boolean operators (and, or, not); split it into several searches"
                    ),
                ));
            }
            self.next += 1;
            let modifiers = self.modifiers()?;
            if matches!(self.peek(), None | Some((Tok::Close, _))) {
                return Err(self.error(
                    CqlErrorKind::Syntax,
                    pos,
                    format!(
                        "\"{}\" has nothing after it; put a search term after it, or quote it to search for the word",
                        op.as_str()
                    ),
                ));
            }
            let right = self.search_clause()?;
            left = Node::Boolean {
                op,
                modifiers,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    fn search_clause(&mut self) -> Result<Node, CqlError> {
        let Some((tok, pos)) = self.peek().cloned() else {
            return Err(self.error(
                CqlErrorKind::Syntax,
                self.end,
                "the query ends where a search term was expected".into(),
            ));
        };
        match tok {
            Tok::Open => {
                self.next += 1;
                if let Some((Tok::Close, _)) = self.peek() {
                    return Err(self.error(
                        CqlErrorKind::Parentheses,
                        pos,
                        "the parentheses hold nothing".into(),
                    ));
                }
                let (prefixes, inner) = self.query()?;
                match self.peek() {
                    Some((Tok::Close, _)) => self.next += 1,
                    _ => {
                        return Err(self.error(
                            CqlErrorKind::Parentheses,
                            pos,
                            "this parenthesis is never closed; add a closing )".into(),
                        ));
                    }
                }
                Ok(if prefixes.is_empty() {
                    inner
                } else {
                    Node::Scoped {
                        prefixes,
                        query: Box::new(inner),
                    }
                })
            }
            Tok::Close => Err(self.error(
                CqlErrorKind::Parentheses,
                pos,
                "a closing parenthesis with no opening one".into(),
            )),
            Tok::Slash | Tok::Symbol(_) => Err(self.error(
                CqlErrorKind::Syntax,
                pos,
                format!(
                    "{} where a search term was expected; quote the term if it contains it",
                    describe(&tok)
                ),
            )),
            Tok::Word { text, quoted } => {
                if !quoted && self.relation_follows() {
                    self.next += 1;
                    let relation = self.relation()?;
                    let (term, at) = self.term()?;
                    return Ok(Node::Clause(SearchClause {
                        index: Some(text),
                        relation: Some(relation),
                        term,
                        position: at,
                    }));
                }
                if !quoted && self.boolean().is_some() {
                    return Err(self.error(
                        CqlErrorKind::Syntax,
                        pos,
                        format!(
                            "\"{text}\" is a boolean operator with nothing before it; quote it to search for the word"
                        ),
                    ));
                }
                if !quoted && text.eq_ignore_ascii_case("sortby") {
                    return Err(self.error(
                        CqlErrorKind::Syntax,
                        pos,
                        "sortby needs a query before it".into(),
                    ));
                }
                self.next += 1;
                Ok(Node::Clause(SearchClause {
                    index: None,
                    relation: None,
                    term: text,
                    position: pos,
                }))
            }
        }
    }

    /// After an unquoted word: whether it is an index, i.e. a relation comes next. A symbol
    /// always is one; a name is one only when a term follows it (`title any fish`), so that
    /// `fish and chips` stays a boolean.
    fn relation_follows(&self) -> bool {
        match self.peek_at(1) {
            Some((Tok::Symbol(_), _)) => true,
            Some((
                Tok::Word {
                    text,
                    quoted: false,
                },
                _,
            )) => {
                let lower = text.to_ascii_lowercase();
                if matches!(lower.as_str(), "and" | "or" | "not" | "prox" | "sortby") {
                    return false;
                }
                // A named relation is followed by a term or by its modifiers.
                matches!(self.peek_at(2), Some((Tok::Word { .. } | Tok::Slash, _)))
            }
            _ => false,
        }
    }

    fn relation(&mut self) -> Result<Relation, CqlError> {
        let comparator = match self.peek().cloned() {
            Some((Tok::Symbol(s), _)) => {
                self.next += 1;
                s.to_string()
            }
            Some((Tok::Word { text, .. }, _)) => {
                self.next += 1;
                text.to_ascii_lowercase()
            }
            Some((tok, pos)) => {
                return Err(self.error(
                    CqlErrorKind::Syntax,
                    pos,
                    format!("expected a relation, found {}", describe(&tok)),
                ));
            }
            None => {
                return Err(self.error(
                    CqlErrorKind::Syntax,
                    self.end,
                    "the query ends where a relation was expected".into(),
                ));
            }
        };
        let modifiers = self.modifiers()?;
        Ok(Relation {
            comparator,
            modifiers,
        })
    }

    fn term(&mut self) -> Result<(String, usize), CqlError> {
        match self.peek().cloned() {
            Some((Tok::Word { text, .. }, pos)) => {
                self.next += 1;
                Ok((text, pos))
            }
            Some((tok, pos)) => Err(self.error(
                if tok == Tok::Open || tok == Tok::Close {
                    CqlErrorKind::Parentheses
                } else {
                    CqlErrorKind::Syntax
                },
                pos,
                format!(
                    "expected a search term, found {}; quote the term if it contains it",
                    describe(&tok)
                ),
            )),
            None => Err(self.error(
                CqlErrorKind::Syntax,
                self.end,
                "the query ends where a search term was expected".into(),
            )),
        }
    }

    fn modifiers(&mut self) -> Result<Vec<Modifier>, CqlError> {
        let mut out = Vec::new();
        while let Some((Tok::Slash, pos)) = self.peek().cloned() {
            self.next += 1;
            let name = match self.peek().cloned() {
                Some((
                    Tok::Word {
                        text,
                        quoted: false,
                    },
                    _,
                )) => {
                    self.next += 1;
                    text
                }
                _ => {
                    return Err(self.error(
                        CqlErrorKind::Syntax,
                        pos,
                        "\"/\" needs a modifier name after it".into(),
                    ));
                }
            };
            let (comparison, value) = match self.peek().cloned() {
                Some((Tok::Symbol(s), at)) => {
                    self.next += 1;
                    match self.peek().cloned() {
                        Some((Tok::Word { text, .. }, _)) => {
                            self.next += 1;
                            (Some(s.to_string()), Some(text))
                        }
                        _ => {
                            return Err(self.error(
                                CqlErrorKind::Syntax,
                                at,
                                format!("the modifier {name}{s} needs a value"),
                            ));
                        }
                    }
                }
                _ => (None, None),
            };
            out.push(Modifier {
                name,
                comparison,
                value,
            });
        }
        Ok(out)
    }

    fn sort_spec(&mut self) -> Result<Vec<SortKey>, CqlError> {
        let mut keys = Vec::new();
        while let Some((Tok::Word { text, .. }, _)) = self.peek().cloned() {
            self.next += 1;
            keys.push(SortKey {
                index: text,
                modifiers: self.modifiers()?,
            });
        }
        if keys.is_empty() {
            return Err(self.error(
                CqlErrorKind::Syntax,
                self.here(),
                "sortby needs at least one index to sort by".into(),
            ));
        }
        Ok(keys)
    }
}

/// Renders a tree back as CQL, for echoing a query and for tests: every term quoted,
/// parentheses around every boolean.
pub fn to_cql(node: &Node) -> String {
    fn quote(s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            if c == '"' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
    fn modifiers(ms: &[Modifier]) -> String {
        ms.iter()
            .map(|m| match (&m.comparison, &m.value) {
                (Some(c), Some(v)) => format!("/{}{c}{}", m.name, quote(v)),
                _ => format!("/{}", m.name),
            })
            .collect()
    }
    match node {
        Node::Clause(c) => match (&c.index, &c.relation) {
            (Some(i), Some(r)) => format!(
                "{i} {}{} {}",
                r.comparator,
                modifiers(&r.modifiers),
                quote(&c.term)
            ),
            _ => quote(&c.term),
        },
        Node::Boolean {
            op,
            modifiers: ms,
            left,
            right,
        } => format!(
            "({} {}{} {})",
            to_cql(left),
            op.as_str(),
            modifiers(ms),
            to_cql(right)
        ),
        Node::Scoped { prefixes, query } => {
            let ps: String = prefixes
                .iter()
                .map(|p| match &p.prefix {
                    Some(name) => format!(">{name}={} ", quote(&p.uri)),
                    None => format!(">{} ", quote(&p.uri)),
                })
                .collect();
            format!("({ps}{})", to_cql(query))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(q: &str) -> Node {
        match parse(q) {
            Ok(query) => query.root,
            Err(e) => panic!("{q:?} should parse: {e}"),
        }
    }

    fn clause(q: &str) -> SearchClause {
        match root(q) {
            Node::Clause(c) => c,
            other => panic!("{q:?} should be one clause, got {other:?}"),
        }
    }

    fn err(q: &str) -> CqlError {
        match parse(q) {
            Err(e) => e,
            Ok(t) => panic!("{q:?} should be refused, got {t:?}"),
        }
    }

    #[test]
    fn a_bare_term_has_no_index_or_relation() {
        let c = clause("dinosaur");
        assert_eq!(c.index, None);
        assert_eq!(c.relation, None);
        assert_eq!(c.term, "dinosaur");
        assert_eq!(clause("\"truyện kiều\"").term, "truyện kiều");
    }

    #[test]
    fn index_relation_term_with_every_symbol() {
        for sym in ["=", "==", "<>", "<", ">", "<=", ">="] {
            let c = clause(&format!("dc.date{sym}1990"));
            assert_eq!(c.index.as_deref(), Some("dc.date"));
            assert_eq!(
                c.relation.as_ref().map(|r| r.comparator.as_str()),
                Some(sym)
            );
            assert_eq!(c.term, "1990");
            let spaced = clause(&format!("dc.date {sym} 1990"));
            assert_eq!((spaced.index, spaced.relation), (c.index, c.relation));
        }
    }

    #[test]
    fn named_relations_any_case() {
        for (q, rel) in [
            ("dc.title all \"war peace\"", "all"),
            ("dc.title ANY \"war peace\"", "any"),
            ("title adj \"war and peace\"", "adj"),
            ("title Exact \"War and peace\"", "exact"),
            ("dc.date within \"1990 2000\"", "within"),
        ] {
            let c = clause(q);
            assert_eq!(c.relation.expect("relation").comparator, rel, "{q}");
        }
        assert_eq!(clause("title any fish").term, "fish");
    }

    #[test]
    fn booleans_are_left_to_right_and_case_insensitive() {
        let r = root("a and b OR c not d");
        let Node::Boolean { op, left, .. } = r else {
            panic!("boolean expected")
        };
        assert_eq!(op, BooleanOp::Not);
        let Node::Boolean { op, left, .. } = *left else {
            panic!("boolean expected")
        };
        assert_eq!(op, BooleanOp::Or);
        let Node::Boolean { op, .. } = *left else {
            panic!("boolean expected")
        };
        assert_eq!(op, BooleanOp::And);
        assert_eq!(
            to_cql(&root("a and (b or c)")),
            "(\"a\" and (\"b\" or \"c\"))"
        );
        assert_eq!(
            to_cql(&root("dc.title=fish prox dc.creator=smith")),
            "(dc.title = \"fish\" prox dc.creator = \"smith\")"
        );
    }

    #[test]
    fn a_quoted_boolean_word_is_a_term() {
        assert_eq!(clause("\"and\"").term, "and");
        assert_eq!(
            to_cql(&root("title=\"or\" and \"not\"")),
            "(title = \"or\" and \"not\")"
        );
    }

    #[test]
    fn escapes_in_quoted_terms() {
        assert_eq!(clause(r#"title="say \"hi\"""#).term, "say \"hi\"");
        // Masking escapes stay, for the mapping to tell literal from masking.
        assert_eq!(clause(r#"title="C\*""#).term, r"C\*");
    }

    #[test]
    fn modifiers_on_relations_and_booleans() {
        let c = clause("title =/relevant/string.locale=vi \"kieu\"");
        let r = c.relation.expect("relation");
        assert_eq!(r.comparator, "=");
        assert_eq!(r.modifiers.len(), 2);
        assert_eq!(r.modifiers[0].name, "relevant");
        assert_eq!(r.modifiers[1].name, "string.locale");
        assert_eq!(r.modifiers[1].comparison.as_deref(), Some("="));
        assert_eq!(r.modifiers[1].value.as_deref(), Some("vi"));
        let Node::Boolean { op, modifiers, .. } = root("a prox/distance<3/unit=word b") else {
            panic!("boolean expected")
        };
        assert_eq!(op, BooleanOp::Prox);
        assert_eq!(modifiers.len(), 2);
        assert_eq!(modifiers[0].comparison.as_deref(), Some("<"));
    }

    #[test]
    fn prefix_assignments_top_and_scoped() {
        let q = parse(">dc=\"info:srw/cql-context-set/1/dc-v1.1\" dc.title=kieu").expect("parses");
        assert_eq!(q.prefixes.len(), 1);
        assert_eq!(q.prefixes[0].prefix.as_deref(), Some("dc"));
        let q = parse("> \"info:srw/cql-context-set/1/dc-v1.1\" title=kieu").expect("parses");
        assert_eq!(q.prefixes[0].prefix, None);
        assert!(matches!(
            root("a and (>x=\"uri\" x.title=b)"),
            Node::Boolean { right, .. } if matches!(*right, Node::Scoped { .. })
        ));
    }

    #[test]
    fn sortby_keys() {
        let q = parse("title=kieu sortby dc.date/sort.descending dc.title").expect("parses");
        assert_eq!(q.sort.len(), 2);
        assert_eq!(q.sort[0].index, "dc.date");
        assert_eq!(q.sort[0].modifiers[0].name, "sort.descending");
        assert_eq!(err("title=kieu sortby").kind, CqlErrorKind::Syntax);
    }

    #[test]
    fn syntax_errors_say_what_and_where() {
        let e = err("");
        assert_eq!(e.kind, CqlErrorKind::Syntax);
        let e = err("title=\"kieu");
        assert_eq!((e.kind, e.position), (CqlErrorKind::Quotes, 7));
        let e = err("(title=kieu");
        assert_eq!((e.kind, e.position), (CqlErrorKind::Parentheses, 1));
        let e = err("title=kieu)");
        assert_eq!((e.kind, e.position), (CqlErrorKind::Parentheses, 11));
        assert_eq!(err("()").kind, CqlErrorKind::Parentheses);
        let e = err("a and");
        assert!(e.message.contains("\"and\" has nothing after it"), "{e}");
        assert_eq!(e.position, 3);
        let e = err("and a");
        assert!(
            e.message
                .contains("boolean operator with nothing before it")
        );
        let e = err("title=");
        assert!(e.message.contains("ends where a search term"), "{e}");
        let e = err("= kieu");
        assert_eq!(e.position, 1);
        let e = err("title = = kieu");
        assert_eq!(e.position, 9);
        assert!(err("a b").message.contains("unexpected word \"b\""));
        assert!(err("title =/ \"kieu\"").message.contains("modifier name"));
        assert!(err(">").message.contains("context set prefix"));
        assert!(err(&"(".repeat(200)).message.contains("nested more than"));
    }

    #[test]
    fn long_flat_chains_parse_up_to_the_limit_and_are_refused_past_it() {
        for op in ["or", "and", "not"] {
            let chain = |n: usize| vec!["dc.title=kieu"; n].join(&format!(" {op} "));
            let q = parse(&chain(MAX_BOOLEANS + 1)).expect("the limit parses");
            assert!(matches!(q.root, Node::Boolean { .. }));
            for n in [MAX_BOOLEANS + 2, 1_000, 5_000] {
                let e = err(&chain(n));
                assert_eq!(e.kind, CqlErrorKind::TooManyBooleans, "{op} x {n}");
                assert!(e.message.contains("256"), "{e}");
            }
        }
        // Booleans inside parentheses count too.
        let nested = format!("a or ({})", vec!["b"; 300].join(" and "));
        assert_eq!(err(&nested).kind, CqlErrorKind::TooManyBooleans);
        let deep = format!("{}a{}", "(".repeat(5_000), ")".repeat(5_000));
        assert!(err(&deep).message.contains("nested more than"));
    }

    #[test]
    fn three_words_are_index_relation_term() {
        // Per the grammar (and yaz): the middle word is a relation, judged by the mapping.
        let c = clause("title foo bar");
        assert_eq!(c.index.as_deref(), Some("title"));
        assert_eq!(c.relation.map(|r| r.comparator), Some("foo".to_string()));
        assert_eq!(c.term, "bar");
        // With a boolean in the middle it is two terms.
        assert!(matches!(
            root("war and peace"),
            Node::Boolean {
                op: BooleanOp::And,
                ..
            }
        ));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn query_shaped_strings_never_panic(
            s in "(\\(|\\)| and | or | not | prox |/|=|==|<>|<=|>=|<|>| sortby |\"|[a-zà-ỹ.]{1,5}| ){0,24}"
        ) {
            if let Ok(q) = parse(&s) {
                // What parses renders back to CQL that parses to the same tree.
                let rendered = to_cql(&q.root);
                let again = parse(&rendered).map(|q2| to_cql(&q2.root));
                proptest::prop_assert_eq!(again, Ok(rendered), "{}", s);
            }
        }
    }
}
