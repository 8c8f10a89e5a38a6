//! Field rules that need more than a table: standard numbers (020, 022), coded lists (041,
//! 043), the title statement (245) and nonfiling-article indicators (130/240/245/440/630/730/
//! 830), after MARC::Lint's `check_NNN` methods.

use super::Out;
use super::schema::{Format, Schema};
use crate::codes as c;
use crate::{Field, Record};

pub(super) fn check_field(
    tag: &str,
    field: &Field,
    record: &Record,
    format: Format,
    schema: &Schema,
    out: &mut Out,
) {
    let Field::Data {
        indicators,
        subfields,
        ..
    } = field
    else {
        return;
    };
    match tag {
        "020" => check_020(subfields, out),
        "022" => check_022(subfields, out),
        "041" if indicators[1].as_char() != '7' => check_041(subfields, schema, out),
        "043" => check_043(subfields, schema, out),
        "245" if format == Format::Bibliographic => check_245(subfields, record, out),
        _ => {}
    }
    if format == Format::Bibliographic {
        let which = match tag {
            "130" | "630" | "730" => Some(0),
            "240" | "245" | "440" | "830" => Some(1),
            _ => None,
        };
        if let Some(which) = which {
            check_article(
                tag,
                which,
                indicators[which].as_char(),
                field,
                record,
                schema,
                out,
            );
        }
    }
}

// ---- 020 ISBN ------------------------------------------------------------------------------

