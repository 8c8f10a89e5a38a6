//! The columns a catalog keeps beside each record's MARC, extracted from it.
//!
//! Lists, search, matching and export filters read these instead of parsing MARC again. Every
//! text is NFC; ISBNs are ISBN-13 and ISSNs `NNNN-NNNC` (see `identifiers`). The record's own
//! bytes stay as they were.

use shelfmark_marc::{Field, Record};

use super::identifiers::{normalize_isbn, normalize_issn};
use crate::api::MaterialType;
use crate::text;

/// What a cataloger and a reader look a record up by.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub control_number: Option<String>,
    /// 245 $a $b $n $p, without ISBD punctuation.
    pub title: String,
    /// 245 indicator 2: leading characters a sort skips ("The ").
    pub nonfiling: usize,
    /// 245 $c.
    pub responsibility: Option<String>,
    /// Personal and corporate names from 100/110/111 then 700/710/711, in record order.
    pub authors: Vec<String>,
    /// 600–655 headings, subdivisions joined with ` -- `.
    pub subjects: Vec<String>,
    /// Valid ISBNs as ISBN-13, from 020 $a.
    pub isbns: Vec<String>,
    /// 020 $a values whose check digit or length is wrong, kept for the cataloger to fix.
    pub invalid_isbns: Vec<String>,
    /// Valid ISSNs from 022 $a.
    pub issns: Vec<String>,
    /// 264 (or 260) $b.
    pub publisher: Option<String>,
    pub year: Option<i32>,
    /// MARC language codes: 008/35-37 first, then 041 $a.
    pub languages: Vec<String>,
    pub material_type: MaterialType,
    /// 050, 082, 090, 084 or a local 092/099, in that order of preference.
    pub call_number: Option<String>,
    /// Leader/07 `s` or `i` (or `b`): a serial or integrating resource.
    pub serial: bool,
}

impl Extracted {
    pub fn of(record: &Record) -> Extracted {
        let isbn_values: Vec<&str> = subfield_values(record, &["020"], 'a').collect();
        let (isbns, invalid_isbns) = split_checked(&isbn_values, normalize_isbn);
        let issn_values: Vec<&str> = subfield_values(record, &["022"], 'a').collect();
        let (issns, _) = split_checked(&issn_values, normalize_issn);
        Extracted {
            control_number: record
                .control_number()
                .map(|c| text::nfc(c.trim()))
                .filter(|c| !c.is_empty()),
            title: title(record),
            nonfiling: nonfiling_characters(record),
            responsibility: first_data_field(record, &["245"])
                .and_then(|f| f.subfield('c'))
                .map(trim_isbd)
                .filter(|s| !s.is_empty()),
            authors: authors(record),
            subjects: subjects(record),
            isbns,
            invalid_isbns,
            issns,
            publisher: subfield_values(record, &["264", "260"], 'b')
                .next()
                .map(trim_isbd),
            year: year(record),
            languages: languages(record),
            material_type: material_type(record),
            call_number: call_number(record),
            serial: matches!(record.leader.bibliographic_level(), 's' | 'i' | 'b'),
        }
    }

    /// The first author, for lists.
    pub fn author(&self) -> Option<&str> {
        self.authors.first().map(String::as_str)
    }

    /// The title as it files: without its nonfiling article, folded for Vietnamese.
    pub fn sort_key(&self) -> String {
        let filing: String = self.title.chars().skip(self.nonfiling).collect();
        text::sort_key(if filing.trim().is_empty() {
            &self.title
        } else {
            &filing
        })
    }
}

fn split_checked(
    values: &[&str],
    normalize: impl Fn(&str) -> Result<String, super::identifiers::IdentifierProblem>,
) -> (Vec<String>, Vec<String>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for v in values {
        match normalize(v) {
            Ok(n) if !good.contains(&n) => good.push(n),
            Ok(_) => {}
            Err(_) => bad.push(text::nfc(v.trim())),
        }
    }
    (good, bad)
}

/// Strips the ISBD punctuation that ends a MARC subfield (` /`, ` :`, ` ;`, `,`, `=`, a final
/// period after a word but not after an initial).
pub(crate) fn trim_isbd(s: &str) -> String {
    let t = s.trim().trim_end_matches([' ', '/', ':', ';', ',', '=']);
    let t = t
        .strip_suffix('.')
        .filter(|rest| !rest.ends_with(char::is_uppercase))
        .unwrap_or(t);
    text::nfc(t.trim())
}

