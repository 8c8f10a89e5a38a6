//! The stable identifiers of the problems the validator and the mnemonic-text reader report
//! ([`crate::Diagnostic::code`]).
//!
//! A face translates a diagnostic by its code (the UI keeps one message per code in
//! `ui/src/i18n/<lang>/validation.json`), interpolating the diagnostic's `params`; the English
//! `message` stays the fallback. A code names a kind of problem, so it never changes once
//! released; a new kind gets a new code, added both here and to [`CODES`] (a test checks that
//! every constant of this file is listed).

// ---- the record as a whole -----------------------------------------------------------------
/// The MARC 21 definitions could not be loaded; nothing was checked.
pub const DEFINITIONS_UNAVAILABLE: &str = "definitions_unavailable";
/// More than one 1XX. Params: `count`.
pub const TOO_MANY_MAIN_ENTRIES: &str = "too_many_main_entries";
/// A bibliographic record without 245.
pub const TITLE_MISSING: &str = "title_missing";
/// An authority record without a 1XX heading.
pub const HEADING_MISSING: &str = "heading_missing";
/// No 001.
pub const CONTROL_NUMBER_MISSING: &str = "control_number_missing";
/// No 008.
pub const FIXED_FIELD_MISSING: &str = "fixed_field_missing";

// ---- fields --------------------------------------------------------------------------------
/// A data tag (010 and up) stored as a control field.
pub const DATA_FIELD_AS_CONTROL: &str = "data_field_as_control";
/// A control tag (001-009) stored with indicators and subfields.
pub const CONTROL_FIELD_AS_DATA: &str = "control_field_as_data";
/// A non-repeatable field occurs again. Params: `name`, `occurrence`.
pub const FIELD_NOT_REPEATABLE: &str = "field_not_repeatable";
/// A tag the format does not define. Params: `format`.
pub const TAG_UNDEFINED: &str = "tag_undefined";
/// A control field holding a subfield delimiter.
pub const CONTROL_FIELD_DELIMITER: &str = "control_field_delimiter";
/// An 880 without $6.
pub const LINKAGE_MISSING: &str = "linkage_missing";
/// An indicator value the field does not define. Params: `indicator` (1 or 2), `value`,
/// `meaning`, `allowed`.
pub const INDICATOR_UNDEFINED: &str = "indicator_undefined";
/// A subfield code the field does not define. Params: `code`, `name`.
pub const SUBFIELD_UNDEFINED: &str = "subfield_undefined";
/// A non-repeatable subfield occurs again. Params: `code`.
pub const SUBFIELD_NOT_REPEATABLE: &str = "subfield_not_repeatable";
/// A subfield value holding a tab or line break. Params: `code`.
pub const SUBFIELD_LINE_BREAK: &str = "subfield_line_break";
/// A subfield with no value: a template's blank for the cataloger to fill. Params: `code`.
pub const SUBFIELD_EMPTY: &str = "subfield_empty";
/// A control field with no value.
pub const CONTROL_FIELD_EMPTY: &str = "control_field_empty";

// ---- fixed positions (leader, 008) ---------------------------------------------------------
/// 008 of the wrong length. Params: `length`, `expected`, `material`.
pub const FIXED_FIELD_LENGTH: &str = "fixed_field_length";
/// An undefined code at a position. Params: `position`, `name`, `value`.
pub const POSITION_CODE_UNDEFINED: &str = "position_code_undefined";
/// Not a year. Params: `position`, `name`, `value`.
pub const POSITION_DATE_INVALID: &str = "position_date_invalid";
/// Date entered on file not yymmdd. Params: `position`, `name`, `value`.
pub const POSITION_DATE_ENTERED_INVALID: &str = "position_date_entered_invalid";
/// Running time not three digits, nnn, --- or |||. Params: `position`, `name`, `value`.
pub const POSITION_RUNNING_TIME_INVALID: &str = "position_running_time_invalid";
/// Not a MARC country code. Params: `position`, `value`.
pub const COUNTRY_CODE_INVALID: &str = "country_code_invalid";
/// An obsolete MARC country code. Params: `position`, `value`.
pub const COUNTRY_CODE_OBSOLETE: &str = "country_code_obsolete";
/// Not a MARC language code (008/35-37 or 041). Params: `value`, `position`.
pub const LANGUAGE_CODE_INVALID: &str = "language_code_invalid";
/// An obsolete MARC language code. Params: `value`, `position`.
pub const LANGUAGE_CODE_OBSOLETE: &str = "language_code_obsolete";
/// 041 subfield not made of 3-letter codes. Params: `code`, `value`.
pub const LANGUAGE_CODES_MALFORMED: &str = "language_codes_malformed";

