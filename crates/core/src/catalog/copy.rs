//! Copy cataloging's side in the catalog: the library's list of SRU targets (other libraries'
//! catalogs to copy records from), and bringing one chosen record in — validated by the MARC
//! engine and matched against the catalog the way a file import matches.
//!
//! The targets live in `catalog_meta` (`copy.target.<name>` → JSON), each change logged as a
//! policy entry like the library's other settings, so a branch's list travels with sync.
//! This module must never talk to the network: the SRU client (`shelfmark-sru`) fetches,
//! core stores.

use rusqlite::{OptionalExtension, params};
use shelfmark_marc::{Record, Severity, validate};
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

/// Brings one record in from another catalog: validated by the MARC engine (its findings are
/// reported, as a file import reports them; they do not stop the import, since the cataloger
/// chose this record and fixes it in the editor), matched by `match_on` as `import_file`
/// matches (001, or any ISBN in either form; a record with no ISBN is matched by its 001
/// instead, and `matched_on_instead` says so), then added, left alone or overlaid as
/// `on_match` says. One logged change, in the caller's transaction.
pub fn import_one(
    m: &mut Mutation<'_>,
    record: &Record,
    match_on: MatchOn,
    on_match: OnMatch,
) -> Result<CopyImportOutcome, CoreError> {
    let issues: Vec<CopyIssue> = validate::validate(record)
        .into_iter()
        .map(|d| CopyIssue {
            severity: match d.severity {
                Severity::Error => "error".into(),
                Severity::Warning => "warning".into(),
            },
            field: d.tag.clone(),
            message: match &d.position {
                Some(p) => format!("{} (at {p})", d.message),
                None => d.message.clone(),
            },
        })
        .collect();
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
    let matched: Vec<Uuid> = match key {
        MatchOn::None => Vec::new(),
        MatchOn::ControlNumber => match &e.control_number {
            Some(c) => records::ids_by_control_number(m.conn(), c)?,
            None => Vec::new(),
        },
        MatchOn::Isbn => records::ids_by_identifier(m.conn(), "isbn", &e.isbns)?,
    };
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
        assert_eq!(c.summary().expect("summary").records, 4);
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
