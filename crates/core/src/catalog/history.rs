//! A record's history: its change-log entries and its items', oldest first, each with what
//! changed against the version before it.
//!
//! A record's entries carry its whole MARC (ISO 2709), so two versions are compared field by
//! field: the n-th occurrence of a tag before against the n-th after, each shown as a mnemonic
//! line. An item's entries carry its properties, compared one by one. Entries are found through
//! the `change_log_entity` index, so a record with hundreds of changes is read without
//! scanning the log; deleted items are found through their deletion entries, which name the
//! record.

use std::collections::{BTreeMap, HashMap};

use rusqlite::params;
use serde_json::Value;
use shelfmark_marc::{Field, Record, iso2709};
use uuid::Uuid;

use super::editing::mnemonic_line;
use crate::api::{ChangeDetail, ChangeKind, RecordChange};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Catalog;

struct Entry {
    seq: i64,
    change_id: String,
    entity_type: EntityType,
    entity_id: String,
    operation: Operation,
    payload: String,
    user: String,
    recorded_at: String,
}

/// The history of record `id` and its items, oldest first.
pub fn record_history(catalog: &Catalog, id: Uuid) -> Result<Vec<RecordChange>, CoreError> {
    let conn = catalog.conn();
    let id_text = id.to_string();
    let mut item_ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM items WHERE record_id = ?1")?
        .query_map(params![id_text], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    // Deleted items: their deletion entry names the record. Only item deletions are read.
    let deleted: Vec<String> = conn
        .prepare_cached(
            "SELECT entity_id FROM change_log
             WHERE entity_type = 'item' AND operation = 'delete'
               AND json_extract(payload, '$.record_id') = ?1",
        )?
        .query_map(params![id_text], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for d in deleted {
        if !item_ids.contains(&d) {
            item_ids.push(d);
        }
    }
    let mut entries = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT seq, change_id, entity_type, entity_id, operation, payload, user, recorded_at
         FROM change_log WHERE entity_type = ?1 AND entity_id = ?2",
    )?;
    let targets = std::iter::once((EntityType::Record, id_text.clone()))
        .chain(item_ids.into_iter().map(|i| (EntityType::Item, i)));
    for (entity_type, entity_id) in targets {
        let rows = stmt.query_map(params![entity_type.as_str(), entity_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            let (seq, change_id, operation, payload, user, recorded_at) = row?;
            let operation = match operation.as_str() {
                "create" => Operation::Create,
                "update" => Operation::Update,
                "delete" => Operation::Delete,
                other => {
                    return Err(CoreError::Corrupt {
                        path: catalog.path().into(),
                        detail: format!(
                            "change-log entry {seq} has an unknown operation {other:?}"
                        ),
                    });
                }
            };
            entries.push(Entry {
                seq,
                change_id,
                entity_type,
                entity_id: entity_id.clone(),
                operation,
                payload,
                user,
                recorded_at,
            });
        }
    }
    if entries.is_empty() {
        return Err(CoreError::NotFound {
            entity: "record",
            key: "id",
            value: id_text,
        });
    }
    entries.sort_by_key(|e| e.seq);

    let branch_codes: HashMap<String, String> = conn
        .prepare_cached("SELECT id, code FROM branches")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    // The previous version of each entity, to compare the next one against.
    let mut last_record: Option<Record> = None;
    let mut last_item: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let json: Value = serde_json::from_str(&e.payload).unwrap_or(Value::Null);
        let (details, item_barcode) = match e.entity_type {
            EntityType::Record => {
                let now = json
                    .get("marc")
                    .and_then(Value::as_str)
                    .and_then(|m| iso2709::from_bytes(m.as_bytes()).ok());
                let details = match (e.operation, &now) {
                    (Operation::Delete, _) => Vec::new(),
                    (_, Some(now)) => diff_records(last_record.as_ref(), now),
                    (_, None) => Vec::new(),
                };
                if now.is_some() {
                    last_record = now;
                }
                (details, None)
            }
            _ => {
                let props = item_properties(&json, &branch_codes);
                let barcode = props.get("barcode").cloned();
                let before = last_item.get(&e.entity_id);
                let details = if e.operation == Operation::Delete {
                    Vec::new()
                } else {
                    diff_properties(before, &props)
                };
                if e.operation == Operation::Delete {
                    // The deletion entry carries only what identified the item.
                    let barcode =
                        barcode.or_else(|| before.and_then(|b| b.get("barcode").cloned()));
                    last_item.remove(&e.entity_id);
                    (details, barcode)
                } else {
                    last_item.insert(e.entity_id.clone(), props);
                    (details, barcode)
                }
            }
        };
        out.push(RecordChange {
            change_id: e.change_id,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            operation: e.operation,
            user: e.user,
            recorded_at: e.recorded_at,
            item_barcode,
            details,
        });
    }
    Ok(out)
}

/// Field-level differences: the leader, then each tag's occurrences paired in order.
fn diff_records(before: Option<&Record>, after: &Record) -> Vec<ChangeDetail> {
    let mut out = Vec::new();
    let leader_before = before.map(|b| b.leader.as_str().to_string());
    let leader_after = after.leader.as_str().to_string();
    if leader_before.as_deref() != Some(leader_after.as_str()) {
        out.push(ChangeDetail {
            kind: if before.is_some() {
                ChangeKind::Changed
            } else {
                ChangeKind::Added
            },
            what: "LDR".into(),
            before: leader_before,
            after: Some(leader_after),
        });
    }
    let by_tag = |r: &Record| {
        let mut map: BTreeMap<String, Vec<Field>> = BTreeMap::new();
        for f in &r.fields {
            map.entry(f.tag().as_str().to_string())
                .or_default()
                .push(f.clone());
        }
        map
    };
    let old = before.map(by_tag).unwrap_or_default();
    let new = by_tag(after);
    // In the new record's field order, then what was removed, in the old one's.
    let mut seen: HashMap<shelfmark_marc::Tag, usize> = HashMap::new();
    for f in &after.fields {
        let tag = f.tag();
        let n = seen.entry(tag).or_insert(0);
        let prior = old.get(tag.as_str()).and_then(|v| v.get(*n));
        *n += 1;
        match prior {
            Some(p) if p == f => {}
            Some(p) => out.push(ChangeDetail {
                kind: ChangeKind::Changed,
                what: tag.as_str().to_string(),
                before: Some(mnemonic_line(p)),
                after: Some(mnemonic_line(f)),
            }),
            None => out.push(ChangeDetail {
                kind: ChangeKind::Added,
                what: tag.as_str().to_string(),
                before: None,
                after: Some(mnemonic_line(f)),
            }),
        }
    }
    for (tag, fields) in &old {
        let kept = new.get(tag).map_or(0, Vec::len);
        for f in fields.iter().skip(kept) {
            out.push(ChangeDetail {
                kind: ChangeKind::Removed,
                what: tag.clone(),
                before: Some(mnemonic_line(f)),
                after: None,
            });
        }
    }
    out
}

/// An item entry's properties as text (`branch_id` shown as the branch's code), without the
/// bookkeeping (`changed`, `record_id`).
fn item_properties(json: &Value, branches: &HashMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(object) = json.as_object() else {
        return out;
    };
    for (key, value) in object {
        if matches!(key.as_str(), "changed" | "record_id") {
            continue;
        }
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if key == "branch_id" || key == "holding_branch_id" {
            let name = if key == "branch_id" {
                "branch"
            } else {
                "holding_branch"
            };
            out.insert(
                name.to_string(),
                branches.get(&text).cloned().unwrap_or(text),
            );
        } else {
            out.insert(key.clone(), text);
        }
    }
    // An item made without a status is available (the column's default).
    out.entry("status".into())
        .or_insert_with(|| "available".into());
    out
}

fn diff_properties(
    before: Option<&BTreeMap<String, String>>,
    after: &BTreeMap<String, String>,
) -> Vec<ChangeDetail> {
    let empty = BTreeMap::new();
    let before = before.unwrap_or(&empty);
    let mut out = Vec::new();
    for (key, value) in after {
        match before.get(key) {
            Some(old) if old == value => {}
            Some(old) => out.push(ChangeDetail {
                kind: ChangeKind::Changed,
                what: key.clone(),
                before: Some(old.clone()),
                after: Some(value.clone()),
            }),
            None => out.push(ChangeDetail {
                kind: ChangeKind::Added,
                what: key.clone(),
                before: None,
                after: Some(value.clone()),
            }),
        }
    }
    for (key, old) in before {
        if !after.contains_key(key) {
            out.push(ChangeDetail {
                kind: ChangeKind::Removed,
                what: key.clone(),
                before: Some(old.clone()),
                after: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use time::macros::datetime;

    use super::*;
    use crate::api::{ItemInput, ItemStatus};
    use crate::catalog::editing::{self, to_api};
    use crate::clock::ManualClock;
    use crate::holdings::{self, NewBranch};
    use crate::store::CatalogOptions;
    use shelfmark_marc::Leader;

    fn book(title: &str) -> Record {
        Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "H1")
            .and_then(|r| r.data("245", ['0', '0'], &[('a', title)]))
            .and_then(|r| r.data("650", [' ', '4'], &[('a', "Lịch sử")]))
            .expect("well-formed")
    }

    #[test]
    fn a_records_history_shows_each_change_of_it_and_its_items_with_what_changed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 07:00:00 UTC)));
        let mut catalog = Catalog::open(
            dir.path().join("c.db"),
            CatalogOptions {
                clock: clock.clone(),
            },
        )
        .expect("opens");
        catalog
            .write("admin", |m| {
                holdings::add_branch(
                    m,
                    &NewBranch {
                        code: "HK".into(),
                        name: "Hoàn Kiếm".into(),
                    },
                )?;
                holdings::add_branch(
                    m,
                    &NewBranch {
                        code: "BD".into(),
                        name: "Ba Đình".into(),
                    },
                )
            })
            .expect("branches");
        let id = editing::save(&mut catalog, "lan", None, &to_api(&book("Đại Việt sử ký")))
            .expect("saved");
        let input = ItemInput {
            barcode: "B1".into(),
            branch_code: "HK".into(),
            location: "Kho mở".into(),
            call_number: None,
            item_type: "book".into(),
            status: ItemStatus::Available,
        };
        let item = holdings::add_item_for(&mut catalog, "lan", id, &input).expect("item");
        clock.advance(time::Duration::minutes(5));
        let mut edited = book("Đại Việt sử ký toàn thư");
        edited.fields.retain(|f| f.tag().as_str() != "650");
        editing::save(&mut catalog, "minh", Some(id), &to_api(&edited)).expect("overlaid");
        let moved = ItemInput {
            branch_code: "BD".into(),
            status: ItemStatus::Damaged,
            ..input
        };
        holdings::update_item(
            &mut catalog,
            "minh",
            Uuid::parse_str(&item.id).expect("uuid"),
            &moved,
        )
        .expect("moved");

        let history = record_history(&catalog, id).expect("history");
        assert_eq!(history.len(), 4, "{history:#?}");
        assert_eq!(history[0].operation, Operation::Create);
        assert_eq!(history[0].user, "lan");
        assert!(
            history[0]
                .details
                .iter()
                .any(|d| d.kind == ChangeKind::Added
                    && d.what == "245"
                    && d.after.as_deref() == Some("=245  00$aĐại Việt sử ký"))
        );
        assert_eq!(history[1].entity_type, EntityType::Item);
        assert_eq!(history[1].item_barcode.as_deref(), Some("B1"));

        let overlay = &history[2];
        assert_eq!(overlay.user, "minh");
        let title = overlay
            .details
            .iter()
            .find(|d| d.what == "245")
            .expect("245 changed");
        assert_eq!(title.kind, ChangeKind::Changed);
        assert_eq!(title.before.as_deref(), Some("=245  00$aĐại Việt sử ký"));
        assert_eq!(
            title.after.as_deref(),
            Some("=245  00$aĐại Việt sử ký toàn thư")
        );
        assert!(overlay.details.iter().any(|d| d.kind == ChangeKind::Removed
            && d.what == "650"
            && d.before.as_deref() == Some("=650  \\4$aLịch sử")));
        assert!(
            overlay
                .details
                .iter()
                .any(|d| d.what == "005" && d.kind == ChangeKind::Changed)
        );

        let item_change = &history[3];
        assert_eq!(item_change.operation, Operation::Update);
        let mut what: Vec<(&str, Option<&str>, Option<&str>)> = item_change
            .details
            .iter()
            .map(|d| (d.what.as_str(), d.before.as_deref(), d.after.as_deref()))
            .collect();
        what.sort();
        assert_eq!(
            what,
            vec![
                ("branch", Some("HK"), Some("BD")),
                ("status", Some("available"), Some("damaged")),
            ]
        );

        // Deleted with its item, the record's history still tells the whole story.
        editing::delete(&mut catalog, "minh", id).expect("deleted");
        let history = record_history(&catalog, id).expect("history after deletion");
        assert_eq!(history.len(), 6);
        assert_eq!(history[4].entity_type, EntityType::Item);
        assert_eq!(history[4].operation, Operation::Delete);
        assert_eq!(history[4].item_barcode.as_deref(), Some("B1"));
        assert_eq!(history[5].operation, Operation::Delete);
    }

    #[test]
    fn a_record_never_seen_has_no_history() {
        let dir = tempfile::tempdir().expect("temp dir");
        let catalog =
            Catalog::open(dir.path().join("c.db"), CatalogOptions::default()).expect("opens");
        assert!(matches!(
            record_history(&catalog, Uuid::nil()),
            Err(CoreError::NotFound { .. })
        ));
    }
}