fn first_data_field<'r>(record: &'r Record, tags: &[&str]) -> Option<&'r Field> {
    tags.iter()
        .find_map(|tag| record.fields_with_tag(tag).next())
}

fn subfield_values<'r>(
    record: &'r Record,
    tags: &'r [&'r str],
    code: char,
) -> impl Iterator<Item = &'r str> + 'r {
    tags.iter()
        .flat_map(move |tag| record.fields_with_tag(tag))
        .flat_map(move |f| f.subfields(code))
}

fn title(record: &Record) -> String {
    let Some(field) = first_data_field(record, &["245"]) else {
        return String::new();
    };
    let parts: Vec<String> = match field {
        Field::Data { subfields, .. } => subfields
            .iter()
            .filter(|s| matches!(s.code.as_char(), 'a' | 'b' | 'n' | 'p'))
            .map(|s| trim_isbd(&s.value))
            .filter(|p| !p.is_empty())
            .collect(),
        Field::Control { .. } => Vec::new(),
    };
    parts.join(" : ")
}

fn nonfiling_characters(record: &Record) -> usize {
    match first_data_field(record, &["245"]) {
        Some(Field::Data { indicators, .. }) => {
            indicators[1].as_char().to_digit(10).unwrap_or(0) as usize
        }
        _ => 0,
    }
}

fn authors(record: &Record) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for field in &record.fields {
        if matches!(
            field.tag().as_str(),
            "100" | "110" | "111" | "700" | "710" | "711"
        ) {
            let name = field
                .subfields('a')
                .map(trim_isbd)
                .collect::<Vec<_>>()
                .join(" ");
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

fn subjects(record: &Record) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for field in &record.fields {
        let tag = field.tag();
        if !matches!(
            tag.as_str(),
            "600" | "610" | "611" | "630" | "648" | "650" | "651" | "653" | "655"
        ) {
            continue;
        }
        let Field::Data { subfields, .. } = field else {
            continue;
        };
        let parts: Vec<String> = subfields
            .iter()
            .filter(|s| s.code.as_char().is_ascii_lowercase())
            .map(|s| trim_isbd(&s.value))
            .filter(|p| !p.is_empty())
            .collect();
        let heading = parts.join(" -- ");
        if !heading.is_empty() && !out.contains(&heading) {
            out.push(heading);
        }
    }
    out
}

/// Date 1 from 008/07-10, else the first four-digit year in 264/260 $c.
fn year(record: &Record) -> Option<i32> {
    let from_008 = record
        .control_value("008")
        .and_then(|v| v.get(7..11))
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok());
    from_008.or_else(|| subfield_values(record, &["264", "260"], 'c').find_map(first_year))
}

fn first_year(s: &str) -> Option<i32> {
    s.as_bytes()
        .windows(4)
        .find(|w| w.iter().all(u8::is_ascii_digit))
        .and_then(|w| std::str::from_utf8(w).ok())
        .and_then(|d| d.parse().ok())
}