// ---- standard numbers ----------------------------------------------------------------------
/// 020 $a not starting with the bare ISBN. Params: `value`.
pub const ISBN_LEADING_TEXT: &str = "isbn_leading_text";
/// 020 $a qualifier without a space before the parenthesis. Params: `value`.
pub const ISBN_QUALIFIER_SPACING: &str = "isbn_qualifier_spacing";
/// 020 $a holding no 10- or 13-digit ISBN. Params: `value`.
pub const ISBN_MALFORMED: &str = "isbn_malformed";
/// Wrong ISBN check digit. Params: `isbn`, `expected`.
pub const ISBN_CHECK_DIGIT: &str = "isbn_check_digit";
/// A 13-digit ISBN not starting 978 or 979. Params: `isbn`.
pub const ISBN_PREFIX: &str = "isbn_prefix";
/// A valid ISBN in 020 $z. Params: `isbn`.
pub const ISBN_VALID_IN_CANCELLED: &str = "isbn_valid_in_cancelled";
/// 022 $a holding no ISSN. Params: `value`.
pub const ISSN_MALFORMED: &str = "issn_malformed";
/// 022 $a not starting with the ISSN. Params: `value`.
pub const ISSN_LEADING_TEXT: &str = "issn_leading_text";
/// An ISSN hyphen not after the fourth digit. Params: `value`.
pub const ISSN_HYPHEN: &str = "issn_hyphen";
/// Wrong ISSN check digit. Params: `value`, `expected`.
pub const ISSN_CHECK_DIGIT: &str = "issn_check_digit";
/// A valid ISSN in 022 $y. Params: `value`.
pub const ISSN_VALID_IN_INCORRECT: &str = "issn_valid_in_incorrect";
/// 022 $z not looking like an ISSN. Params: `value`.
pub const ISSN_CANCELLED_MALFORMED: &str = "issn_cancelled_malformed";

// ---- geographic areas (043) ----------------------------------------------------------------
/// Params: `value`.
pub const AREA_CODE_LENGTH: &str = "area_code_length";
/// Params: `value`.
pub const AREA_CODE_INVALID: &str = "area_code_invalid";
/// Params: `value`.
pub const AREA_CODE_OBSOLETE: &str = "area_code_obsolete";

// ---- title statement (245) -----------------------------------------------------------------
/// 245 without $a.
pub const TITLE_SUBFIELD_A_MISSING: &str = "title_subfield_a_missing";
/// 245 not beginning with $a. Params: `code`.
pub const TITLE_FIRST_SUBFIELD: &str = "title_first_subfield";
/// 245 not ending with a period. Params: `ending`.
pub const TITLE_END_PUNCTUATION: &str = "title_end_punctuation";
/// 245 $b not after ` :`, ` ;` or ` =`.
pub const PUNCTUATION_BEFORE_B: &str = "punctuation_before_b";
/// 245 $c not after ` /`.
pub const PUNCTUATION_BEFORE_C: &str = "punctuation_before_c";
/// 245 $h after a space.
pub const MEDIUM_AFTER_SPACE: &str = "medium_after_space";
/// 245 $h not in brackets.
pub const MEDIUM_BRACKETS: &str = "medium_brackets";
/// 245 $n not after a period.
pub const PUNCTUATION_BEFORE_N: &str = "punctuation_before_n";
/// 245 $p after $n not after a comma.
pub const PUNCTUATION_BEFORE_P_AFTER_N: &str = "punctuation_before_p_after_n";
/// 245 $p not after a period.
pub const PUNCTUATION_BEFORE_P: &str = "punctuation_before_p";

// ---- nonfiling articles --------------------------------------------------------------------
/// The title may start with an article. Params: `indicator`, `value`, `start`.
pub const NONFILING_AMBIGUOUS: &str = "nonfiling_ambiguous";
/// The nonfiling count does not match the article. Params: `indicator`, `value`, `start`,
/// `expected`.
pub const NONFILING_COUNT: &str = "nonfiling_count";
/// A nonfiling count where the title starts with no article. Params: `indicator`, `value`,
/// `word`, `language`.
pub const NONFILING_NOT_ARTICLE: &str = "nonfiling_not_article";

// ---- mnemonic text (MarcEdit .mrk) ---------------------------------------------------------
/// A line that does not start with `=`. Params: `text`.
pub const MRK_NOT_A_FIELD: &str = "mrk_not_a_field";
/// A tag that is not three letters or digits. Params: `tag`.
pub const MRK_BAD_TAG: &str = "mrk_bad_tag";
/// One space (or none) after the tag where two belong.
pub const MRK_SPACING: &str = "mrk_spacing";
/// An unknown `{name}` kept as written. Params: `mnemonic`.
pub const MRK_UNKNOWN_MNEMONIC: &str = "mrk_unknown_mnemonic";
/// A second `=LDR` line.
pub const MRK_SECOND_LEADER: &str = "mrk_second_leader";
/// A leader shorter than 24 characters, padded. Params: `length`.
pub const MRK_LEADER_SHORT: &str = "mrk_leader_short";
/// A leader that cannot be used. Params: `reason`.
pub const MRK_LEADER_INVALID: &str = "mrk_leader_invalid";
/// No `=LDR` line; a default leader was made.
pub const MRK_NO_LEADER: &str = "mrk_no_leader";
/// Indicators left out; set to blank. Params: `indicator` when one is missing.
pub const MRK_INDICATORS_MISSING: &str = "mrk_indicators_missing";
/// An indicator that is not a printable character. Params: `value`.
pub const MRK_INDICATOR_INVALID: &str = "mrk_indicator_invalid";
/// Text before the first `$`. Params: `text`.
pub const MRK_TEXT_BEFORE_SUBFIELD: &str = "mrk_text_before_subfield";
/// A `$` with no code (kept as a literal `$`), or a field that is only `$`.
pub const MRK_DOLLAR_WITHOUT_CODE: &str = "mrk_dollar_without_code";
/// A subfield code that is not a printable character. Params: `value`.
pub const MRK_SUBFIELD_CODE_INVALID: &str = "mrk_subfield_code_invalid";
/// A data field with no subfields.
pub const MRK_NO_SUBFIELDS: &str = "mrk_no_subfields";
/// A line that could not be decoded (not UTF-8 nor MARC-8, or too long). Params: `reason`.
pub const MRK_UNREADABLE_LINE: &str = "mrk_unreadable_line";
/// A line read as MARC-8 because it is not UTF-8.
pub const MRK_NOT_UTF8: &str = "mrk_not_utf8";
/// The text holds no fields at all.
pub const MRK_EMPTY: &str = "mrk_empty";

