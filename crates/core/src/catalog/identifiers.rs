//! ISBN and ISSN: normalized, checked, and the two ISBN forms made one.
//!
//! Catalogers type ISBNs with hyphens, spaces, qualifiers (`9786041234567 (bìa mềm)`) and in
//! both the 10- and 13-digit forms. Search and matching compare one canonical form: ISBN-13
//! digits for ISBNs (978-prefixed ISBN-10s converted), `NNNN-NNNC` for ISSNs.

use std::fmt;

/// Why an identifier was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierProblem {
    /// Not 10 or 13 digits (ISBN) or 8 (ISSN) once hyphens and spaces are gone.
    WrongLength { digits: usize },
    /// The check digit does not match: the number was mistyped.
    BadCheckDigit { expected: char, found: char },
}

impl fmt::Display for IdentifierProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentifierProblem::WrongLength { digits } => write!(f, "has {digits} digits"),
            IdentifierProblem::BadCheckDigit { expected, found } => {
                write!(f, "check digit is {found} but should be {expected}")
            }
        }
    }
}

/// The digits (and a final X) of the leading identifier in `text`, ignoring hyphens and
/// spaces and stopping at the first other character (`(pbk.)`, `:`).
fn leading_digits(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        match c {
            '0'..='9' => out.push(c),
            'x' | 'X' => {
                out.push('X');
                break;
            }
            '-' | ' ' | '\u{2010}' | '\u{2011}' => {}
            _ if out.is_empty() => {}
            _ => break,
        }
    }
    out
}

fn digit(c: char) -> u32 {
    c.to_digit(10).unwrap_or(0)
}

fn isbn10_check(first9: &str) -> char {
    let sum: u32 = first9
        .chars()
        .enumerate()
        .map(|(i, c)| digit(c) * (10 - i as u32))
        .sum();
    match (11 - sum % 11) % 11 {
        10 => 'X',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

fn isbn13_check(first12: &str) -> char {
    let sum: u32 = first12
        .chars()
        .enumerate()
        .map(|(i, c)| digit(c) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10).unwrap_or('0')
}

/// The ISBN-13 form of an ISBN-10 or ISBN-13 written in any usual way.
pub fn normalize_isbn(text: &str) -> Result<String, IdentifierProblem> {
    let d = leading_digits(text);
    match d.len() {
        10 if !d[..9].contains('X') => {
            let (expected, found) = (isbn10_check(&d[..9]), d.chars().last().unwrap_or('?'));
            if expected != found {
                return Err(IdentifierProblem::BadCheckDigit { expected, found });
            }
            let body = format!("978{}", &d[..9]);
            Ok(format!("{body}{}", isbn13_check(&body)))
        }
        13 if !d.contains('X') => {
            let (expected, found) = (isbn13_check(&d[..12]), d.chars().last().unwrap_or('?'));
            if expected != found {
                return Err(IdentifierProblem::BadCheckDigit { expected, found });
            }
            Ok(d)
        }
        n => Err(IdentifierProblem::WrongLength { digits: n }),
    }
}

/// The `NNNN-NNNC` form of an ISSN.
pub fn normalize_issn(text: &str) -> Result<String, IdentifierProblem> {
    let d = leading_digits(text);
    if d.len() != 8 || d[..7].contains('X') {
        return Err(IdentifierProblem::WrongLength { digits: d.len() });
    }
    let sum: u32 = d[..7]
        .chars()
        .enumerate()
        .map(|(i, c)| digit(c) * (8 - i as u32))
        .sum();
    let expected = match (11 - sum % 11) % 11 {
        10 => 'X',
        v => char::from_digit(v, 10).unwrap_or('0'),
    };
    let found = d.chars().last().unwrap_or('?');
    if expected != found {
        return Err(IdentifierProblem::BadCheckDigit { expected, found });
    }
    Ok(format!("{}-{}", &d[..4], &d[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_isbn_forms_become_one() {
        assert_eq!(normalize_isbn("0-306-40615-2"), Ok("9780306406157".into()));
        assert_eq!(
            normalize_isbn("978-0-306-40615-7"),
            Ok("9780306406157".into())
        );
        assert_eq!(
            normalize_isbn("978-604-123456-7 (bìa mềm)"),
            Ok("9786041234567".into())
        );
        assert_eq!(normalize_isbn("080442957X"), Ok("9780804429573".into()));
    }

    #[test]
    fn bad_isbns_say_what_is_wrong() {
        assert_eq!(
            normalize_isbn("0-306-40615-3"),
            Err(IdentifierProblem::BadCheckDigit {
                expected: '2',
                found: '3'
            })
        );
        assert_eq!(
            normalize_isbn("12345"),
            Err(IdentifierProblem::WrongLength { digits: 5 })
        );
        assert_eq!(
            normalize_isbn(""),
            Err(IdentifierProblem::WrongLength { digits: 0 })
        );
    }

    #[test]
    fn issns_are_checked_and_hyphenated() {
        assert_eq!(normalize_issn("0378-5955"), Ok("0378-5955".into()));
        assert_eq!(normalize_issn("1559372X"), Ok("1559-372X".into()));
        assert!(matches!(
            normalize_issn("0378-5956"),
            Err(IdentifierProblem::BadCheckDigit { .. })
        ));
    }
}
