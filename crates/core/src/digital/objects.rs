//! Digital objects: the files attached to a record, and each object's own rights.
//!
//! Attaching stores the content first (`store::put`: whole, never twice), reads what it is
//! and its text, then writes the object row and its texts and logs them in one transaction;
//! if that fails, content written for it alone is taken away again. Removing deletes the row
//! (logged with its reason) and then the content when no other object uses it. An object's
//! own status and level (a new narration of a public-domain text has its own rights) are an
//! append-only history like the work's determinations; the latest row is current.
//!
//! `attach` and `remove` take the [`Catalog`] rather than a [`Mutation`] because they also
//! touch the content store, which must be written before and cleaned after the transaction.
//! This module never decides who may open an object (that is `access`).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::{media, store, text};
use crate::api::{
    AccessLevel, AttachRequest, AttachResult, AudioChapter, DigitalKind, DigitalObject,
    RightsStatus,
};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::rights::access::{default_access, effective_access_conn};
use crate::store::{Catalog, Mutation};

pub(crate) fn kind_str(kind: DigitalKind) -> &'static str {
    match kind {
        DigitalKind::Image => "image",
        DigitalKind::Pdf => "pdf",
        DigitalKind::Epub => "epub",
        DigitalKind::Audio => "audio",
        DigitalKind::Text => "text",
    }
}

fn parse_kind(s: &str) -> DigitalKind {
    match s {
        "image" => DigitalKind::Image,
        "pdf" => DigitalKind::Pdf,
        "epub" => DigitalKind::Epub,
        "audio" => DigitalKind::Audio,
        _ => DigitalKind::Text,
    }
}

fn now_text(now: OffsetDateTime) -> String {
    now.format(&Rfc3339).unwrap_or_else(|_| now.to_string())
}

pub(crate) fn not_found(id: impl ToString) -> CoreError {
    CoreError::NotFound {
        entity: "digital object",
        key: "id",
        value: id.to_string(),
    }
}

/// Reads an object id as a person or a face gives it.
pub fn parse_id(s: &str) -> Result<Uuid, CoreError> {
    Uuid::parse_str(s.trim()).map_err(|_| not_found(s))
}

const COLUMNS: &str = "id, record_id, kind, media_type, file_name, label, size_bytes, sha256, \
     parts, duration_ms, chapters, accessible_format, has_text, added_by, added_at";

struct Row {
    object: DigitalObject,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let chapters: String = r.get(10)?;
    Ok(Row {
        object: DigitalObject {
            id: r.get(0)?,
            record_id: r.get(1)?,
            kind: parse_kind(&r.get::<_, String>(2)?),
            media_type: r.get(3)?,
            file_name: r.get(4)?,
            label: r.get(5)?,
            size_bytes: r.get::<_, i64>(6)?.max(0) as u64,
            sha256: r.get(7)?,
            parts: r.get(8)?,
            duration_ms: r.get::<_, Option<i64>>(9)?.map(|d| d.max(0) as u64),
            chapters: serde_json::from_str::<Vec<AudioChapter>>(&chapters).unwrap_or_default(),
            accessible_format: r.get(11)?,
            has_text: r.get(12)?,
            status: None,
            access: AccessLevel::Staff,
            rights_reason: None,
            added_by: r.get(13)?,
            added_at: r.get(14)?,
        },
    })
}

/// An object's own status and level (each `None`: not its own) and the reason.
type OwnRights = (Option<RightsStatus>, Option<AccessLevel>, String);

/// The object's own rights: the latest row of its history.
fn own_rights(conn: &Connection, object_id: &str) -> Result<Option<OwnRights>, CoreError> {
    let found: Option<(Option<String>, Option<String>, String)> = conn
        .prepare_cached(
            // By when it was decided, then id (a UUIDv7), not by arrival: every node that has
            // the same decisions (sync brings other branches') takes the same one as latest.
            "SELECT status, access, reason FROM digital_object_rights WHERE object_id = ?1
             ORDER BY decided_at DESC, id DESC LIMIT 1",
        )?
        .query_row(params![object_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(found.map(|(s, a, reason)| {
        (
            s.as_deref().and_then(RightsStatus::parse),
            a.as_deref().and_then(AccessLevel::parse),
            reason,
        )
    }))
}

/// Fills in the object's rights: its own level, else the level its own status gives, else the
/// work's effective level (`staff` when the work is gone, so nothing opens by a gap).
fn with_rights(
    conn: &Connection,
    now: OffsetDateTime,
    mut object: DigitalObject,
) -> Result<DigitalObject, CoreError> {
    let own = own_rights(conn, &object.id)?;
    let (status, access, reason) = match own {
        Some((s, a, reason)) if s.is_some() || a.is_some() => (s, a, Some(reason)),
        _ => (None, None, None),
    };
    object.status = status;
    object.rights_reason = reason;
    object.access = match (access, status) {
        (Some(a), _) => a,
        (None, Some(s)) => default_access(s),
        (None, None) => match Uuid::parse_str(&object.record_id) {
            Ok(record) => match effective_access_conn(conn, now, record) {
                Ok(a) => a,
                Err(CoreError::NotFound { .. }) => AccessLevel::Staff,
                Err(e) => return Err(e),
            },
            Err(_) => AccessLevel::Staff,
        },
    };
    Ok(object)
}

pub(crate) fn get_conn(
    conn: &Connection,
    now: OffsetDateTime,
    object_id: Uuid,
) -> Result<DigitalObject, CoreError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM digital_objects WHERE id = ?1"
        ))?
        .query_row(params![object_id.to_string()], row)
        .optional()?;
    let found = found.ok_or_else(|| not_found(object_id))?;
    with_rights(conn, now, found.object)
}

