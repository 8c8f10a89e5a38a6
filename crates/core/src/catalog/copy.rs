//! Copy cataloging's side in the catalog: the library's list of SRU targets (other libraries'
//! catalogs to copy records from), and bringing one chosen record in — validated by the MARC
//! engine and matched against the catalog the way a file import matches.
//!
//! The targets live in `catalog_meta` (`copy.target.<name>` → JSON), each change logged as a
//! policy entry like the library's other settings, so a branch's list travels with sync.
//! This module must never talk to the network: the SRU client (`shelfmark-sru`) fetches,
//! core stores.

use rusqlite::{OptionalExtension, params};
use shelfmark_marc::{Diagnostic, Record, Severity, validate};
use uuid::Uuid;

use super::extract::Extracted;
use super::import::{MatchOn, OnMatch};
use super::records;
use crate::api::{CopyImportAction, CopyImportOutcome, CopyIssue, CopyTarget, ImportMatch};
use crate::changelog::{EntityType, Operation};
use crate::circulation::policy::policy_entity;
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};
use crate::text;

/// The `catalog_meta` key prefix of a target.
const TARGET_KEY_PREFIX: &str = "copy.target.";

/// The SRU versions a target may speak.
pub const VERSIONS: [&str; 3] = ["1.1", "1.2", "2.0"];

fn invalid(what: &'static str, value: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        what,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// A target as given, checked and tidied: name trimmed (no spaces), URL http(s), version one
/// of [`VERSIONS`], schema MARCXML (copy cataloging needs the whole MARC record).
fn checked(target: &CopyTarget) -> Result<CopyTarget, CoreError> {
    let name = text::nfc(target.name.trim());
    if name.is_empty() || name.chars().any(char::is_whitespace) || name.chars().count() > 40 {
        return Err(invalid(
            "copy target name",
            &target.name,
            "give a short name without spaces, such as nlv or loc",
        ));
    }
    let url = target.base_url.trim().to_string();
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) || url.contains(char::is_whitespace)
    {
        return Err(invalid(
            "SRU base URL",
            &target.base_url,
            "give the target's address starting with http:// or https://, such as http://lx2.loc.gov:210/LCDB",
        ));
    }
    let version = target.version.trim().to_string();
    if !VERSIONS.contains(&version.as_str()) {
        return Err(invalid(
            "SRU version",
            &target.version,
            "the version is 1.1, 1.2 or 2.0",
        ));
    }
    let schema = target.record_schema.trim().to_string();
    let marcxml = [
        "marcxml",
        "info:srw/schema/1/marcxml-v1.1",
        "info:srw/schema/1/marcxml-1.1",
        "http://www.loc.gov/marc21/slim",
    ];
    if !marcxml.contains(&schema.to_ascii_lowercase().as_str()) {
        return Err(invalid(
            "record schema",
            &target.record_schema,
            "copy cataloging needs whole MARC records: use marcxml (or info:srw/schema/1/marcxml-v1.1)",
        ));
    }
    Ok(CopyTarget {
        name,
        base_url: url,
        version,
        record_schema: schema,
    })
}

/// Adds a target, or replaces the one with the same name. Returns it as stored.
pub fn add_target(m: &mut Mutation<'_>, target: &CopyTarget) -> Result<CopyTarget, CoreError> {
    let target = checked(target)?;
    let key = format!("{TARGET_KEY_PREFIX}{}", target.name);
    m.conn().execute(
        "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
        params![key, serde_json::to_string(&target)?],
    )?;
    m.log(
        EntityType::Policy,
        policy_entity(&key),
        Operation::Update,
        &target,
    )?;
    Ok(target)
}

/// Removes a target by name.
pub fn remove_target(m: &mut Mutation<'_>, name: &str) -> Result<(), CoreError> {
    let key = format!("{TARGET_KEY_PREFIX}{}", text::nfc(name.trim()));
    let removed = m
        .conn()
        .execute("DELETE FROM catalog_meta WHERE key = ?1", params![key])?;
    if removed == 0 {
        return Err(CoreError::NotFound {
            entity: "copy target",
            key: "name",
            value: name.to_string(),
        });
    }
    m.log(
        EntityType::Policy,
        policy_entity(&key),
        Operation::Delete,
        &serde_json::json!({ "copy_target": name.trim() }),
    )?;
    Ok(())
}

