//! The inputs a determination reads from a bibliographic record: the authors and their death
//! years (100/700 $d, 542 $a/$b), the type of work (Leader/06, 007, 008/33), the publication
//! year (008/07-14, 264/260 $c, 542 $i), the creation year (542 $j, 264 second indicator 0)
//! and any status the record states (542 $l/$u, 540 $u).

use shelfmark_marc::{Field, Record};

use super::dates;
use crate::api::{AuthorInput, RightsInputs, RightsStatus, WorkType};
use crate::text;

/// Relators (`$e` terms, `$4` codes) of people who are not authors of the work: their dates
/// do not count.
const NOT_AUTHORS: &[&str] = &[
    "fmo",
    "former owner",
    "dnr",
    "donor",
    "pbl",
    "publisher",
    "prt",
    "printer",
    "bsl",
    "bookseller",
    "own",
    "owner",
    "dpt",
    "depositor",
    "fnd",
    "funder",
];

/// Names that say the author is not known (folded).
const ANONYMOUS: &[&str] = &[
    "khuyet danh",
    "vo danh",
    "anonymous",
    "anon",
    "khong ro tac gia",
];

fn clean_name(s: &str) -> String {
    s.trim()
        .trim_end_matches([',', '.', ';', ':', '/'])
        .trim_matches(|c| c == '[' || c == ']')
        .trim()
        .to_string()
}

fn is_anonymous_name(s: &str) -> bool {
    let folded = text::fold(&clean_name(s));
    ANONYMOUS.contains(&folded.as_str())
}

fn relators_exclude(field: &Field) -> bool {
    let mut relators = field.subfields('e').chain(field.subfields('4'));
    relators.any(|r| {
        let r = clean_name(r).to_lowercase();
        NOT_AUTHORS.contains(&r.as_str())
    })
}

/// The first plausible year (1000-2999) in a date statement such as `c1990`, `[1930?]`,
/// `năm 1960`.
pub(crate) fn year_in_statement(s: &str) -> Option<i32> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let window = &bytes[i..i + 4];
        let before_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        let after_digit = bytes.get(i + 4).is_some_and(|b| b.is_ascii_digit());
        if window.iter().all(u8::is_ascii_digit) && !before_digit && !after_digit {
            let y: i32 = std::str::from_utf8(window).ok()?.parse().ok()?;
            if (1000..3000).contains(&y) {
                return Some(y);
            }
        }
        i += 1;
    }
    None
}