/// One object, with its rights as they are now.
pub fn get(catalog: &Catalog, object_id: Uuid) -> Result<DigitalObject, CoreError> {
    get_conn(catalog.conn(), catalog.clock().now(), object_id)
}

pub(crate) fn list_conn(
    conn: &Connection,
    now: OffsetDateTime,
    record_id: &str,
) -> Result<Vec<DigitalObject>, CoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM digital_objects WHERE record_id = ?1 ORDER BY added_at, id"
    ))?;
    let rows: Vec<Row> = stmt
        .query_map(params![record_id], row)?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|r| with_rights(conn, now, r.object))
        .collect()
}

/// The objects attached to a record, oldest first. An unknown record is an error.
pub fn list(catalog: &Catalog, record_id: Uuid) -> Result<Vec<DigitalObject>, CoreError> {
    record_must_exist(catalog.conn(), record_id)?;
    list_conn(
        catalog.conn(),
        catalog.clock().now(),
        &record_id.to_string(),
    )
}

fn record_must_exist(conn: &Connection, record_id: Uuid) -> Result<(), CoreError> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM records WHERE id = ?1)",
        params![record_id.to_string()],
        |r| r.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(CoreError::NotFound {
            entity: "record",
            key: "id",
            value: record_id.to_string(),
        })
    }
}

fn clean_label(label: Option<&str>) -> Option<String> {
    label
        .map(|l| crate::text::nfc(l.trim()))
        .filter(|l| !l.is_empty())
}

/// Attaches the file `request.path` to the record: stores it (once), reads what it is and
/// its text, and records the object, all or nothing.
pub fn attach(
    catalog: &mut Catalog,
    user: &str,
    request: &AttachRequest,
) -> Result<AttachResult, CoreError> {
    let record_id = Uuid::parse_str(request.record_id.trim()).map_err(|_| CoreError::NotFound {
        entity: "record",
        key: "id",
        value: request.record_id.clone(),
    })?;
    record_must_exist(catalog.conn(), record_id)?;
    let source = Path::new(&request.path);
    let file_name = source
        .file_name()
        .map(|n| crate::text::nfc(&n.to_string_lossy()))
        .ok_or_else(|| CoreError::InvalidInput {
            what: "file",
            value: request.path.clone(),
            reason: "name a file, not a folder".into(),
        })?;
    let stored = store::put(catalog, source)?;
    // Content this attach alone brought in goes again if the attach does not happen.
    let undo = |catalog: &Catalog| {
        if !stored.already_stored {
            let _ = store::discard(catalog, &stored.sha256);
        }
    };
    let probed = std::fs::File::open(&stored.path)
        .map_err(|e| e.to_string())
        .and_then(|f| media::probe(&mut std::io::BufReader::new(f)));
    let media = match probed {
        Ok(m) => m,
        Err(detail) => {
            undo(catalog);
            return Err(CoreError::UnsupportedMedia {
                file: file_name,
                detail,
            });
        }
    };
    let extraction = text::extract(&stored.path, &media);
    let text_note = match (&media.note, &extraction.note) {
        (Some(m), Some(t)) if m != t => Some(format!("{m}; {t}")),
        (Some(m), _) => Some(m.clone()),
        (None, t) => t.clone(),
    };
    let label = clean_label(request.label.as_deref());
    let written = catalog.write(user, |m| {
        let id = m.new_id();
        let object = DigitalObject {
            id: id.to_string(),
            record_id: record_id.to_string(),
            kind: media.kind,
            media_type: media.media_type.to_string(),
            file_name: file_name.clone(),
            label: label.clone(),
            size_bytes: stored.size_bytes,
            sha256: stored.sha256.clone(),
            parts: media.parts,
            duration_ms: media.duration_ms,
            chapters: media.chapters.clone(),
            accessible_format: request.accessible_format,
            has_text: !extraction.parts.is_empty(),
            status: None,
            access: AccessLevel::Staff,
            rights_reason: None,
            added_by: m.user().to_string(),
            added_at: now_text(m.now()),
        };
        m.conn().execute(
            &format!(
                "INSERT INTO digital_objects ({COLUMNS}, text_note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ),
            params![
                object.id,
                object.record_id,
                kind_str(object.kind),
                object.media_type,
                object.file_name,
                object.label,
                i64::try_from(object.size_bytes).unwrap_or(i64::MAX),
                object.sha256,
                object.parts,
                object
                    .duration_ms
                    .map(|d| i64::try_from(d).unwrap_or(i64::MAX)),
                serde_json::to_string(&object.chapters)?,
                object.accessible_format,
                object.has_text,
                object.added_by,
                object.added_at,
                text_note,
            ],
        )?;
        text::store(m.conn(), &object.id, &extraction.parts)?;
        let object = with_rights(m.conn(), m.now(), object)?;
        m.log(EntityType::DigitalObject, id, Operation::Create, &object)?;
        Ok(object)
    });
    match written {
        Ok(object) => Ok(AttachResult {
            object,
            content_already_stored: stored.already_stored,
            text_note,
        }),
        Err(e) => {
            undo(catalog);
            Err(e)
        }
    }
}

fn reason_of(reason: &str) -> Result<String, CoreError> {
    let r = crate::text::nfc(reason.trim());
    if r.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "reason",
            value: reason.to_string(),
            reason: "say why (it is kept in the change log, e.g. \"a better scan replaces it\")"
                .into(),
        });
    }
    Ok(r)
}

