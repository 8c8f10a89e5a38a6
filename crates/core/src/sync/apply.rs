//! Applying a pulled entry to the domain tables, the same code on a branch and on the central
//! server's union catalog, and finding the conflicts it brings.
//!
//! Every rule here makes the state a function of the *set* of entries a node has, never of the
//! order they arrived in, so every node converges (docs/sync.md has the rules for people):
//! - A bibliographic record is materialized from all its entries in (hybrid time, origin
//!   node) order: the create, then each update's changed fields (tags; `LDR` for the leader)
//!   taken from that update. Two concurrent updates changing different fields thus merge
//!   three-way; two changing the same field differently leave the later one in the record and
//!   an exception with both versions. A delete stands; a concurrent edit becomes an exception.
//! - Branches and items: the newest entry (hybrid time, origin) wins for the columns it
//!   carries; a code or barcode another node already took becomes an exception.
//! - Exceptions are identified by the changes involved, so every node finds the same one.
//!
//! Circulation entries (patrons, loans, holds, fines, policy, calendar, determinations,
//! digital objects) are applied by `circulation`, with their own rules and exceptions.
//!
//! What this module must never do: write a change-log entry for something it materialized
//! (the entries it came from are already logged), or depend on arrival order.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shelfmark_marc::{Field, Record, iso2709};
use uuid::Uuid;

use super::circulation::{self, Meta};
use super::{Row, parse_uuid, read_rows};
use crate::api::{ExceptionKind, SyncEntry, SyncException};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Mutation;
use crate::text;

/// Applies one pulled entry (already appended to the log). Returns the exceptions found.
pub(crate) fn apply(m: &mut Mutation<'_>, entry: &SyncEntry) -> Result<u32, CoreError> {
    let id = parse_uuid("entity id", &entry.entity_id)?;
    match entry.entity_type {
        EntityType::Record => materialize_record(m, id),
        EntityType::Branch => apply_branch(m, entry, id),
        EntityType::Item => {
            let found = apply_item(m, entry, id)?;
            circulation::settle_item(m, &id.to_string())?;
            Ok(found)
        }
        EntityType::Patron => circulation::apply_patron(m, id),
        EntityType::Loan => circulation::apply_loan(m, id),
        EntityType::Hold => circulation::apply_hold(m, id),
        EntityType::FineEntry => circulation::apply_fine(m, entry),
        EntityType::Policy => circulation::apply_policy(m, entry),
        EntityType::ClosedDay => circulation::apply_closed_day(m, entry, id),
        EntityType::Determination => circulation::apply_determination(m, entry),
        EntityType::DigitalObject => circulation::apply_digital_object(m, entry, id),
        EntityType::Exception => {
            let resolution = entry
                .payload
                .get("resolution")
                .and_then(Value::as_str)
                .unwrap_or("resolved");
            let at = entry.recorded_at.clone();
            let by = entry.user.clone();
            m.conn().execute(
                "INSERT OR IGNORE INTO sync_resolutions (id, resolution, resolved_by, resolved_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![entry.entity_id, resolution, by, at],
            )?;
            Ok(0)
        }
        // Where a reader stopped in a recording stays on the device's node.
        EntityType::PlaybackPosition => Ok(0),
    }
}

/// One version of a record: a change-log row with what sync knows of it.
struct Version {
    row: Row,
    record: Option<Record>,
    server_seq: Option<i64>,
    known_through: i64,
    changed: Option<Vec<String>>,
}

fn marc_of(payload: &str) -> Option<Record> {
    let value: Value = serde_json::from_str(payload).ok()?;
    let marc = value.get("marc")?.as_str()?;
    iso2709::from_bytes(marc.as_bytes()).ok()
}

fn versions(conn: &Connection, id: Uuid) -> Result<Vec<Version>, CoreError> {
    let rows = read_rows(
        conn,
        "WHERE entity_type = 'record' AND entity_id = ?1 ORDER BY seq",
        params![id.to_string()],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let known: Option<(Option<i64>, i64, Option<String>)> = conn
            .prepare_cached(
                "SELECT server_seq, known_through, changed FROM sync_entries WHERE change_id = ?1",
            )?
            .query_row(params![row.change_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (server_seq, known_through, changed) = known.unwrap_or((None, 0, None));
        out.push(Version {
            record: marc_of(&row.payload),
            changed: changed.and_then(|c| serde_json::from_str(&c).ok()),
            row,
            server_seq,
            known_through,
        });
    }
    Ok(out)
}

/// The fields (tags, `LDR`) whose content differs between two versions of a record.
pub(crate) fn changed_fields(before: &Record, after: &Record) -> Vec<String> {
    let mut tags: BTreeSet<String> = BTreeSet::new();
    for f in before.fields.iter().chain(after.fields.iter()) {
        tags.insert(f.tag().as_str().to_string());
    }
    let mut changed: Vec<String> = tags
        .into_iter()
        .filter(|t| fields_with(before, t) != fields_with(after, t))
        .collect();
    if before.leader != after.leader {
        changed.insert(0, "LDR".into());
    }
    changed
}

fn fields_with<'r>(record: &'r Record, tag: &str) -> Vec<&'r Field> {
    record
        .fields
        .iter()
        .filter(|f| f.tag().as_str() == tag)
        .collect()
}

