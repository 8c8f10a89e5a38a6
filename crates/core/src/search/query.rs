//! The search box's query language, parsed into a small tree before it meets the index.
//!
//! ```text
//! query   := or
//! or      := and ("OR" and)*
//! and     := unary (["AND"] unary)*          -- words side by side must all match
//! unary   := "NOT" unary | primary
//! primary := "(" or ")" | FIELD ":" (WORD | PHRASE | "(" or ")") | WORD | PHRASE
//! ```
//!
//! Only upper-case `AND`, `OR`, `NOT` are operators, so an English title with "and" in it is
//! still searched as words. `name:value` is a field when `name` is one of [`FIELDS`] (a space
//! after the colon is forgiven); a word like `Python:` followed by a space stays a word, but
//! `titel:kieu` (a misspelt field with a value glued to it) is reported rather than quietly finding nothing. Every error
//! names the problem and its position (in characters, from 1), and the parser never panics:
//! nesting is bounded so that no input can exhaust the stack.

use crate::api::MaterialType;
use crate::catalog::identifiers::{normalize_isbn, normalize_issn};
use crate::error::CoreError;

/// The field names a query may use, as a person types them.
pub const FIELDS: [&str; 12] = [
    "title",
    "author",
    "subject",
    "publisher",
    "callno",
    "isbn",
    "issn",
    "lang",
    "type",
    "year",
    "branch",
    "available",
];

/// Deeper nesting than this is refused: no real query needs it, and it bounds recursion.
pub const MAX_DEPTH: usize = 64;

/// A text field a word can be searched in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextField {
    Title,
    Author,
    Subject,
    Publisher,
    CallNumber,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Everything: the empty query.
    All,
    /// Words (one word, or a phrase when `phrase`) in one field or, with `None`, in any.
    Text {
        field: Option<TextField>,
        value: String,
        phrase: bool,
    },
    /// An ISBN-13, normalized.
    Isbn(String),
    /// An ISSN `NNNN-NNNC`.
    Issn(String),
    /// A MARC language code, lowercase.
    Lang(String),
    Type(MaterialType),
    Year {
        from: Option<i64>,
        to: Option<i64>,
    },
    Branch(String),
    Available(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Word(String),
    Phrase(String),
    /// `name:` glued to what follows.
    Field(String),
}

/// A token and its position (1-based, in characters).
type Spanned = (Tok, usize);

/// Whether `node` has words that rank its hits (a score that differs between hits); filters
/// (`type:`, `isbn:`, years, ...) and anything under NOT only decide what matches.
pub(crate) fn ranks(node: &Node) -> bool {
    match node {
        Node::Text { .. } => true,
        Node::And(nodes) | Node::Or(nodes) => nodes.iter().any(ranks),
        Node::All
        | Node::Isbn(_)
        | Node::Issn(_)
        | Node::Lang(_)
        | Node::Type(_)
        | Node::Year { .. }
        | Node::Branch(_)
        | Node::Available(_)
        | Node::Not(_) => false,
    }
}

/// Parses `input` into a query tree, or says what is wrong with it and where.
pub(crate) fn parse(input: &str) -> Result<Node, CoreError> {
    let tokens = lex(input)?;
    if tokens.is_empty() {
        return Ok(Node::All);
    }
    let mut parser = Parser {
        input,
        tokens,
        next: 0,
        depth: 0,
    };
    let node = parser.or(None)?;
    if let Some((tok, pos)) = parser.peek() {
        let what = match tok {
            Tok::Close => "a closing parenthesis with no opening one".to_string(),
            other => format!("unexpected {}", describe(other)),
        };
        return Err(parser.error(format!("{what} at position {pos}")));
    }
    Ok(node)
}