fn languages(record: &Record) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let from_008 = record
        .control_value("008")
        .and_then(|v| v.get(35..38))
        .filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase()))
        .map(str::to_string);
    for code in from_008.into_iter().chain(
        subfield_values(record, &["041"], 'a')
            .flat_map(|v| {
                v.as_bytes()
                    .chunks(3)
                    .filter_map(|c| std::str::from_utf8(c).ok())
            })
            .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
            .map(str::to_ascii_lowercase),
    ) {
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// Leader/06 (type of record), Leader/07 (bibliographic level), 008/23 (form of item) and
/// 007/00 (category of material), as MARC 21 defines them.
fn material_type(record: &Record) -> MaterialType {
    let leader = &record.leader;
    let f008 = record.control_value("008").unwrap_or("");
    let form_of_item = f008.chars().nth(23).unwrap_or(' ');
    let category_007 = record.control_value("007").and_then(|v| v.chars().next());
    match (leader.record_type(), leader.bibliographic_level()) {
        ('a' | 't', 'b' | 'i' | 's') => MaterialType::Serial,
        ('a' | 't', _) if matches!(form_of_item, 'o' | 'q' | 's') || category_007 == Some('c') => {
            MaterialType::Ebook
        }
        ('a' | 't', _) => MaterialType::Book,
        ('i', _) => MaterialType::Audiobook,
        ('j' | 'c' | 'd', _) => MaterialType::Music,
        ('e' | 'f', _) => MaterialType::Map,
        ('g', _) => MaterialType::Video,
        _ => MaterialType::Other,
    }
}

fn call_number(record: &Record) -> Option<String> {
    ["050", "082", "090", "084", "092", "099"]
        .iter()
        .find_map(|tag| {
            let field = record.fields_with_tag(tag).next()?;
            let Field::Data { subfields, .. } = field else {
                return None;
            };
            let parts: Vec<&str> = subfields
                .iter()
                .filter(|s| matches!(s.code.as_char(), 'a' | 'b'))
                .map(|s| s.value.trim())
                .filter(|v| !v.is_empty())
                .collect();
            (!parts.is_empty()).then(|| text::nfc(&parts.join(" ")))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelfmark_marc::Leader;

    fn record() -> Record {
        Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "VN0001")
            .and_then(|r| r.control("008", "240101s2015    vm            000 1 vie d"))
            .and_then(|r| r.data("020", [' ', ' '], &[('a', "978-604-123456-7 (bìa mềm)")]))
            .and_then(|r| r.data("020", [' ', ' '], &[('a', "0-306-40615-3")]))
            .and_then(|r| r.data("041", ['0', ' '], &[('a', "vieeng")]))
            .and_then(|r| r.data("082", ['0', '4'], &[('a', "895.9221"), ('b', "NG-D")]))
            .and_then(|r| {
                r.data(
                    "100",
                    ['1', ' '],
                    &[('a', "Nguyễn, Du,"), ('d', "1765-1820.")],
                )
            })
            .and_then(|r| {
                r.data(
                    "245",
                    ['1', '0'],
                    &[
                        ('a', "Truyện Kiều /"),
                        ('c', "Nguyễn Du ; Đào Duy Anh giới thiệu."),
                    ],
                )
            })
            .and_then(|r| {
                r.data(
                    "264",
                    [' ', '1'],
                    &[('a', "Hà Nội :"), ('b', "Văn học,"), ('c', "2015.")],
                )
            })
            .and_then(|r| {
                r.data(
                    "650",
                    [' ', '7'],
                    &[
                        ('a', "Văn học Việt Nam"),
                        ('x', "Truyện thơ"),
                        ('2', "bvtta"),
                    ],
                )
            })
            .and_then(|r| {
                r.data(
                    "700",
                    ['1', ' '],
                    &[('a', "Đào, Duy Anh,"), ('e', "giới thiệu.")],
                )
            })
            .expect("well-formed")
    }

    #[test]
    fn extracts_every_column_a_cataloger_looks_up_by() {
        let e = Extracted::of(&record());
        assert_eq!(e.control_number.as_deref(), Some("VN0001"));
        assert_eq!(e.title, "Truyện Kiều");
        assert_eq!(
            e.responsibility.as_deref(),
            Some("Nguyễn Du ; Đào Duy Anh giới thiệu")
        );
        assert_eq!(e.authors, vec!["Nguyễn, Du", "Đào, Duy Anh"]);
        assert_eq!(e.subjects, vec!["Văn học Việt Nam -- Truyện thơ"]);
        assert_eq!(e.isbns, vec!["9786041234567"]);
        assert_eq!(e.invalid_isbns, vec!["0-306-40615-3"]);
        assert_eq!(e.publisher.as_deref(), Some("Văn học"));
        assert_eq!(e.year, Some(2015));
        assert_eq!(e.languages, vec!["vie", "eng"]);
        assert_eq!(e.call_number.as_deref(), Some("895.9221 NG-D"));
        assert_eq!(e.material_type, MaterialType::Book);
        assert!(!e.serial);
    }

    #[test]
    fn a_record_with_nothing_in_it_extracts_nothing_without_failing() {
        let e = Extracted::of(&Record::new(Leader::new('n', 'a', 's')));
        assert_eq!(e.title, "");
        assert!(e.authors.is_empty() && e.isbns.is_empty() && e.languages.is_empty());
        assert!(e.serial);
        assert_eq!(e.material_type, MaterialType::Serial);
    }
}