/// Every target, by name.
pub fn targets(catalog: &Catalog) -> Result<Vec<CopyTarget>, CoreError> {
    let mut stmt = catalog
        .conn()
        .prepare("SELECT value FROM catalog_meta WHERE key LIKE 'copy.target.%' ORDER BY key")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|t| serde_json::from_str(t).map_err(CoreError::from))
        .collect()
}

/// One target by name.
pub fn target(catalog: &Catalog, name: &str) -> Result<CopyTarget, CoreError> {
    let key = format!("{TARGET_KEY_PREFIX}{}", text::nfc(name.trim()));
    let text: Option<String> = catalog
        .conn()
        .query_row(
            "SELECT value FROM catalog_meta WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )
        .optional()?;
    match text {
        Some(t) => Ok(serde_json::from_str(&t)?),
        None => Err(CoreError::NotFound {
            entity: "copy target",
            key: "name",
            value: name.to_string(),
        }),
    }
}

/// How much of what the MARC engine finds a copy import lets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Refuse a record with any error (the CLI's default).
    RefuseErrors,
    /// Also bring in a record whose errors are inside its fields (an indicator value, an 008
    /// code, a subfield, a check digit, a field the reader had to repair), listed for the
    /// cataloger to fix in the editor.
    AcceptFieldErrors,
}

/// One finding as the outcome and the refusal list it.
fn issue(d: &Diagnostic) -> CopyIssue {
    CopyIssue {
        severity: match d.severity {
            Severity::Error => "error".into(),
            Severity::Warning => "warning".into(),
        },
        field: d.tag.clone(),
        message: match &d.position {
            Some(p) => format!("{} (at {p})", d.message),
            None => d.message.clone(),
        },
    }
}

/// Brings one record in from another catalog as [`import_checked`] does, for a face where
/// the cataloger has seen the record and chose it (the desktop's preview): errors inside
/// fields are let in and listed; a record with no usable leader or title is refused.
pub fn import_one(
    m: &mut Mutation<'_>,
    record: &Record,
    match_on: MatchOn,
    on_match: OnMatch,
) -> Result<CopyImportOutcome, CoreError> {
    import_checked(
        m,
        record,
        &[],
        match_on,
        on_match,
        Strictness::AcceptFieldErrors,
    )
}

