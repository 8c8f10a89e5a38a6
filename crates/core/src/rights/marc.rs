//! The determination in MARC, so exported records carry it: 542 (information relating to
//! copyright status: $a personal creator, $b death date, $i publication date, $j creation
//! date, $l copyright status, $n note, $o research date, $r jurisdiction, $s source, $u URI),
//! 506 (restrictions on access, for the digital copies: $3, $a, $d) and 540 (terms governing
//! use: $a, $u with the rightsstatements.org URI). On import these are read back as inputs
//! (see `inputs`).
//!
//! Fields an earlier export wrote (542 with our $s, 540 with a rightsstatements.org or Creative
//! Commons URI, 506 with our $3) are replaced, not repeated; a cataloger's own notes stay.

use rusqlite::{Connection, params};
use shelfmark_marc::{Field, Leader, Record};
use uuid::Uuid;

use super::determinations::current_conn;
use crate::api::{AccessLevel, Determination, RightsBasis};
use crate::error::CoreError;

/// 542 $s: marks the fields this program wrote.
pub const SOURCE: &str = "Shelfmark rights determination";
/// 506 $3: the determination's access level is about the digital copies.
pub const MATERIALS: &str = "Digital copies";

fn ours(field: &Field) -> bool {
    match field.tag().as_str() {
        "542" => field.subfield('s') == Some(SOURCE),
        "506" => field.subfield('3') == Some(MATERIALS),
        "540" => field.subfields('u').any(|u| {
            u.contains("rightsstatements.org/vocab/")
                || u.contains("creativecommons.org/publicdomain/mark/")
        }),
        _ => false,
    }
}

fn access_text(access: AccessLevel) -> (char, &'static str, Option<&'static str>) {
    match access {
        AccessLevel::Open => ('0', "Open access", None),
        AccessLevel::Registered => (
            '1',
            "Access restricted to registered readers",
            Some("Registered readers"),
        ),
        AccessLevel::Premises => (
            '1',
            "Access restricted to the library's premises",
            Some("Readers on the premises"),
        ),
        AccessLevel::Staff => (
            '1',
            "Access restricted to library staff",
            Some("Library staff"),
        ),
        AccessLevel::Dark => ('1', "Preservation copy; no access", None),
    }
}

fn as_refs(v: &[(char, String)]) -> Vec<(char, &str)> {
    v.iter().map(|(c, s)| (*c, s.as_str())).collect()
}

/// The 542, 506 and 540 fields of a determination.
pub fn fields(d: &Determination) -> Result<Vec<Field>, CoreError> {
    let mut f542: Vec<(char, String)> = Vec::new();
    if d.basis == RightsBasis::AuthorDeath
        && let Some(last) = d
            .inputs
            .authors
            .iter()
            .filter(|a| a.death_year.is_some())
            .max_by_key(|a| a.death_year)
    {
        f542.push(('a', last.name.clone()));
        if let Some(y) = last.death_year {
            f542.push(('b', y.to_string()));
        }
    }
    if let Some(p) = d.inputs.publication_year {
        f542.push(('i', p.to_string()));
    }
    if let Some(c) = d.inputs.creation_year {
        f542.push(('j', c.to_string()));
    }
    f542.push(('l', d.status.label_en().to_string()));
    f542.push(('n', d.explanation_en.clone()));
    f542.push(('o', d.decided_at.chars().take(10).collect()));
    f542.push(('r', d.jurisdiction.to_uppercase()));
    f542.push(('s', SOURCE.to_string()));
    f542.push(('u', d.status_uri.clone()));
    let (ind1, terms, users) = access_text(d.access);
    let mut f506: Vec<(char, String)> = vec![('3', MATERIALS.into()), ('a', terms.into())];
    if let Some(u) = users {
        f506.push(('d', u.into()));
    }
    let f540: Vec<(char, String)> = vec![
        ('a', d.status.label_en().to_string()),
        ('u', d.status_uri.clone()),
    ];
    let built = Record::new(Leader::new('n', 'a', 'm'))
        .data("506", [ind1, ' '], &as_refs(&f506))?
        .data("540", [' ', ' '], &as_refs(&f540))?
        .data("542", ['1', ' '], &as_refs(&f542))?;
    Ok(built.fields)
}

/// Puts the determination's fields into `record`, in tag order, in place of any an earlier
/// export wrote.
pub fn annotate(record: &mut Record, d: &Determination) -> Result<(), CoreError> {
    record.fields.retain(|f| !ours(f));
    for field in fields(d)? {
        let tag = field.tag();
        let at = record
            .fields
            .iter()
            .position(|f| f.tag().as_str() > tag.as_str())
            .unwrap_or(record.fields.len());
        record.fields.insert(at, field);
    }
    Ok(())
}

/// The stored record `bytes` with the record's current determination and its digital
/// objects (856, see `digital::marc`) written in; `None` when it has neither (the bytes go out
/// as stored).
pub(crate) fn annotate_bytes(
    conn: &Connection,
    now: time::OffsetDateTime,
    record_id: &str,
    bytes: &[u8],
) -> Result<Option<Vec<u8>>, CoreError> {
    let Ok(id) = Uuid::parse_str(record_id) else {
        return Ok(None);
    };
    let d = current_conn(conn, id)?;
    let objects = crate::digital::marc::objects_of(conn, now, record_id)?;
    if d.is_none() && objects.is_empty() {
        return Ok(None);
    }
    let mut record = shelfmark_marc::iso2709::from_bytes(bytes)?;
    if let Some(d) = &d {
        annotate(&mut record, d)?;
    }
    if !objects.is_empty() {
        let base = crate::digital::marc::base_url(conn)?;
        crate::digital::marc::annotate(&mut record, &objects, base.as_deref())?;
    }
    Ok(Some(shelfmark_marc::iso2709::to_bytes(&record)?))
}

/// Whether any record has a determination or a digital object (an export without any skips
/// the lookups).
pub(crate) fn any(conn: &Connection) -> Result<bool, CoreError> {
    let determined: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM rights_determinations)",
        params![],
        |r| r.get(0),
    )?;
    Ok(determined || crate::digital::marc::any(conn)?)
}