fn invalid(input: &str, reason: String) -> CoreError {
    CoreError::InvalidInput {
        what: "search query",
        value: input.to_string(),
        reason,
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Open => "\"(\"".into(),
        Tok::Close => "\")\"".into(),
        Tok::And => "AND".into(),
        Tok::Or => "OR".into(),
        Tok::Not => "NOT".into(),
        Tok::Word(w) => format!("word {w:?}"),
        Tok::Phrase(p) => format!("phrase \"{p}\""),
        Tok::Field(f) => format!("field {f}:"),
    }
}

fn lex(input: &str) -> Result<Vec<Spanned>, CoreError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push((Tok::Open, pos));
            i += 1;
        } else if c == ')' {
            out.push((Tok::Close, pos));
            i += 1;
        } else if c == '"' {
            let (phrase, end) = quoted(input, &chars, i)?;
            out.push((Tok::Phrase(phrase), pos));
            i = end;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '(' | ')' | '"')
            {
                // A field name ends at its colon, so that `title:"..."` and `title:(` lex.
                if chars[i] == ':' && is_field_prefix(&chars[start..i]) {
                    let name: String = chars[start..i]
                        .iter()
                        .collect::<String>()
                        .to_ascii_lowercase();
                    // A known field takes what follows, even after a space (`title: kieu`);
                    // an unknown name is a field only when a value is glued to it.
                    if FIELDS.contains(&name.as_str()) || glued(&chars, i + 1) {
                        break;
                    }
                }
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if i < chars.len() && chars[i] == ':' {
                let name = word.to_ascii_lowercase();
                if !FIELDS.contains(&name.as_str()) {
                    return Err(invalid(
                        input,
                        format!(
                            "unknown field {word:?} at position {pos}; the fields are {}, or put the words in quotes to search them as text",
                            FIELDS.join(", ")
                        ),
                    ));
                }
                out.push((Tok::Field(name), pos));
                i += 1;
                continue;
            }
            let tok = match word.as_str() {
                "AND" => Tok::And,
                "OR" => Tok::Or,
                "NOT" => Tok::Not,
                _ => Tok::Word(word),
            };
            out.push((tok, pos));
        }
    }
    Ok(out)
}

/// Letters only, like every field name: `http` in `http://` is not taken for a field.
fn is_field_prefix(name: &[char]) -> bool {
    !name.is_empty() && name.iter().all(|c| c.is_ascii_alphabetic())
}

/// Whether something that can be a value follows at once (no space).
fn glued(chars: &[char], at: usize) -> bool {
    chars
        .get(at)
        .is_some_and(|c| !c.is_whitespace() && *c != ')')
}

fn quoted(input: &str, chars: &[char], open: usize) -> Result<(String, usize), CoreError> {
    let mut i = open + 1;
    while i < chars.len() && chars[i] != '"' {
        i += 1;
    }
    if i == chars.len() {
        return Err(invalid(
            input,
            format!(
                "the quote at position {} is never closed; add a closing \"",
                open + 1
            ),
        ));
    }
    Ok((chars[open + 1..i].iter().collect(), i + 1))
}