#[derive(Serialize)]
struct Removed<'a> {
    id: &'a str,
    record_id: &'a str,
    sha256: &'a str,
    file_name: &'a str,
    reason: &'a str,
}

/// Detaches the object from its record, with a reason (logged); its texts and the readers'
/// positions in it go too, and the content when no other object uses it. The object's
/// rights history is kept (append-only).
pub fn remove(
    catalog: &mut Catalog,
    user: &str,
    object_id: Uuid,
    reason: &str,
) -> Result<(), CoreError> {
    let reason = reason_of(reason)?;
    let object = get(catalog, object_id)?;
    catalog.write(user, |m| {
        let id = object.id.as_str();
        m.conn().execute(
            "DELETE FROM digital_texts WHERE object_id = ?1",
            params![id],
        )?;
        m.conn().execute(
            "DELETE FROM playback_positions WHERE object_id = ?1",
            params![id],
        )?;
        m.conn()
            .execute("DELETE FROM digital_objects WHERE id = ?1", params![id])?;
        m.log(
            EntityType::DigitalObject,
            object_id,
            Operation::Delete,
            &Removed {
                id,
                record_id: &object.record_id,
                sha256: &object.sha256,
                file_name: &object.file_name,
                reason: &reason,
            },
        )?;
        Ok(())
    })?;
    store::discard(catalog, &object.sha256)?;
    Ok(())
}

#[derive(Serialize)]
struct RightsChange<'a> {
    /// The history row's id and time, so every node keeps the row once and as it is here.
    id: &'a str,
    decided_at: &'a str,
    object_id: &'a str,
    status: Option<RightsStatus>,
    access: Option<AccessLevel>,
    reason: &'a str,
}

/// Sets the object's own status and level with a reason; `None` for both returns the object
/// to the work's. A level left `None` with a status given follows that status by the access
/// table. The history is kept: each decision is a new row.
pub fn set_rights(
    m: &mut Mutation<'_>,
    object_id: Uuid,
    status: Option<RightsStatus>,
    access: Option<AccessLevel>,
    reason: &str,
) -> Result<DigitalObject, CoreError> {
    let reason = reason_of(reason)?;
    let now = m.now();
    get_conn(m.conn(), now, object_id)?;
    let row_id = m.new_id();
    m.conn().execute(
        "INSERT INTO digital_object_rights (id, object_id, status, access, reason, decided_by,
             decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row_id.to_string(),
            object_id.to_string(),
            status.map(RightsStatus::as_str),
            access.map(AccessLevel::as_str),
            reason,
            m.user(),
            now_text(now),
        ],
    )?;
    m.log(
        EntityType::DigitalObject,
        object_id,
        Operation::Update,
        &RightsChange {
            id: &row_id.to_string(),
            decided_at: &now_text(now),
            object_id: &object_id.to_string(),
            status,
            access,
            reason: &reason,
        },
    )?;
    get_conn(m.conn(), now, object_id)
}

/// The object's own rights decisions, oldest first: (status, level, reason, by, at).
pub type RightsHistoryEntry = (
    Option<RightsStatus>,
    Option<AccessLevel>,
    String,
    String,
    String,
);

/// Every decision about the object's own rights, oldest first.
pub fn rights_history(
    catalog: &Catalog,
    object_id: Uuid,
) -> Result<Vec<RightsHistoryEntry>, CoreError> {
    let mut stmt = catalog.conn().prepare_cached(
        "SELECT status, access, reason, decided_by, decided_at FROM digital_object_rights
         WHERE object_id = ?1 ORDER BY decided_at, id",
    )?;
    let rows = stmt.query_map(params![object_id.to_string()], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?
                .as_deref()
                .and_then(RightsStatus::parse),
            r.get::<_, Option<String>>(1)?
                .as_deref()
                .and_then(AccessLevel::parse),
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