/// The first run of digits (and X) after removing hyphens, the way MARC::Lint finds the ISBN.
fn isbn_digits(value: &str) -> String {
    value
        .chars()
        .filter(|c| *c != '-')
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn digit(c: u8) -> u32 {
    u32::from(c.wrapping_sub(b'0'))
}

/// The check character an ISBN-10 or ISBN-13 should end with, or `None` if `isbn` is neither.
fn isbn_check(isbn: &str) -> Option<char> {
    let b = isbn.as_bytes();
    let body_ok = |n: usize| b.len() > n && b[..n].iter().all(u8::is_ascii_digit);
    match b.len() {
        10 if body_ok(9) && (b[9].is_ascii_digit() || b[9] == b'X') => {
            let sum: u32 = b[..9]
                .iter()
                .enumerate()
                .map(|(i, c)| (10 - i as u32) * digit(*c))
                .sum();
            let check = (11 - sum % 11) % 11;
            Some(if check == 10 {
                'X'
            } else {
                char::from(b'0' + check as u8)
            })
        }
        13 if b.iter().all(u8::is_ascii_digit) => {
            let sum: u32 = b[..12]
                .iter()
                .enumerate()
                .map(|(i, c)| if i % 2 == 0 { digit(*c) } else { 3 * digit(*c) })
                .sum();
            Some(char::from(b'0' + ((10 - sum % 10) % 10) as u8))
        }
        _ => None,
    }
}

fn isbn_is_valid(isbn: &str) -> bool {
    let prefix_ok = isbn.len() != 13 || isbn.starts_with("978") || isbn.starts_with("979");
    prefix_ok && isbn_check(isbn).is_some_and(|c| isbn.ends_with(c))
}

fn check_020(subfields: &[crate::Subfield], out: &mut Out) {
    for (i, sf) in subfields.iter().enumerate() {
        let value = sf.value.as_str();
        // An empty subfield is reported as such (`subfield_empty`), not as a bad number.
        if value.trim().is_empty() {
            continue;
        }
        let isbn = isbn_digits(value);
        match sf.code.as_char() {
            'a' => {
                if !isbn.is_empty() && !value.starts_with(&isbn) {
                    out.warning(
                        c::ISBN_LEADING_TEXT,
                        "020",
                        Some("$a"),
                        format!(
                            "020 $a '{value}' should start with the bare ISBN (no hyphens or \
                             leading text)"
                        ),
                    )
                    .param("value", value)
                    .subfield(i);
                }
                if value.contains('(') && !qualifier_spaced(value) {
                    out.warning(
                        c::ISBN_QUALIFIER_SPACING,
                        "020",
                        Some("$a"),
                        format!(
                            "020 $a '{value}': put a space before the qualifier in parentheses"
                        ),
                    )
                    .param("value", value)
                    .subfield(i);
                }
                match isbn_check(&isbn) {
                    None => {
                        out.error(
                            c::ISBN_MALFORMED,
                            "020",
                            Some("$a"),
                            format!("020 $a '{value}' does not hold a 10- or 13-digit ISBN"),
                        )
                        .param("value", value)
                        .subfield(i);
                    }
                    Some(check) if !isbn.ends_with(check) => {
                        out.error(
                            c::ISBN_CHECK_DIGIT,
                            "020",
                            Some("$a"),
                            format!(
                                "ISBN {isbn} in 020 $a has a wrong check digit (it should end in \
                             {check}); if the number is printed wrong on the item, move it to $z"
                            ),
                        )
                        .param("isbn", &isbn)
                        .param("expected", check)
                        .subfield(i);
                    }
                    Some(_) if !isbn_is_valid(&isbn) => {
                        out.error(
                            c::ISBN_PREFIX,
                            "020",
                            Some("$a"),
                            format!(
                                "ISBN {isbn} in 020 $a is 13 digits but does not start 978 or 979"
                            ),
                        )
                        .param("isbn", &isbn)
                        .subfield(i);
                    }
                    Some(_) => {}
                }
            }
            // $z holds cancelled or invalid ISBNs, so a bad one is expected there; only a
            // valid ISBN-10 written as an ISBN is doubtful (MARC::Lint's rule).
            'z' if (value.starts_with("ISBN") || starts_digits_hyphen_digit(value))
                && isbn.len() == 10
                && isbn_is_valid(&isbn) =>
            {
                out.warning(
                    c::ISBN_VALID_IN_CANCELLED,
                    "020",
                    Some("$z"),
                    format!("ISBN {isbn} in 020 $z is valid; a valid ISBN belongs in $a"),
                )
                .param("isbn", &isbn)
                .subfield(i);
            }
            _ => {}
        }
    }
}

/// MARC::Lint: a qualifier is "X (..." or "digit (...".
fn qualifier_spaced(value: &str) -> bool {
    let b = value.as_bytes();
    b.windows(3)
        .any(|w| (w[0].is_ascii_digit() || w[0] == b'X') && w[1] == b' ' && w[2] == b'(')
}

fn starts_digits_hyphen_digit(value: &str) -> bool {
    let rest = value.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.strip_prefix('-')
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

// ---- 022 ISSN ------------------------------------------------------------------------------

/// The first `dddd-?ddd[dX]` followed by a word boundary, and where it starts.
fn find_issn(value: &str) -> Option<(usize, String)> {
    let b = value.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for start in 0..b.len() {
        let mut i = start;
        let mut digits = String::with_capacity(8);
        let take = |i: &mut usize, n: usize, last: bool, digits: &mut String| -> bool {
            for k in 0..n {
                let Some(&c) = b.get(*i) else { return false };
                let ok = c.is_ascii_digit() || (last && k == n - 1 && (c == b'X' || c == b'x'));
                if !ok {
                    return false;
                }
                digits.push(c.to_ascii_uppercase() as char);
                *i += 1;
            }
            true
        };
        if !take(&mut i, 4, false, &mut digits) {
            continue;
        }
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        if !take(&mut i, 4, true, &mut digits) {
            continue;
        }
        if b.get(i).is_none_or(|c| !is_word(*c)) {
            return Some((start, digits));
        }
    }
    None
}

fn issn_check(issn: &str) -> Option<char> {
    let b = issn.as_bytes();
    if b.len() != 8 || !b[..7].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b[..7]
        .iter()
        .enumerate()
        .map(|(i, c)| (8 - i as u32) * digit(*c))
        .sum();
    let check = (11 - sum % 11) % 11;
    Some(if check == 10 {
        'X'
    } else {
        char::from(b'0' + check as u8)
    })
}

fn check_022(subfields: &[crate::Subfield], out: &mut Out) {
    for (i, sf) in subfields.iter().enumerate() {
        let value = sf.value.as_str();
        // An empty subfield is reported as such (`subfield_empty`), not as a bad number.
        if value.trim().is_empty() {
            continue;
        }
        let found = find_issn(value);
        match (sf.code.as_char(), found) {
            ('a', None) => {
                out.error(
                    c::ISSN_MALFORMED,
                    "022",
                    Some("$a"),
                    format!("022 $a '{value}' does not hold an 8-digit ISSN (nnnn-nnnn)"),
                )
                .param("value", value)
                .subfield(i);
            }
            ('a', Some((start, issn))) => {
                if start != 0 {
                    out.warning(
                        c::ISSN_LEADING_TEXT,
                        "022",
                        Some("$a"),
                        format!("022 $a '{value}' should start with the ISSN"),
                    )
                    .param("value", value)
                    .subfield(i);
                } else if value.contains('-') && value.as_bytes().get(4) != Some(&b'-') {
                    out.warning(
                        c::ISSN_HYPHEN,
                        "022",
                        Some("$a"),
                        format!("022 $a '{value}': the hyphen belongs after the fourth digit"),
                    )
                    .param("value", value)
                    .subfield(i);
                }
                if let Some(check) = issn_check(&issn)
                    && !issn.ends_with(check)
                {
                    out.error(
                        c::ISSN_CHECK_DIGIT,
                        "022",
                        Some("$a"),
                        format!(
                            "ISSN {value} in 022 $a has a wrong check digit (it should end in \
                             {check}); if it is printed wrong on the item, move it to $y"
                        ),
                    )
                    .param("value", value)
                    .param("expected", check)
                    .subfield(i);
                }
            }
            ('y', Some((_, issn))) if issn_check(&issn).is_some_and(|c| issn.ends_with(c)) => {
                out.warning(
                    c::ISSN_VALID_IN_INCORRECT,
                    "022",
                    Some("$y"),
                    format!("ISSN {value} in 022 $y (incorrect ISSN) is in fact valid"),
                )
                .param("value", value)
                .subfield(i);
            }
            ('z', None) => {
                out.warning(
                    c::ISSN_CANCELLED_MALFORMED,
                    "022",
                    Some("$z"),
                    format!("022 $z '{value}' does not look like an ISSN (nnnn-nnnn)"),
                )
                .param("value", value)
                .subfield(i);
            }
            _ => {}
        }
    }
}

// ---- 041, 043 codes ------------------------------------------------------------------------

fn check_041(subfields: &[crate::Subfield], schema: &Schema, out: &mut Out) {
    for (i, sf) in subfields.iter().enumerate() {
        let code = sf.code.as_char();
        if !code.is_ascii_lowercase() {
            continue;
        }
        let value = sf.value.as_str();
        // An empty subfield is reported as such (`subfield_empty`).
        if value.trim().is_empty() {
            continue;
        }
        let position = format!("${code}");
        if !value.is_ascii() || value.is_empty() || value.len() % 3 != 0 {
            out.error(
                c::LANGUAGE_CODES_MALFORMED,
                "041",
                Some(&position),
                format!(
                    "041 ${code} '{value}' is not made of 3-letter MARC language codes (use one \
                     subfield per language)"
                ),
            )
            .param("value", value)
            .subfield(i);
            continue;
        }
        for i in (0..value.len()).step_by(3) {
            let lang = &value[i..i + 3];
            if schema.languages.contains(lang) {
            } else if schema.obsolete_languages.contains(lang) {
                out.warning(
                    c::LANGUAGE_CODE_OBSOLETE,
                    "041",
                    Some(&position),
                    format!("041 ${code}: '{lang}' is an obsolete MARC language code"),
                )
                .param("value", lang)
                .subfield(i);
            } else {
                out.error(
                    c::LANGUAGE_CODE_INVALID,
                    "041",
                    Some(&position),
                    format!("041 ${code}: '{lang}' is not a MARC language code"),
                )
                .param("value", lang)
                .subfield(i);
            }
        }
    }
}

fn check_043(subfields: &[crate::Subfield], schema: &Schema, out: &mut Out) {
    for (i, value) in subfields
        .iter()
        .enumerate()
        .filter(|(_, s)| s.code.as_char() == 'a')
        .map(|(i, s)| (i, s.value.as_str()))
        .filter(|(_, v)| !v.trim().is_empty())
    {
        if value.chars().count() != 7 {
            out.error(
                c::AREA_CODE_LENGTH,
                "043",
                Some("$a"),
                format!("043 $a '{value}' must be a 7-character geographic area code"),
            )
            .param("value", value)
            .subfield(i);
        } else if schema.geographic_areas.contains(value) {
        } else if schema.obsolete_geographic_areas.contains(value) {
            out.warning(
                c::AREA_CODE_OBSOLETE,
                "043",
                Some("$a"),
                format!("043 $a '{value}' is an obsolete geographic area code"),
            )
            .param("value", value)
            .subfield(i);
        } else {
            out.error(
                c::AREA_CODE_INVALID,
                "043",
                Some("$a"),
                format!("043 $a '{value}' is not a MARC geographic area code"),
            )
            .param("value", value)
            .subfield(i);
        }
    }
}

// ---- 245 title statement -------------------------------------------------------------------

fn check_245(subfields: &[crate::Subfield], record: &Record, out: &mut Out) {
    if !subfields.iter().any(|s| s.code.as_char() == 'a') {
        out.error(
            c::TITLE_SUBFIELD_A_MISSING,
            "245",
            Some("$a"),
            "245 has no subfield $a (title)",
        );
    }
    let codes: Vec<char> = subfields.iter().map(|s| s.code.as_char()).collect();
    match codes.as_slice() {
        ['6', 'a', ..] | ['a', ..] | [] => {}
        ['6', second, ..] => {
            out.warning(
                c::TITLE_FIRST_SUBFIELD,
                "245",
                Some(&format!("${second}")),
                format!("245 should begin with $a after $6, but it has ${second}"),
            )
            .subfield(1);
        }
        [first, ..] => {
            out.warning(
                c::TITLE_FIRST_SUBFIELD,
                "245",
                Some(&format!("${first}")),
                format!("245 should begin with $a, but it begins with ${first}"),
            )
            .subfield(0);
        }
    }
    // With ISBD punctuation omitted (Leader/18 c or n) the punctuation checks do not apply.
    if matches!(record.leader.at(18), 'c' | 'n') {
        return;
    }
    if let Some(last) = subfields.last() {
        let value = last.value.trim_end();
        if !value.ends_with(['.', '?', '!']) {
            let tail: String = value
                .chars()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            out.warning(
                c::TITLE_END_PUNCTUATION,
                "245",
                Some(&format!("${}", last.code.as_char())),
                format!("245 should end with a period (or ? or !); it ends with '{tail}'"),
            )
            .param("ending", &tail)
            .subfield(subfields.len() - 1);
        }
    }
    for (i, pair) in subfields.windows(2).enumerate() {
        let (prev, this) = (&pair[0], &pair[1]);
        let before = prev.value.as_str();
        let position = format!("${}", this.code.as_char());
        match this.code.as_char() {
            'b' if !(before.ends_with(" :")
                || before.ends_with(" ;")
                || before.ends_with(" =")) =>
            {
                out.warning(
                    c::PUNCTUATION_BEFORE_B,
                    "245",
                    Some(&position),
                    "245 $b should follow ' :', ' ;' or ' =' at the end of the subfield before it",
                )
                .subfield(i + 1);
            }
            'c' if !before.ends_with(" /") && !codes[..=i].contains(&'c') => {
                out.warning(
                    c::PUNCTUATION_BEFORE_C,
                    "245",
                    Some(&position),
                    "245 $c should follow ' /' at the end of the subfield before it",
                )
                .subfield(i + 1);
            }
            'h' => {
                if before.ends_with(' ') && !before.ends_with("-- ") {
                    out.warning(
                        c::MEDIUM_AFTER_SPACE,
                        "245",
                        Some(&position),
                        "245 $h should not follow a space",
                    )
                    .subfield(i + 1);
                }
                if !(this.value.starts_with('[') && this.value.contains(']')) {
                    out.warning(
                        c::MEDIUM_BRACKETS,
                        "245",
                        Some(&position),
                        "245 $h (medium) should be in square brackets",
                    )
                    .subfield(i + 1);
                }
            }
            'n' if !ends_with_mark(before, '.') => {
                out.warning(
                    c::PUNCTUATION_BEFORE_N,
                    "245",
                    Some(&position),
                    "245 $n should follow a period at the end of the subfield before it",
                )
                .subfield(i + 1);
            }
            'p' if prev.code.as_char() == 'n' && !ends_with_mark(before, ',') => {
                out.warning(
                    c::PUNCTUATION_BEFORE_P_AFTER_N,
                    "245",
                    Some(&position),
                    "245 $p after $n should follow a comma at the end of $n",
                )
                .subfield(i + 1);
            }
            'p' if prev.code.as_char() != 'n' && !ends_with_mark(before, '.') => {
                out.warning(
                    c::PUNCTUATION_BEFORE_P,
                    "245",
                    Some(&position),
                    "245 $p should follow a period at the end of the subfield before it",
                )
                .subfield(i + 1);
            }
            _ => {}
        }
    }
}

/// MARC::Lint's `(\S<mark>$)|(-- <mark>$)`.
fn ends_with_mark(value: &str, mark: char) -> bool {
    let Some(rest) = value.strip_suffix(mark) else {
        return false;
    };
    rest.ends_with("-- ") || rest.chars().last().is_some_and(|c| !c.is_whitespace())
}

// ---- nonfiling articles --------------------------------------------------------------------

/// The record's language from 008/35-37, when it is a known code (MARC::Lint's rule: without a
/// language, an article cannot be told from an ordinary word).
fn record_language<'r>(record: &'r Record, schema: &Schema) -> Option<&'r str> {
    let lang = record.control_value("008")?.get(35..38)?;
    let known = schema.languages.contains(lang) || schema.obsolete_languages.contains(lang);
    (known && !matches!(lang, "und" | "zxx")).then_some(lang)
}