/// Puts `from`'s fields of `tag` in place of `into`'s, in tag order.
fn take_field(into: &mut Record, from: &Record, tag: &str) {
    if tag == "LDR" {
        into.leader = from.leader.clone();
        return;
    }
    let at = into
        .fields
        .iter()
        .position(|f| f.tag().as_str() >= tag)
        .unwrap_or(into.fields.len());
    into.fields.retain(|f| f.tag().as_str() != tag);
    let at = at.min(into.fields.len());
    let new: Vec<Field> = fields_with(from, tag).into_iter().cloned().collect();
    into.fields.splice(at..at, new);
}

/// The fields this node's own update `row` changed: against the record as this node had it
/// just before (every entry before it, materialized).
pub(crate) fn changed_fields_of_own(
    conn: &Connection,
    row: &Row,
) -> Result<Vec<String>, CoreError> {
    let id = parse_uuid("entity id", &row.entity_id)?;
    let all = versions(conn, id)?;
    let before: Vec<&Version> = all.iter().filter(|v| v.row.seq < row.seq).collect();
    let after = marc_of(&row.payload);
    Ok(match (fold(conn, &before)?.0, after) {
        (Some(before), Some(after)) => changed_fields(&before, &after),
        (_, Some(after)) => {
            let mut all: Vec<String> = fields_with_tags(&after);
            all.insert(0, "LDR".into());
            all
        }
        _ => Vec::new(),
    })
}

