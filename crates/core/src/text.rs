//! Text as the library compares it: Unicode NFC, and a folded form for sorting and matching
//! that ignores case and Vietnamese tone and vowel marks (`Hà Nội` → `ha noi`, `Đ` → `d`).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The NFC form of `s`, which is how every extracted column is stored and compared.
pub fn nfc(s: &str) -> String {
    // Most text arrives composed already; the quick check says so without decomposing it.
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return s.to_string();
    }
    s.nfc().collect()
}

/// Lowercase with diacritics removed and `đ` folded to `d`.
pub fn fold(s: &str) -> String {
    // ASCII has no marks to remove and lowercases letter by letter.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// A sort key: the folded text, then the NFC text, so `Dương` and `Đường` sort together
/// by their letters but still in a stable, diacritic-aware order.
pub fn sort_key(s: &str) -> String {
    let trimmed = s.trim_start_matches(|c: char| !c.is_alphanumeric());
    format!("{}\u{1}{}", fold(trimmed), nfc(trimmed))
}

/// RFC 3339 in UTC with seconds, the form every stored time takes.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_marks_and_d_stroke() {
        assert_eq!(fold("Hà Nội"), "ha noi");
        assert_eq!(fold("ĐƯỜNG Kách Mệnh"), "duong kach menh");
        assert_eq!(fold("Nguyễn Du"), "nguyen du");
    }

    #[test]
    fn nfc_composes_decomposed_input() {
        let decomposed = "Tie\u{302}\u{301}ng Vie\u{323}\u{302}t";
        assert_eq!(nfc(decomposed), "Tiếng Việt");
        assert_eq!(fold(decomposed), "tieng viet");
    }

    #[test]
    fn fast_paths_give_what_the_full_forms_give() {
        let full_nfc = |s: &str| s.nfc().collect::<String>();
        let full_fold = |s: &str| {
            s.nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'đ' { 'd' } else { c })
                .collect::<String>()
        };
        for s in [
            "",
            "Plain ASCII, Title: 1999 [microform] / A. B. Smith.",
            "Tiếng Việt",
            "Tie\u{302}\u{301}ng Vie\u{323}\u{302}t",
            "ĐƯỜNG",
            "A\u{30a}ngstro\u{308}m",
            "\u{212b}",
            "Ǆ ﬁ İstanbul ΣΑΣ",
            "e\u{301}",
            "\u{1100}\u{1161}",
        ] {
            assert_eq!(nfc(s), full_nfc(s), "nfc of {s:?}");
            assert_eq!(fold(s), full_fold(s), "fold of {s:?}");
        }
    }

    #[test]
    fn sort_key_ignores_leading_punctuation() {
        assert!(sort_key("[Bản đồ] Hà Nội") < sort_key("Cây tre"));
        assert!(sort_key("\"Ánh trăng\"") < sort_key("Bến quê"));
    }
}