/// Brings one record in from another catalog, validated by the MARC engine and matched
/// against the catalog the way a file import matches.
///
/// `repairs` are what the MARC reader had to mend in the record as the target sent it (a
/// missing leader, a tag "24" read as "024"): the stored record would not be the target's, so
/// they count as errors. What is refused, with every finding listed and nothing written:
/// - always, a record with no usable leader (missing, garbled, undefined codes) or lacking
///   what every record needs (a 245 title; one 1XX at most): no editing makes it a record;
/// - with [`Strictness::RefuseErrors`], also one with errors inside its fields.
///
/// Warnings never stop it; they are listed in the outcome. Matched by `match_on` as
/// `import_file` matches (001, or any ISBN in either form; a record with no ISBN is matched by
/// its 001 instead, from the same library (003) only, and `matched_on_instead` says so), then added, left alone or overlaid as
/// `on_match` says. One logged change, in the caller's transaction.
pub fn import_checked(
    m: &mut Mutation<'_>,
    record: &Record,
    repairs: &[Diagnostic],
    match_on: MatchOn,
    on_match: OnMatch,
    strictness: Strictness,
) -> Result<CopyImportOutcome, CoreError> {
    // Each finding with whether it spoils the record as a whole: of the reader's repairs, the
    // leader's (tagged LDR); of the validator's, the record-level rules (no field index: a
    // missing 245, two 1XX) and the leader positions that say what the record is (status,
    // type, level, character coding). A code elsewhere in the leader (an OCLC encoding level
    // in 17, say) is an error inside a field, as common in shared records as it is harmless.
    let repaired = repairs.iter().map(|d| {
        let mut d = d.clone();
        d.severity = Severity::Error;
        d.message = format!("as the target sent it: {}", d.message);
        let whole = d.tag.as_deref() == Some("LDR");
        (d, whole)
    });
    let validated = validate::validate(record).into_iter().map(|d| {
        let whole = match d.tag.as_deref() {
            Some("LDR") => d
                .position
                .as_deref()
                .is_none_or(|p| ["05", "06", "07", "09"].contains(&p)),
            _ => d.field_index.is_none(),
        };
        (d, whole)
    });
    let findings: Vec<(Diagnostic, bool)> = repaired.chain(validated).collect();
    let unusable = |(d, whole): &(Diagnostic, bool)| *whole && d.severity == Severity::Error;
    let is_error = |(d, _): &(Diagnostic, bool)| d.severity == Severity::Error;
    let refuse = findings.iter().any(unusable)
        || (strictness == Strictness::RefuseErrors && findings.iter().any(is_error));
    let issues: Vec<CopyIssue> = findings.iter().map(|(d, _)| issue(d)).collect();
    if refuse {
        let hint = (!findings.iter().any(unusable)).then(|| {
            "its errors are all inside fields: bring it in anyway with --accept-errors and fix them in the editor"
                .to_string()
        });
        let title = Extracted::of(record).title;
        return Err(CoreError::CopyRecordInvalid {
            record: if title.is_empty() {
                "without a title".to_string()
            } else {
                format!("{title:?}")
            },
            problems: issues
                .iter()
                .filter(|i| i.severity == "error")
                .map(|i| {
                    format!(
                        "error {}{}",
                        i.field
                            .as_deref()
                            .map(|f| format!("{f}: "))
                            .unwrap_or_default(),
                        i.message
                    )
                })
                .collect(),
            hint,
        });
    }
    let e = Extracted::of(record);
    // A record without the key asked for would match nothing and come in again on every
    // import. By ISBN, such a record (an old book, a serial issue, a map) is matched on its
    // control number instead, as a cataloger would look it up; the outcome says so.
    let (key, matched_on_instead) = match match_on {
        MatchOn::Isbn if e.isbns.is_empty() && e.control_number.is_some() => {
            (MatchOn::ControlNumber, Some(ImportMatch::ControlNumber))
        }
        MatchOn::Isbn if e.isbns.is_empty() => (MatchOn::None, Some(ImportMatch::None)),
        MatchOn::ControlNumber if e.control_number.is_none() => {
            (MatchOn::None, Some(ImportMatch::None))
        }
        other => (other, None),
    };
    let mut matched: Vec<Uuid> = match key {
        MatchOn::None => Vec::new(),
        MatchOn::ControlNumber => match &e.control_number {
            Some(c) => records::ids_by_control_number(m.conn(), c)?,
            None => Vec::new(),
        },
        MatchOn::Isbn => records::ids_by_identifier(m.conn(), "isbn", &e.isbns)?,
    };
    // A 001 is only unique within the library that assigned it (often its own record number):
    // one standing in for a missing ISBN must come from the same library (003) as well, or an
    // unrelated record of ours could be skipped for it or overlaid.
    let mut matched_on_instead = matched_on_instead;
    if matched_on_instead == Some(ImportMatch::ControlNumber) {
        let source = record.control_value("003").map(str::trim).unwrap_or("");
        if source.is_empty() {
            // No library named: the 001 alone proves nothing, so nothing to match on.
            matched.clear();
            matched_on_instead = Some(ImportMatch::None);
        } else {
            let mut same_library = Vec::new();
            for id in matched {
                if assigned_by(m, id)?.as_deref() == Some(source) {
                    same_library.push(id);
                }
            }
            matched = same_library;
        }
    }
    let (action, record_id) = match (matched.first(), on_match) {
        (None, _) | (_, OnMatch::Add) => (CopyImportAction::Added, records::insert(m, record)?),
        (Some(id), OnMatch::Skip) => (CopyImportAction::Matched, *id),
        (Some(id), OnMatch::Overlay) => {
            records::overlay(m, *id, record)?;
            (CopyImportAction::Overlaid, *id)
        }
    };
    Ok(CopyImportOutcome {
        action,
        record_id: record_id.to_string(),
        title: e.title.clone(),
        matched: matched.iter().map(Uuid::to_string).collect(),
        matched_on_instead,
        issues,
    })
}