fn fields_with_tags(record: &Record) -> Vec<String> {
    record
        .fields
        .iter()
        .map(|f| f.tag().as_str().to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Materializes a record from `versions`: `(record, deleted)`.
fn fold(conn: &Connection, versions: &[&Version]) -> Result<(Option<Record>, bool), CoreError> {
    let mut ordered: Vec<&&Version> = versions.iter().collect();
    ordered.sort_by(|a, b| (a.row.hlc, &a.row.origin_node).cmp(&(b.row.hlc, &b.row.origin_node)));
    let mut state: Option<Record> = None;
    let mut deleted = false;
    for v in ordered {
        match v.row.operation {
            Operation::Delete => deleted = true,
            Operation::Create => {
                if state.is_none() {
                    state = v.record.clone();
                }
            }
            Operation::Update => {
                let Some(new) = &v.record else { continue };
                match &mut state {
                    None => state = Some(new.clone()),
                    Some(current) => {
                        let changed = match &v.changed {
                            Some(c) => c.clone(),
                            None => changed_fields_of_own(conn, &v.row)?,
                        };
                        for tag in &changed {
                            take_field(current, new, tag);
                        }
                    }
                }
            }
        }
    }
    Ok((if deleted { None } else { state }, deleted))
}

/// Whether `a` was made knowing `b` (b is in a's causal past); `here` is this node.
fn knows(a: &Version, b: &Version, here: &str) -> bool {
    circulation::knows(&a.meta(), &b.meta(), here)
}

impl Version {
    fn meta(&self) -> Meta {
        Meta {
            seq: self.row.seq,
            hlc: self.row.hlc,
            origin: self.row.origin_node.clone(),
            server_seq: self.server_seq,
            known_through: self.known_through,
        }
    }
}

fn materialize_record(m: &mut Mutation<'_>, id: Uuid) -> Result<u32, CoreError> {
    let all = versions(m.conn(), id)?;
    let refs: Vec<&Version> = all.iter().collect();
    let (state, deleted) = fold(m.conn(), &refs)?;
    let now = text::rfc3339(m.now());
    match state {
        Some(record) => crate::catalog::records::put_synced(m.conn(), id, &record, &now)?,
        None if deleted => crate::catalog::records::remove_synced(m.conn(), id)?,
        None => {}
    }
    // Conflicts: pairs of concurrent updates changing one field to different content, and
    // updates concurrent with a delete.
    let mut found = 0;
    let here = circulation::this_node(m.conn())?;
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            if knows(a, b, &here) || knows(b, a, &here) {
                continue;
            }
            let pair = ordered_pair(a, b);
            match (a.row.operation, b.row.operation) {
                (Operation::Update, Operation::Update) => {
                    let (Some(ra), Some(rb)) = (&a.record, &b.record) else {
                        continue;
                    };
                    let ca = changed_of(m.conn(), a)?;
                    let cb = changed_of(m.conn(), b)?;
                    for tag in ca.iter().filter(|t| cb.contains(t)) {
                        // The transaction time (005) changes with every save: the later stands.
                        if tag == "005" {
                            continue;
                        }
                        if tag == "LDR" && ra.leader == rb.leader {
                            continue;
                        }
                        if tag != "LDR" && fields_with(ra, tag) != fields_with(rb, tag) {
                            found += flag(
                                m,
                                ExceptionKind::RecordFieldConflict,
                                EntityType::Record,
                                id,
                                &[&pair.0.row.change_id, &pair.1.row.change_id, tag],
                                json!({
                                    "field": tag,
                                    "kept": version_facts(pair.1, tag),
                                    "other": version_facts(pair.0, tag),
                                }),
                                &[
                                    "local",
                                    "remote",
                                    &pair.0.row.change_id,
                                    &pair.1.row.change_id,
                                ],
                            )?;
                        }
                    }
                }
                (Operation::Delete, Operation::Update) | (Operation::Update, Operation::Delete) => {
                    let (edit, delete) = if a.row.operation == Operation::Update {
                        (a, b)
                    } else {
                        (b, a)
                    };
                    found += flag(
                        m,
                        ExceptionKind::RecordDeletedWhileEdited,
                        EntityType::Record,
                        id,
                        &[&delete.row.change_id, &edit.row.change_id],
                        json!({
                            "deleted_by": who(delete),
                            "edit": who(edit),
                            "edited_marc": serde_json::from_str::<Value>(&edit.row.payload).ok(),
                        }),
                        &["deleted", "restore"],
                    )?;
                }
                _ => {}
            }
        }
    }
    Ok(found)
}

fn changed_of(conn: &Connection, v: &Version) -> Result<Vec<String>, CoreError> {
    match &v.changed {
        Some(c) => Ok(c.clone()),
        None => changed_fields_of_own(conn, &v.row),
    }
}

/// The two versions in materialization order: the second is the one the record keeps.
fn ordered_pair<'v>(a: &'v Version, b: &'v Version) -> (&'v Version, &'v Version) {
    if (a.row.hlc, &a.row.origin_node) < (b.row.hlc, &b.row.origin_node) {
        (a, b)
    } else {
        (b, a)
    }
}

fn who(v: &Version) -> Value {
    json!({
        "change_id": v.row.change_id,
        "origin_node": v.row.origin_node,
        "user": v.row.user,
        "recorded_at": v.row.recorded_at,
    })
}

fn version_facts(v: &Version, tag: &str) -> Value {
    let lines: Vec<String> = v
        .record
        .as_ref()
        .map(|r| {
            fields_with(r, tag)
                .into_iter()
                .map(crate::catalog::editing::mnemonic_line)
                .collect()
        })
        .unwrap_or_default();
    let mut facts = who(v);
    facts["fields"] = json!(lines);
    facts
}