struct Parser<'q> {
    input: &'q str,
    tokens: Vec<Spanned>,
    next: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.next)
    }

    fn error(&self, reason: String) -> CoreError {
        invalid(self.input, reason)
    }

    fn end_position(&self) -> usize {
        self.input.chars().count() + 1
    }

    fn descend(&mut self) -> Result<(), CoreError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let pos = self.peek().map_or(self.end_position(), |t| t.1);
            return Err(self.error(format!(
                "the query is nested more than {MAX_DEPTH} levels deep at position {pos}"
            )));
        }
        Ok(())
    }

    fn or(&mut self, field: Option<&str>) -> Result<Node, CoreError> {
        self.descend()?;
        let mut parts = vec![self.and(field)?];
        while let Some((Tok::Or, pos)) = self.peek() {
            let pos = *pos;
            self.next += 1;
            if self.at_operand_end() {
                return Err(self.error(format!("OR at position {pos} has nothing after it")));
            }
            parts.push(self.and(field)?);
        }
        self.depth -= 1;
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Node::Or(parts)
        })
    }

    /// Whether the next token cannot start an operand.
    fn at_operand_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some((Tok::Close | Tok::And | Tok::Or, _))
        )
    }

    fn and(&mut self, field: Option<&str>) -> Result<Node, CoreError> {
        let mut parts = vec![self.unary(field)?];
        loop {
            match self.peek() {
                Some((Tok::And, pos)) => {
                    let pos = *pos;
                    self.next += 1;
                    if self.at_operand_end() {
                        return Err(
                            self.error(format!("AND at position {pos} has nothing after it"))
                        );
                    }
                }
                None | Some((Tok::Or | Tok::Close, _)) => break,
                Some(_) => {}
            }
            parts.push(self.unary(field)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Node::And(parts)
        })
    }

    fn unary(&mut self, field: Option<&str>) -> Result<Node, CoreError> {
        if let Some((Tok::Not, pos)) = self.peek() {
            let pos = *pos;
            self.next += 1;
            if self.at_operand_end() {
                return Err(self.error(format!("NOT at position {pos} has nothing after it")));
            }
            self.descend()?;
            let inner = self.unary(field)?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.primary(field)
    }

    fn primary(&mut self, field: Option<&str>) -> Result<Node, CoreError> {
        let Some((tok, pos)) = self.peek().cloned() else {
            return Err(self.error(format!(
                "the query ends too early at position {}",
                self.end_position()
            )));
        };
        self.next += 1;
        match tok {
            Tok::Open => self.group(field, pos),
            Tok::Word(w) => value(self.input, field, &w, false, pos),
            Tok::Phrase(p) => value(self.input, field, &p, true, pos),
            Tok::Field(name) => match self.peek().cloned() {
                Some((Tok::Word(w), at)) => {
                    self.next += 1;
                    value(self.input, Some(&name), &w, false, at)
                }
                Some((Tok::Phrase(p), at)) => {
                    self.next += 1;
                    value(self.input, Some(&name), &p, true, at)
                }
                Some((Tok::Open, at)) => {
                    self.next += 1;
                    self.group(Some(&name), at)
                }
                _ => Err(self.error(format!(
                    "{name}: at position {pos} needs a word, a quoted phrase or a group in parentheses right after the colon"
                ))),
            },
            Tok::Close => Err(self.error(format!(
                "a closing parenthesis with no opening one at position {pos}"
            ))),
            Tok::And | Tok::Or => Err(self.error(format!(
                "{} at position {pos} has nothing before it",
                describe(&tok)
            ))),
            Tok::Not => Err(self.error(format!("NOT at position {pos} is out of place"))),
        }
    }

    fn group(&mut self, field: Option<&str>, open: usize) -> Result<Node, CoreError> {
        if let Some((Tok::Close, _)) = self.peek() {
            return Err(self.error(format!("the parentheses at position {open} hold nothing")));
        }
        let inner = self.or(field)?;
        match self.peek() {
            Some((Tok::Close, _)) => {
                self.next += 1;
                Ok(inner)
            }
            _ => Err(self.error(format!(
                "the parenthesis at position {open} is never closed; add a closing )"
            ))),
        }
    }
}