fn four_digits(s: Option<&str>) -> Option<i32> {
    let s = s?;
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// The work type, and the values that decided it; `None` when the record cannot say.
fn work_type(record: &Record) -> (Option<WorkType>, String) {
    let leader6 = record.leader.record_type();
    let f007 = record.control_value("007").unwrap_or("");
    let f008 = record.control_value("008").unwrap_or("");
    let c007 = |i: usize| f007.chars().nth(i).unwrap_or(' ');
    let type_33 = f008.chars().nth(33).unwrap_or(' ');
    let source = format!(
        "Leader/06 '{leader6}', 007/00-01 '{}', 008/33 '{type_33}'",
        f007.chars().take(2).collect::<String>()
    );
    let wt = match leader6 {
        'a' | 't' | 'c' | 'd' | 'e' | 'f' | 'i' | 'j' | 'm' => Some(WorkType::General),
        // Photonegatives, photoprints, photographs.
        'k' if c007(0) == 'k' && matches!(c007(1), 'g' | 'h' | 'v') => Some(WorkType::Photographic),
        // Drawings, paintings, prints, posters, postcards: artistic works, the author's life.
        'k' if c007(0) == 'k'
            && matches!(
                c007(1),
                'c' | 'd' | 'e' | 'f' | 'i' | 'j' | 'k' | 'l' | 'n' | 'p'
            ) =>
        {
            Some(WorkType::General)
        }
        'g' if matches!(c007(0), 'm' | 'v') || matches!(type_33, 'm' | 'v') => {
            Some(WorkType::Cinematographic)
        }
        // Realia, models, games and toys: designs of useful objects.
        'r' if matches!(type_33, 'r' | 'q' | 'g' | 'w') => Some(WorkType::AppliedArt),
        'r' if type_33 == 'a' => Some(WorkType::General),
        _ => None,
    };
    (wt, source)
}

/// What cannot be evaluated as one work at all, and why (Vietnamese, English), for `CNE`.
pub(crate) fn not_one_work(record: &Record) -> Option<(&'static str, &'static str)> {
    match (
        record.leader.record_type(),
        record.leader.bibliographic_level(),
    ) {
        (_, 's' | 'i') => Some((
            "Ấn phẩm định kỳ hoặc tài liệu tích hợp: mỗi số, mỗi bài có thời hạn bảo hộ riêng; cần đánh giá theo từng số.",
            "A serial or integrating resource: each issue and contribution has its own term; evaluate issue by issue.",
        )),
        ('o' | 'p', _) => Some((
            "Bộ tài liệu hoặc tài liệu hỗn hợp: cần đánh giá từng thành phần.",
            "A kit or mixed materials: evaluate each part.",
        )),
        _ => None,
    }
}

/// Reads the inputs. `None` for the work type means the record does not say which rule
/// applies (the computation says so).
pub fn read(record: &Record) -> (RightsInputs, Option<WorkType>) {
    let mut authors: Vec<AuthorInput> = Vec::new();
    let mut anonymous_named = false;
    let mut corporate = false;
    for tag in ["100", "700"] {
        for field in record.fields_with_tag(tag) {
            let Some(name) = field.subfield('a') else {
                continue;
            };
            if relators_exclude(field) {
                continue;
            }
            if is_anonymous_name(name) {
                anonymous_named = true;
                continue;
            }
            let dates = field.subfield('d').map(str::to_string);
            let death = dates.as_deref().and_then(dates::death_year);
            authors.push(AuthorInput {
                name: clean_name(name),
                tag: tag.to_string(),
                dates,
                death_year: death.map(|d| d.year),
                death_year_approximate: death.is_some_and(|d| d.approximate),
            });
        }
    }
    for tag in ["110", "111", "710", "711"] {
        corporate |= record
            .fields_with_tag(tag)
            .any(|f| f.subfield('a').is_some() && !relators_exclude(f));
    }
    let mut statement_542 = None;
    let mut stated_status = None;
    let mut publication_542 = None;
    let mut creation_542 = None;
    for field in record.fields_with_tag("542") {
        if let Some(l) = field.subfield('l') {
            statement_542.get_or_insert_with(|| l.trim().to_string());
        }
        let status = field
            .subfields('u')
            .find_map(RightsStatus::parse)
            .or_else(|| field.subfield('l').and_then(RightsStatus::parse));
        if stated_status.is_none() {
            stated_status = status;
        }
        publication_542 = publication_542.or(field.subfield('i').and_then(year_in_statement));
        creation_542 = creation_542.or(field.subfield('j').and_then(year_in_statement));
        if field.subfield('c').is_some() {
            corporate = true;
        }
        let name = field.subfield('a');
        if name.is_some_and(is_anonymous_name) {
            anonymous_named = true;
            continue;
        }
        // 542 $b gives a death date: to the author it names, the only author without one, or
        // as an author of its own.
        let Some(b) = field.subfield('b') else {
            continue;
        };
        let death = dates::death_year(b).or_else(|| {
            year_in_statement(b).map(|year| dates::DeathYear {
                year,
                approximate: b.contains('?') || b.contains("ca"),
            })
        });
        let target = match name {
            Some(n) => {
                let folded = text::fold(&clean_name(n));
                authors.iter_mut().find(|a| text::fold(&a.name) == folded)
            }
            None => {
                let mut missing = authors.iter_mut().filter(|a| a.death_year.is_none());
                match (missing.next(), missing.next()) {
                    (Some(a), None) => Some(a),
                    _ => None,
                }
            }
        };
        match target {
            Some(a) if a.death_year.is_none() => {
                a.death_year = death.map(|d| d.year);
                a.death_year_approximate = death.is_some_and(|d| d.approximate);
                a.dates.get_or_insert_with(|| b.to_string());
            }
            Some(_) => {}
            None => authors.push(AuthorInput {
                name: name.map(clean_name).unwrap_or_default(),
                tag: "542".into(),
                dates: Some(b.to_string()),
                death_year: death.map(|d| d.year),
                death_year_approximate: death.is_some_and(|d| d.approximate),
            }),
        }
    }
    if stated_status.is_none() {
        stated_status = record
            .fields_with_tag("540")
            .flat_map(|f| f.subfields('u'))
            .find_map(RightsStatus::parse);
    }
    let responsibility_anonymous = record
        .fields_with_tag("245")
        .filter_map(|f| f.subfield('c'))
        .any(is_anonymous_name);
    let anonymous = authors.is_empty() && (anonymous_named || responsibility_anonymous);
    // Corporate bodies matter only when no person is named.
    let corporate_only = corporate && authors.is_empty() && !anonymous;

    // Publication and creation years.
    let f008 = record.control_value("008").unwrap_or("");
    let date_type = f008.chars().nth(6).unwrap_or(' ');
    let date1 = four_digits(f008.get(7..11));
    let date2 = four_digits(f008.get(11..15));
    let reprint = date_type == 'r';
    let statement_year = |ind2: char| {
        record
            .fields_with_tag("264")
            .filter(
                |f| matches!(f, Field::Data { indicators, .. } if indicators[1].as_char() == ind2),
            )
            .find_map(|f| f.subfield('c').and_then(year_in_statement))
    };
    let published_264 = statement_year('1').or_else(|| {
        record
            .fields_with_tag("260")
            .find_map(|f| f.subfield('c').and_then(year_in_statement))
    });
    let produced_264 = statement_year('0');
    // An unpublished work (a production statement and no publication statement): 008's date
    // is its making, not a publication.
    let unpublished = produced_264.is_some() && published_264.is_none();
    let publication_year_008 = match date_type {
        _ if unpublished => None,
        // A reprint: Date 2 is the original's.
        'r' => date2,
        's' | 't' | 'm' | 'e' | 'c' | 'd' | 'i' | 'k' | 'u' | 'p' => date1,
        // `q` (questionable), `n` (unknown), `b` (B.C.), `|`: no year to rely on.
        _ => None,
    };
    // A reprint's 264 gives the reprint's year, not the first publication's.
    let publication_year_264 = if reprint { None } else { published_264 };
    let publication_year = publication_542
        .or(publication_year_008)
        .or(publication_year_264);
    let creation_year = creation_542.or(produced_264);
    let (wt, source) = work_type(record);
    let inputs = RightsInputs {
        authors,
        corporate_only,
        anonymous,
        work_type: wt.unwrap_or(WorkType::General),
        work_type_source: source,
        publication_year,
        publication_year_008,
        publication_year_264,
        creation_year,
        statement_542,
        stated_status,
    };
    (inputs, wt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_found_in_date_statements() {
        assert_eq!(year_in_statement("c1990."), Some(1990));
        assert_eq!(year_in_statement("[1930?]"), Some(1930));
        assert_eq!(year_in_statement("năm 1960"), Some(1960));
        assert_eq!(year_in_statement("199-"), None);
        assert_eq!(year_in_statement("12345"), None);
    }
}