fn check_article(
    tag: &str,
    which: usize,
    indicator: char,
    field: &Field,
    record: &Record,
    schema: &Schema,
    out: &mut Out,
) {
    // A non-digit is already reported as an undefined indicator value.
    let Some(given) = indicator.to_digit(10) else {
        return;
    };
    let Some(lang) = record_language(record, schema) else {
        return;
    };
    let title = field.subfield('a').unwrap_or("");
    let body = title.trim_start_matches(['"', '\'', '[', '*']);
    let leading = title.chars().count() - body.chars().count();
    let word_end = body
        .find([' ', '(', ')', '[', ']', '\'', '"', '-'])
        .unwrap_or(body.len());
    let word = &body[..word_end];
    let after = &body[word_end..];
    let lower = word.to_lowercase();
    let mut expected = word.chars().count() + leading + 1;

    let exception = schema.article_exceptions.iter().any(|e| {
        body.get(..e.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(e))
    });
    let is_article = !exception
        && schema
            .articles
            .get(lang)
            .is_some_and(|words| words.contains(&lower));
    let position = if which == 0 { "ind1" } else { "ind2" };
    let nth = which + 1;
    if is_article {
        // "L'" and "The '..." style openings: the punctuation after the article also files.
        let mut rest = after.chars();
        if rest.next().is_some_and(|c| " ()[]'\"".contains(c)) {
            let etc = rest.as_str();
            if etc.starts_with([' ', '(', ')', '[', ']', '\'', '"', '-']) {
                expected += etc.chars().take_while(|c| " \"'[]()*".contains(*c)).count();
            }
        }
        let shown: String = title.chars().take(expected).collect();
        if let Some(accepted) = schema.ambiguous_articles.get(&lower) {
            if !accepted.iter().any(|n| u32::from(*n) == given) {
                out.warning(
                    c::NONFILING_AMBIGUOUS,
                    tag,
                    Some(position),
                    format!(
                        "{tag} indicator {nth} is {given} but the title starts with '{shown}', \
                         which may be an article; check the nonfiling count"
                    ),
                )
                .param("indicator", nth)
                .param("value", given)
                .param("start", &shown);
            }
        } else if given as usize != expected {
            out.warning(
                c::NONFILING_COUNT,
                tag,
                Some(position),
                format!(
                    "{tag} indicator {nth} is {given} but the title starts with '{shown}' \
                     ({expected} nonfiling characters)"
                ),
            )
            .param("indicator", nth)
            .param("value", given)
            .param("start", &shown)
            .param("expected", expected);
        }
    } else if given != 0 && schema.article_languages.contains(lang) {
        out.warning(
            c::NONFILING_NOT_ARTICLE,
            tag,
            Some(position),
            format!(
                "{tag} indicator {nth} is {given} but '{word}' does not look like an article \
                 in this {lang} record; expected 0"
            ),
        )
        .param("indicator", nth)
        .param("value", given)
        .param("word", word)
        .param("language", lang);
    }
}