/// Adds an exception (the same id on every node); returns 1 when it is new here.
pub(crate) fn flag(
    m: &mut Mutation<'_>,
    kind: ExceptionKind,
    entity: EntityType,
    entity_id: Uuid,
    parts: &[&str],
    facts: Value,
    actions: &[&str],
) -> Result<u32, CoreError> {
    let mut hash = Sha256::new();
    hash.update(super::exception_kind_str(kind).as_bytes());
    for p in parts {
        hash.update([0]);
        hash.update(p.as_bytes());
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let id = uuid::Builder::from_custom_bytes(bytes).into_uuid();
    let added = m.conn().execute(
        "INSERT OR IGNORE INTO sync_exceptions
           (id, kind, entity_type, entity_id, facts, actions, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.to_string(),
            super::exception_kind_str(kind),
            entity.as_str(),
            entity_id.to_string(),
            facts.to_string(),
            serde_json::to_string(actions)?,
            text::rfc3339(m.now()),
        ],
    )?;
    Ok(added as u32)
}

fn newest_other(
    conn: &Connection,
    entity: EntityType,
    id: &str,
    change_id: &str,
) -> Result<Option<(i64, String)>, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT hlc, origin_node FROM change_log
             WHERE entity_type = ?1 AND entity_id = ?2 AND change_id <> ?3
             ORDER BY hlc DESC, origin_node DESC LIMIT 1",
        )?
        .query_row(params![entity.as_str(), id, change_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

pub(crate) fn is_newest(conn: &Connection, entry: &SyncEntry) -> Result<bool, CoreError> {
    let hlc = super::parse_hlc(&entry.hlc)?.as_u64() as i64;
    Ok(
        match newest_other(conn, entry.entity_type, &entry.entity_id, &entry.change_id)? {
            None => true,
            Some(newest) => (hlc, entry.origin_node.clone()) > newest,
        },
    )
}

fn str_of<'v>(payload: &'v Value, key: &str) -> Option<&'v str> {
    payload.get(key).and_then(Value::as_str)
}