/// What one value means in its field, checked.
fn value(
    input: &str,
    field: Option<&str>,
    raw: &str,
    phrase: bool,
    pos: usize,
) -> Result<Node, CoreError> {
    let text = |field| {
        Ok(Node::Text {
            field,
            value: raw.to_string(),
            phrase,
        })
    };
    let bad = |reason: String| Err(invalid(input, format!("{reason} at position {pos}")));
    let trimmed = raw.trim();
    match field {
        None => text(None),
        Some("title") => text(Some(TextField::Title)),
        Some("author") => text(Some(TextField::Author)),
        Some("subject") => text(Some(TextField::Subject)),
        Some("publisher") => text(Some(TextField::Publisher)),
        Some("callno") => text(Some(TextField::CallNumber)),
        Some("isbn") => match normalize_isbn(trimmed) {
            Ok(isbn) => Ok(Node::Isbn(isbn)),
            Err(problem) => bad(format!("the ISBN {trimmed:?} {problem}")),
        },
        Some("issn") => match normalize_issn(trimmed) {
            Ok(issn) => Ok(Node::Issn(issn)),
            Err(problem) => bad(format!("the ISSN {trimmed:?} {problem}")),
        },
        Some("lang") => {
            if trimmed.len() == 3 && trimmed.chars().all(|c| c.is_ascii_alphabetic()) {
                Ok(Node::Lang(trimmed.to_ascii_lowercase()))
            } else {
                bad(format!(
                    "the language {trimmed:?} is not a three-letter MARC code such as vie or eng"
                ))
            }
        }
        Some("type") => match MaterialType::parse(&trimmed.to_lowercase()) {
            Some(t) => Ok(Node::Type(t)),
            None => {
                let names: Vec<&str> = MaterialType::ALL.iter().map(|t| t.as_str()).collect();
                bad(format!(
                    "the material type {trimmed:?} is not one of {}",
                    names.join(", ")
                ))
            }
        },
        Some("year") => match year_range(trimmed) {
            Some((from, to)) if from.zip(to).is_none_or(|(f, t)| f <= t) => {
                Ok(Node::Year { from, to })
            }
            Some(_) => bad(format!("the year range {trimmed:?} runs backwards")),
            None => bad(format!(
                "the year {trimmed:?} is not a year or a range such as 1990..2000, 1990.. or ..2000"
            )),
        },
        Some("branch") if !trimmed.is_empty() => Ok(Node::Branch(trimmed.to_string())),
        Some("branch") => bad("branch: needs a branch code".into()),
        Some("available") => match trimmed.to_ascii_lowercase().as_str() {
            "yes" | "true" => Ok(Node::Available(true)),
            "no" | "false" => Ok(Node::Available(false)),
            _ => bad(format!(
                "available:{trimmed} should be available:yes or available:no"
            )),
        },
        Some(other) => bad(format!("unknown field {other:?}")),
    }
}