/// The library that assigned a stored record's 001 (its 003), if it says.
fn assigned_by(m: &Mutation<'_>, id: Uuid) -> Result<Option<String>, CoreError> {
    let stored = records::stored_record(m.conn(), id)?;
    Ok(stored.control_value("003").map(|v| v.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CatalogOptions;
    use shelfmark_marc::Leader;

    fn catalog() -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().expect("temp dir");
        let catalog =
            Catalog::open(dir.path().join("c.shelfmark"), CatalogOptions::default()).expect("open");
        (dir, catalog)
    }

    fn target(name: &str) -> CopyTarget {
        CopyTarget {
            name: name.into(),
            base_url: "http://127.0.0.1:8790/sru".into(),
            version: "2.0".into(),
            record_schema: "marcxml".into(),
        }
    }

    #[test]
    fn targets_are_added_listed_replaced_and_removed_with_log_entries() {
        let (_dir, mut c) = catalog();
        let before = c.summary().expect("summary").changes;
        c.write("cataloger", |m| add_target(m, &target("nlv")))
            .expect("add");
        let mut loc = target("loc");
        loc.version = "1.2".into();
        c.write("cataloger", |m| add_target(m, &loc)).expect("add");
        let names: Vec<String> = targets(&c)
            .expect("list")
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["loc", "nlv"]);
        loc.base_url = "https://example.org/sru".into();
        c.write("cataloger", |m| add_target(m, &loc))
            .expect("replace");
        assert_eq!(
            super::target(&c, "loc").expect("get").base_url,
            "https://example.org/sru"
        );
        c.write("cataloger", |m| remove_target(m, "nlv"))
            .expect("remove");
        assert_eq!(targets(&c).expect("list").len(), 1);
        assert_eq!(c.summary().expect("summary").changes, before + 4);
        let gone = c.write("cataloger", |m| remove_target(m, "nlv"));
        assert!(matches!(gone, Err(CoreError::NotFound { .. })), "{gone:?}");
    }

    #[test]
    fn bad_targets_are_refused_with_what_to_do() {
        let (_dir, mut c) = catalog();
        for (field, value, needle) in [
            ("name", "two words", "without spaces"),
            ("url", "ftp://x", "http://"),
            ("url", "http://", "http://"),
            ("version", "3.0", "1.1, 1.2 or 2.0"),
            ("schema", "dc", "marcxml"),
        ] {
            let mut t = target("x");
            match field {
                "name" => t.name = value.into(),
                "url" => t.base_url = value.into(),
                "version" => t.version = value.into(),
                _ => t.record_schema = value.into(),
            }
            match c.write("cataloger", |m| add_target(m, &t)) {
                Err(CoreError::InvalidInput { reason, .. }) => {
                    assert!(reason.contains(needle), "{field}: {reason}")
                }
                other => panic!("{field}={value} should be refused, got {other:?}"),
            }
        }
        assert!(targets(&c).expect("list").is_empty());
    }

    fn book(control: &str, isbn: &str) -> Record {
        Record::new(Leader::new('n', 'a', 'm'))
            .control("001", control)
            .and_then(|r| r.control("008", "200101s2019    vm            000 0 vie d"))
            .and_then(|r| r.data("020", [' ', ' '], &[('a', isbn)]))
            .and_then(|r| r.data("245", ['1', '0'], &[('a', "Truyện Kiều")]))
            .expect("valid record")
    }

    #[test]
    fn import_one_adds_then_matches_by_isbn_or_control_number() {
        let (_dir, mut c) = catalog();
        let first = c
            .write("cataloger", |m| {
                import_one(
                    m,
                    &book("a1", "0-306-40615-2"),
                    MatchOn::Isbn,
                    OnMatch::Skip,
                )
            })
            .expect("import");
        assert_eq!(first.action, CopyImportAction::Added);
        assert_eq!(first.title, "Truyện Kiều");
        let again = c
            .write("cataloger", |m| {
                import_one(
                    m,
                    &book("other", "9780306406157"),
                    MatchOn::Isbn,
                    OnMatch::Skip,
                )
            })
            .expect("import");
        assert_eq!(again.action, CopyImportAction::Matched);
        assert_eq!(again.record_id, first.record_id);
        assert_eq!(again.matched, std::slice::from_ref(&first.record_id));
        let by_cn = c
            .write("cataloger", |m| {
                import_one(
                    m,
                    &book("a1", "9780306406157"),
                    MatchOn::ControlNumber,
                    OnMatch::Overlay,
                )
            })
            .expect("import");
        assert_eq!(by_cn.action, CopyImportAction::Overlaid);
        let none = c
            .write("cataloger", |m| {
                import_one(
                    m,
                    &book("a1", "9780306406157"),
                    MatchOn::None,
                    OnMatch::Skip,
                )
            })
            .expect("import");
        assert_eq!(none.action, CopyImportAction::Added);
        assert_eq!(c.summary().expect("summary").records, 2);
    }

    #[test]
    fn a_record_without_an_isbn_is_matched_on_its_control_number() {
        let (_dir, mut c) = catalog();
        let no_isbn = || {
            Record::new(Leader::new('n', 'a', 'm'))
                .control("001", "MAP-7")
                .and_then(|r| r.control("003", "VN-HaNL"))
                .and_then(|r| r.control("008", "200101s2019    vm            000 0 vie d"))
                .and_then(|r| r.data("245", ['1', '0'], &[('a', "Bản đồ Hà Nội.")]))
                .expect("valid record")
        };
        let import = |c: &mut Catalog, record: &Record, on: MatchOn| {
            c.write("cataloger", |m| import_one(m, record, on, OnMatch::Skip))
                .expect("import")
        };
        let first = import(&mut c, &no_isbn(), MatchOn::Isbn);
        assert_eq!(first.action, CopyImportAction::Added);
        assert_eq!(first.matched_on_instead, Some(ImportMatch::ControlNumber));
        let again = import(&mut c, &no_isbn(), MatchOn::Isbn);
        assert_eq!(again.action, CopyImportAction::Matched);
        assert_eq!(again.record_id, first.record_id);
        assert_eq!(again.matched_on_instead, Some(ImportMatch::ControlNumber));
        // The same 001 from another library (003), or from none: not the same record.
        let other_library = Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "MAP-7")
            .and_then(|r| r.control("003", "VN-HCM"))
            .and_then(|r| r.data("245", ['1', '0'], &[('a', "Bản đồ Sài Gòn.")]))
            .expect("record");
        let other = import(&mut c, &other_library, MatchOn::Isbn);
        assert_eq!(other.action, CopyImportAction::Added);
        assert_eq!(other.matched_on_instead, Some(ImportMatch::ControlNumber));
        let unnamed = Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "MAP-7")
            .and_then(|r| r.data("245", ['1', '0'], &[('a', "Bản đồ khác.")]))
            .expect("record");
        let unnamed = import(&mut c, &unnamed, MatchOn::Isbn);
        assert_eq!(unnamed.action, CopyImportAction::Added);
        assert_eq!(unnamed.matched_on_instead, Some(ImportMatch::None));
        // With an ISBN, the ISBN is what matches, and nothing is said.
        let with = import(&mut c, &book("a1", "0-306-40615-2"), MatchOn::Isbn);
        assert_eq!(with.matched_on_instead, None);
        // Neither key: added, and said.
        let bare = Record::new(Leader::new('n', 'a', 'm'))
            .data("245", ['0', '0'], &[('a', "Không số.")])
            .expect("record");
        let out = import(&mut c, &bare, MatchOn::Isbn);
        assert_eq!(out.matched_on_instead, Some(ImportMatch::None));
        let out = import(&mut c, &bare, MatchOn::ControlNumber);
        assert_eq!(out.matched_on_instead, Some(ImportMatch::None));
        assert_eq!(c.summary().expect("summary").records, 6);
    }

    #[test]
    fn invalid_records_are_refused_with_their_problems_and_nothing_written() {
        let (_dir, mut c) = catalog();
        let before = c.summary().expect("summary").changes;
        let import = |c: &mut Catalog, record: &Record, repairs: &[Diagnostic], s: Strictness| {
            c.write("cataloger", |m| {
                import_checked(m, record, repairs, MatchOn::Isbn, OnMatch::Skip, s)
            })
        };
        // A garbled leader and no title: no record, whatever the strictness.
        let garbled = Record::new(Leader::parse("garbage                 ").expect("24 chars"))
            .data("024", ['1', ' '], &[('a', "x")])
            .expect("record");
        let padded = Diagnostic::warning(r#"<datafield> tag "24" read as "024""#).in_field("024");
        for s in [Strictness::RefuseErrors, Strictness::AcceptFieldErrors] {
            match import(&mut c, &garbled, std::slice::from_ref(&padded), s) {
                Err(e @ CoreError::CopyRecordInvalid { .. }) => {
                    let text = e.to_string();
                    assert!(text.contains("error LDR: Leader/05"), "{text}");
                    assert!(text.contains("error 245: the record has no 245"), "{text}");
                    assert!(text.contains(r#"error 024: as the target sent it: <datafield> tag "24" read as "024""#), "{text}");
                    assert!(!text.contains("--accept-errors"), "{text}");
                    assert_eq!(e.code(), crate::api::ErrorCode::InvalidInput);
                }
                other => panic!("{s:?}: refused expected, got {other:?}"),
            }
        }
        // A repaired leader (none was sent) is refused however good the rest looks.
        let no_leader =
            Diagnostic::warning("record has no <leader>; a blank MARC 21 leader was supplied")
                .in_field("LDR");
        let refused = import(
            &mut c,
            &book("b1", "9780306406157"),
            &[no_leader],
            Strictness::AcceptFieldErrors,
        );
        assert!(
            matches!(refused, Err(CoreError::CopyRecordInvalid { .. })),
            "{refused:?}"
        );
        // Errors inside fields: refused by default, with what to do; let in on request.
        let bad_indicator = Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "ind")
            .and_then(|r| r.control("008", "200101s2019    vm            000 0 vie d"))
            .and_then(|r| r.data("245", ['9', '0'], &[('a', "Bad indicator.")]))
            .expect("record");
        match import(&mut c, &bad_indicator, &[], Strictness::RefuseErrors) {
            Err(e @ CoreError::CopyRecordInvalid { .. }) => {
                let text = e.to_string();
                assert!(text.contains("error 245: 245 indicator 1"), "{text}");
                assert!(text.contains("--accept-errors"), "{text}");
            }
            other => panic!("refused expected, got {other:?}"),
        }
        assert_eq!(c.summary().expect("summary").records, 0);
        assert_eq!(
            c.summary().expect("summary").changes,
            before,
            "nothing logged"
        );
        let out =
            import(&mut c, &bad_indicator, &[], Strictness::AcceptFieldErrors).expect("let in");
        assert_eq!(out.action, CopyImportAction::Added);
        assert!(
            out.issues
                .iter()
                .any(|i| i.severity == "error" && i.field.as_deref() == Some("245"))
        );
        // An encoding level outside MARC 21's list (OCLC's "I" in Leader/17): an error inside
        // the leader, not one that makes it no record.
        let mut leader = Leader::new('n', 'a', 'm').as_str().to_string();
        leader.replace_range(17..18, "I");
        let oclc = Record::new(Leader::parse(&leader).expect("24 chars"))
            .control("001", "oclc")
            .and_then(|r| r.control("008", "200101s2019    vm            000 0 vie d"))
            .and_then(|r| r.data("245", ['1', '0'], &[('a', "OCLC level.")]))
            .expect("record");
        match import(&mut c, &oclc, &[], Strictness::RefuseErrors) {
            Err(e @ CoreError::CopyRecordInvalid { .. }) => {
                assert!(e.to_string().contains("--accept-errors"), "{e}")
            }
            other => panic!("refused expected, got {other:?}"),
        }
        let out = import(&mut c, &oclc, &[], Strictness::AcceptFieldErrors).expect("let in");
        assert_eq!(out.action, CopyImportAction::Added);
        // A record type (Leader/06) outside the list: no record, whatever the strictness.
        leader.replace_range(6..7, "!");
        let no_type = Record::new(Leader::parse(&leader).expect("24 chars"))
            .control("001", "type")
            .and_then(|r| r.data("245", ['1', '0'], &[('a', "No type.")]))
            .expect("record");
        match import(&mut c, &no_type, &[], Strictness::AcceptFieldErrors) {
            Err(e @ CoreError::CopyRecordInvalid { .. }) => {
                assert!(!e.to_string().contains("--accept-errors"), "{e}")
            }
            other => panic!("refused expected, got {other:?}"),
        }
        // A clean record comes in under the strict default.
        let clean = import(
            &mut c,
            &book("c1", "9780306406157"),
            &[],
            Strictness::RefuseErrors,
        )
        .expect("clean");
        assert!(
            clean.issues.iter().all(|i| i.severity == "warning"),
            "{:?}",
            clean.issues
        );
    }

    #[test]
    fn validation_findings_are_reported() {
        let (_dir, mut c) = catalog();
        let bad = Record::new(Leader::new('n', 'a', 'm'))
            .data("245", ['9', '0'], &[('a', "No 008, bad indicator")])
            .expect("record");
        let out = c
            .write("cataloger", |m| {
                import_one(m, &bad, MatchOn::Isbn, OnMatch::Skip)
            })
            .expect("import");
        assert_eq!(out.action, CopyImportAction::Added);
        assert!(!out.issues.is_empty());
    }
}