fn apply_branch(m: &mut Mutation<'_>, entry: &SyncEntry, id: Uuid) -> Result<u32, CoreError> {
    let (Some(code), Some(name)) = (
        str_of(&entry.payload, "code"),
        str_of(&entry.payload, "name"),
    ) else {
        return Ok(0);
    };
    let taken: Option<String> = m
        .conn()
        .query_row(
            "SELECT id FROM branches WHERE code = ?1 AND id <> ?2",
            params![code, id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let code = match taken {
        None => code.to_string(),
        Some(other) => {
            // Both keep existing; the code goes to the branch with the smaller id on every
            // node, the other is told apart by its id until a person renames it.
            let mine = id.to_string();
            let renamed = |bid: &str| format!("{code}-{}", &bid[bid.len() - 4..]);
            let flagged = flag(
                m,
                ExceptionKind::BranchCodeTaken,
                EntityType::Branch,
                id,
                &[
                    &mine.clone().min(other.clone()),
                    &mine.clone().max(other.clone()),
                ],
                json!({ "code": code, "branches": [mine, other] }),
                &["rename"],
            )?;
            if mine < other {
                m.conn().execute(
                    "UPDATE branches SET code = ?2 WHERE id = ?1",
                    params![other, renamed(&other)],
                )?;
                let _ = flagged;
                code.to_string()
            } else {
                renamed(&mine)
            }
        }
    };
    m.conn().execute(
        "INSERT INTO branches (id, code, name) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        params![id.to_string(), code, name],
    )?;
    Ok(0)
}

fn apply_item(m: &mut Mutation<'_>, entry: &SyncEntry, id: Uuid) -> Result<u32, CoreError> {
    let p = &entry.payload;
    let id_text = id.to_string();
    if entry.operation == Operation::Delete {
        m.conn()
            .execute("DELETE FROM items WHERE id = ?1", params![id_text])?;
        return Ok(0);
    }
    if !is_newest(m.conn(), entry)? {
        return Ok(0);
    }
    let exists: bool = m
        .conn()
        .query_row(
            "SELECT 1 FROM items WHERE id = ?1",
            params![id_text],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    // The item's own fields, flattened (some payloads nest them under `item`).
    let item = p.get("item").unwrap_or(p);
    let get = |key: &str| str_of(item, key).or_else(|| str_of(p, key));
    let now = text::rfc3339(m.now());
    if !exists {
        let (Some(record), Some(barcode), Some(branch), Some(item_type)) = (
            get("record_id"),
            get("barcode"),
            get("branch_id"),
            get("item_type"),
        ) else {
            return Ok(0);
        };
        let record_there: bool = m
            .conn()
            .query_row(
                "SELECT 1 FROM records WHERE id = ?1",
                params![record],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        let branch_there: bool = m
            .conn()
            .query_row(
                "SELECT 1 FROM branches WHERE id = ?1",
                params![branch],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if !record_there || !branch_there {
            // The record was deleted elsewhere meanwhile (or a branch is unknown).
            let record_uuid = parse_uuid("record id", record)?;
            return flag(
                m,
                ExceptionKind::RecordDeletedWhileEdited,
                EntityType::Item,
                id,
                &[&entry.change_id],
                json!({ "item": who_entry(entry), "record_id": record, "barcode": barcode,
                        "record_missing": !record_there, "branch_missing": !branch_there,
                        "record": record_uuid.to_string() }),
                &["deleted"],
            );
        }
        let taken: Option<String> = m
            .conn()
            .query_row(
                "SELECT id FROM items WHERE barcode = ?1",
                params![barcode],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = taken {
            return flag(
                m,
                ExceptionKind::BarcodeTaken,
                EntityType::Item,
                id,
                &[
                    &other.clone().min(id_text.clone()),
                    &other.clone().max(id_text.clone()),
                ],
                json!({ "barcode": barcode, "items": [other, id_text], "added": who_entry(entry) }),
                &["relabel"],
            );
        }
        m.conn().execute(
            "INSERT INTO items (id, record_id, barcode, branch_id, location, call_number,
                                item_type, status, created_at, updated_at, local_number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
            params![
                id_text,
                record,
                barcode,
                branch,
                get("location").unwrap_or(""),
                get("call_number"),
                item_type,
                get("status").unwrap_or("available"),
                now,
                get("local_number"),
            ],
        )?;
        return Ok(0);
    }
    for column in [
        "barcode",
        "branch_id",
        "location",
        "call_number",
        "item_type",
        "status",
    ] {
        if let Some(value) = get(column) {
            m.conn().execute(
                &format!("UPDATE items SET {column} = ?2, updated_at = ?3 WHERE id = ?1"),
                params![id_text, value, now],
            )?;
        }
    }
    // A circulation event names where the item is; `null` means at its home branch.
    if let Some(code) = item.get("holding_branch_code") {
        m.conn().execute(
            "UPDATE items SET holding_branch_id = (SELECT id FROM branches WHERE code = ?2)
             WHERE id = ?1",
            params![id_text, code.as_str()],
        )?;
    }
    Ok(0)
}

fn who_entry(entry: &SyncEntry) -> Value {
    json!({
        "change_id": entry.change_id,
        "origin_node": entry.origin_node,
        "user": entry.user,
        "recorded_at": entry.recorded_at,
    })
}

/// Carries out a resolution chosen by a person; returns what was chosen, as logged.
pub(crate) fn resolve(
    m: &mut Mutation<'_>,
    exception: &SyncException,
    keep: &str,
    node: &str,
) -> Result<String, CoreError> {
    let keep = keep.trim();
    let refuse = || CoreError::InvalidInput {
        what: "resolution",
        value: keep.to_string(),
        reason: format!("this exception accepts {}", exception.actions.join(", ")),
    };
    if !exception.actions.iter().any(|a| a == keep) {
        return Err(refuse());
    }
    if exception.kind != ExceptionKind::RecordFieldConflict {
        circulation::resolve(m, exception, keep)?;
        return Ok(keep.to_string());
    }
    let id = parse_uuid("record id", &exception.entity_id)?;
    let field = exception.facts["field"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let kept = &exception.facts["kept"];
    let other = &exception.facts["other"];
    let chosen = match keep {
        "local" | "remote" => {
            let kept_here = kept["origin_node"].as_str() == Some(node);
            let other_here = other["origin_node"].as_str() == Some(node);
            match (keep, kept_here, other_here) {
                ("local", _, true) | ("remote", true, _) => other,
                ("local", true, _) | ("remote", _, true) => kept,
                // Neither version was made here: `local` is what this record shows now.
                ("local", _, _) => kept,
                _ => other,
            }
        }
        change => {
            if kept["change_id"].as_str() == Some(change) {
                kept
            } else {
                other
            }
        }
    };
    let change_id = chosen["change_id"].as_str().unwrap_or_default().to_string();
    if chosen["change_id"] != kept["change_id"] {
        // Write the chosen version of the field as a new edit of the record.
        let all = versions(m.conn(), id)?;
        let source = all
            .iter()
            .find(|v| v.row.change_id == change_id)
            .and_then(|v| v.record.clone())
            .ok_or_else(refuse)?;
        let current = all.iter().collect::<Vec<_>>();
        let (Some(mut record), _) = fold(m.conn(), &current)? else {
            return Err(refuse());
        };
        take_field(&mut record, &source, &field);
        crate::catalog::records::overlay(m, id, &record)?;
    }
    Ok(format!("kept {change_id} for {field}"))
}

pub(crate) fn mark_resolved(
    m: &mut Mutation<'_>,
    id: &str,
    resolution: &str,
    at: &str,
) -> Result<(), CoreError> {
    let by = m.user().to_string();
    m.conn().execute(
        "INSERT OR IGNORE INTO sync_resolutions (id, resolution, resolved_by, resolved_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![id, resolution, by, at],
    )?;
    Ok(())
}