/// `1990`, `1990..2000`, `1990..`, `..2000`; `None` when it is none of these.
fn year_range(s: &str) -> Option<(Option<i64>, Option<i64>)> {
    let year = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    match s.split_once("..") {
        None => year(s).map(|y| (Some(y), Some(y))),
        Some(("", "")) => None,
        Some((from, "")) => year(from).map(|f| (Some(f), None)),
        Some(("", to)) => year(to).map(|t| (None, Some(t))),
        Some((from, to)) => Some((Some(year(from)?), Some(year(to)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(v: &str) -> Node {
        Node::Text {
            field: None,
            value: v.into(),
            phrase: false,
        }
    }

    fn error_of(q: &str) -> String {
        match parse(q) {
            Err(CoreError::InvalidInput { reason, .. }) => reason,
            other => panic!("{q:?} should be refused, got {other:?}"),
        }
    }

    #[test]
    fn words_side_by_side_must_all_match() {
        assert_eq!(
            parse("ha noi").unwrap(),
            Node::And(vec![word("ha"), word("noi")])
        );
        assert_eq!(parse("  ").unwrap(), Node::All);
    }

    #[test]
    fn operators_bind_not_then_and_then_or() {
        assert_eq!(
            parse("a OR b c NOT d").unwrap(),
            Node::Or(vec![
                word("a"),
                Node::And(vec![word("b"), word("c"), Node::Not(Box::new(word("d")))])
            ])
        );
        assert_eq!(
            parse("(a OR b) AND c").unwrap(),
            Node::And(vec![Node::Or(vec![word("a"), word("b")]), word("c")])
        );
        assert_eq!(
            parse("war and peace").unwrap(),
            Node::And(vec![word("war"), word("and"), word("peace")])
        );
    }

    #[test]
    fn fields_take_a_word_a_phrase_or_a_group() {
        assert_eq!(
            parse("title:\"truyện kiều\"").unwrap(),
            Node::Text {
                field: Some(TextField::Title),
                value: "truyện kiều".into(),
                phrase: true
            }
        );
        assert_eq!(
            parse("author:(du OR tuan)").unwrap(),
            Node::Or(vec![
                Node::Text {
                    field: Some(TextField::Author),
                    value: "du".into(),
                    phrase: false
                },
                Node::Text {
                    field: Some(TextField::Author),
                    value: "tuan".into(),
                    phrase: false
                },
            ])
        );
        assert_eq!(
            parse("year:1990..2000").unwrap(),
            Node::Year {
                from: Some(1990),
                to: Some(2000)
            }
        );
        assert_eq!(
            parse("year:..2000").unwrap(),
            Node::Year {
                from: None,
                to: Some(2000)
            }
        );
        assert_eq!(
            parse("YEAR:1975").unwrap(),
            Node::Year {
                from: Some(1975),
                to: Some(1975)
            }
        );
        assert_eq!(
            parse("type:Ebook").unwrap(),
            Node::Type(MaterialType::Ebook)
        );
        assert_eq!(parse("lang:VIE").unwrap(), Node::Lang("vie".into()));
        assert_eq!(
            parse("Python: basics").unwrap(),
            Node::And(vec![word("Python:"), word("basics")])
        );
    }

    #[test]
    fn both_isbn_forms_normalize_to_one() {
        let want = Node::Isbn("9780306406157".into());
        assert_eq!(parse("isbn:0-306-40615-2").unwrap(), want);
        assert_eq!(parse("isbn:9780306406157").unwrap(), want);
        assert_eq!(parse("isbn:978-0-306-40615-7").unwrap(), want);
        assert_eq!(
            parse("issn:0378-5955").unwrap(),
            Node::Issn("0378-5955".into())
        );
    }

    #[test]
    fn bad_queries_name_the_problem_and_its_position() {
        assert!(
            error_of("isbn:0-306-40615-3").contains("check digit"),
            "{}",
            error_of("isbn:0-306-40615-3")
        );
        assert!(error_of("isbn:12345").contains("position 6"));
        assert!(error_of("\"truyện kiều").contains("quote at position 1 is never closed"));
        assert!(error_of("(a OR b").contains("parenthesis at position 1 is never closed"));
        assert!(
            error_of("a OR b)").contains("closing parenthesis with no opening one at position 7")
        );
        assert!(error_of("a AND").contains("AND at position 3 has nothing after it"));
        assert!(error_of("OR a").contains("OR at position 1 has nothing before it"));
        assert!(error_of("NOT").contains("NOT at position 1"));
        assert!(error_of("titel:kieu").contains("unknown field \"titel\" at position 1"));
        assert!(error_of("title:").contains("title: at position 1 needs a word"));
        assert_eq!(
            parse("title: kieu").unwrap(),
            Node::Text {
                field: Some(TextField::Title),
                value: "kieu".into(),
                phrase: false
            }
        );
        assert!(error_of("year:2000..1990").contains("runs backwards"));
        assert!(error_of("year:nineties").contains("not a year"));
        assert!(error_of("type:cdrom").contains("not one of book"));
        assert!(error_of("()").contains("hold nothing"));
        assert!(error_of(&"(".repeat(500)).contains("nested more than"));
        assert!(error_of(&"NOT ".repeat(500)).contains("nested more than"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn arbitrary_query_shaped_strings_never_panic(
            s in "[a-z() \"ÀÁđĐ:.]{0,10}( (AND|OR|NOT) |title:|year:|isbn:|[()\"]|[a-zà-ỹ0-9.]{1,6}){0,12}"
        ) {
            let _ = parse(&s);
        }
    }
}