/// Every code above, in order.
pub const CODES: &[&str] = &[
    DEFINITIONS_UNAVAILABLE,
    TOO_MANY_MAIN_ENTRIES,
    TITLE_MISSING,
    HEADING_MISSING,
    CONTROL_NUMBER_MISSING,
    FIXED_FIELD_MISSING,
    DATA_FIELD_AS_CONTROL,
    CONTROL_FIELD_AS_DATA,
    FIELD_NOT_REPEATABLE,
    TAG_UNDEFINED,
    CONTROL_FIELD_DELIMITER,
    LINKAGE_MISSING,
    INDICATOR_UNDEFINED,
    SUBFIELD_UNDEFINED,
    SUBFIELD_NOT_REPEATABLE,
    SUBFIELD_LINE_BREAK,
    SUBFIELD_EMPTY,
    CONTROL_FIELD_EMPTY,
    FIXED_FIELD_LENGTH,
    POSITION_CODE_UNDEFINED,
    POSITION_DATE_INVALID,
    POSITION_DATE_ENTERED_INVALID,
    POSITION_RUNNING_TIME_INVALID,
    COUNTRY_CODE_INVALID,
    COUNTRY_CODE_OBSOLETE,
    LANGUAGE_CODE_INVALID,
    LANGUAGE_CODE_OBSOLETE,
    LANGUAGE_CODES_MALFORMED,
    ISBN_LEADING_TEXT,
    ISBN_QUALIFIER_SPACING,
    ISBN_MALFORMED,
    ISBN_CHECK_DIGIT,
    ISBN_PREFIX,
    ISBN_VALID_IN_CANCELLED,
    ISSN_MALFORMED,
    ISSN_LEADING_TEXT,
    ISSN_HYPHEN,
    ISSN_CHECK_DIGIT,
    ISSN_VALID_IN_INCORRECT,
    ISSN_CANCELLED_MALFORMED,
    AREA_CODE_LENGTH,
    AREA_CODE_INVALID,
    AREA_CODE_OBSOLETE,
    TITLE_SUBFIELD_A_MISSING,
    TITLE_FIRST_SUBFIELD,
    TITLE_END_PUNCTUATION,
    PUNCTUATION_BEFORE_B,
    PUNCTUATION_BEFORE_C,
    MEDIUM_AFTER_SPACE,
    MEDIUM_BRACKETS,
    PUNCTUATION_BEFORE_N,
    PUNCTUATION_BEFORE_P_AFTER_N,
    PUNCTUATION_BEFORE_P,
    NONFILING_AMBIGUOUS,
    NONFILING_COUNT,
    NONFILING_NOT_ARTICLE,
    MRK_NOT_A_FIELD,
    MRK_BAD_TAG,
    MRK_SPACING,
    MRK_UNKNOWN_MNEMONIC,
    MRK_SECOND_LEADER,
    MRK_LEADER_SHORT,
    MRK_LEADER_INVALID,
    MRK_NO_LEADER,
    MRK_INDICATORS_MISSING,
    MRK_INDICATOR_INVALID,
    MRK_TEXT_BEFORE_SUBFIELD,
    MRK_DOLLAR_WITHOUT_CODE,
    MRK_SUBFIELD_CODE_INVALID,
    MRK_NO_SUBFIELDS,
    MRK_UNREADABLE_LINE,
    MRK_NOT_UTF8,
    MRK_EMPTY,
];

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn every_code_constant_is_listed_once_and_is_snake_case() {
        let source = include_str!("codes.rs");
        let declared: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub const "))
            .filter(|l| !l.starts_with("CODES"))
            .filter_map(|l| l.split('"').nth(1))
            .collect();
        assert_eq!(
            declared.len(),
            CODES.len(),
            "a constant is missing from CODES"
        );
        for code in &declared {
            assert_eq!(CODES.iter().filter(|c| *c == code).count(), 1, "{code}");
            assert!(
                code.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{code}"
            );
        }
    }
}
