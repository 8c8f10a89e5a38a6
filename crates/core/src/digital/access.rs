//! Opening a digital object for a reader: the decision (the rights rules' `decide`, with the
//! object's own level and its own accessible-format flag), and only when it allows, the path
//! of the bytes, the text, and where the reader stopped in a recording.
//!
//! Every face serves content through [`content_path`] and [`text_part`], which refuse with
//! `CoreError::AccessDenied` (carrying the decision) rather than hand out anything. This
//! module never changes rights; it only applies them.

use std::path::PathBuf;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::objects::{self, get};
use super::{store, text};
use crate::api::{
    AccessDecision, DigitalObject, OpenedObject, ReaderContext, ReaderRequest, ReaderRole, TextPart,
};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::rights::access::{decide, reader_for_patron};
use crate::store::Catalog;

/// The reader's context from a request: staff are staff (and registered); a patron's card
/// says what they are (an unknown card is `NotFound`); someone not signed in is nobody in
/// particular, on the premises or not.
pub fn reader_context(
    catalog: &Catalog,
    reader: &ReaderRequest,
) -> Result<ReaderContext, CoreError> {
    match reader.role {
        ReaderRole::Staff => Ok(ReaderContext {
            registered: true,
            on_premises: reader.on_premises,
            staff: true,
            print_disabled: false,
        }),
        ReaderRole::Patron => {
            let card = reader
                .card
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or_else(|| CoreError::InvalidInput {
                    what: "reader",
                    value: "patron".into(),
                    reason: "a patron is given with their library card number".into(),
                })?;
            reader_for_patron(catalog, card, reader.on_premises)
        }
        ReaderRole::Anonymous => Ok(ReaderContext {
            registered: false,
            on_premises: reader.on_premises,
            staff: false,
            print_disabled: false,
        }),
    }
}

/// Whether this reader may open the object. The object's own accessible-format flag decides
/// the print-disability exception (not the record's description: the record of a printed
/// book can have an audiobook made for readers who cannot read print).
pub fn decision_for(
    object: &DigitalObject,
    reader: ReaderContext,
) -> Result<AccessDecision, CoreError> {
    let accessible = object.accessible_format;
    decide(object.access, reader, || Ok(accessible))
}

/// [`decision_for`] the reader of a request.
pub fn may_open_object(
    catalog: &Catalog,
    object: &DigitalObject,
    reader: &ReaderRequest,
) -> Result<AccessDecision, CoreError> {
    decision_for(object, reader_context(catalog, reader)?)
}

fn denied(object: &DigitalObject, decision: AccessDecision) -> CoreError {
    CoreError::AccessDenied {
        what: format!(
            "the digital object {:?} ({})",
            object.label.as_deref().unwrap_or(&object.file_name),
            object.id
        ),
        decision: Box::new(decision),
    }
}

/// The object and the decision, or `AccessDenied`.
fn allowed(
    catalog: &Catalog,
    object_id: Uuid,
    reader: &ReaderRequest,
) -> Result<(DigitalObject, AccessDecision), CoreError> {
    let object = get(catalog, object_id)?;
    let decision = may_open_object(catalog, &object, reader)?;
    if decision.allowed {
        Ok((object, decision))
    } else {
        Err(denied(&object, decision))
    }
}

/// Who a saved position belongs to: the card, or `staff:<user>`; nobody when not signed in.
fn reader_key(user: &str, reader: &ReaderRequest) -> Option<String> {
    match reader.role {
        ReaderRole::Staff => Some(format!("staff:{}", user.trim())),
        ReaderRole::Patron => reader
            .card
            .as_deref()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        ReaderRole::Anonymous => None,
    }
}

/// Opens the object for a reader: the decision always; when allowed, the text parts and the
/// reader's saved position (`user` names the staff member for a staff request). A refusal is
/// an answer here, not an error: the viewer shows why. `content_url` is left to the face.
pub fn open(
    catalog: &Catalog,
    user: &str,
    object_id: Uuid,
    reader: &ReaderRequest,
) -> Result<OpenedObject, CoreError> {
    let object = get(catalog, object_id)?;
    let decision = may_open_object(catalog, &object, reader)?;
    if !decision.allowed {
        return Ok(OpenedObject {
            object,
            decision,
            content_url: None,
            text_parts: Vec::new(),
            resume_ms: None,
            resume_rate: None,
        });
    }
    let text_parts = text::parts(catalog.conn(), &object.id)?;
    let saved: Option<(i64, f64)> = match reader_key(user, reader) {
        Some(key) => catalog
            .conn()
            .prepare_cached(
                "SELECT position_ms, rate FROM playback_positions
                 WHERE object_id = ?1 AND reader = ?2",
            )?
            .query_row(params![object.id, key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
        None => None,
    };
    Ok(OpenedObject {
        object,
        decision,
        content_url: None,
        text_parts,
        resume_ms: saved.map(|(p, _)| p.max(0) as u64),
        resume_rate: saved.map(|(_, r)| r as f32),
    })
}

/// Where the object's bytes are, for a reader allowed to open it; `AccessDenied` otherwise.
/// A face calls this before serving any byte.
pub fn content_path(
    catalog: &Catalog,
    object_id: Uuid,
    reader: &ReaderRequest,
) -> Result<PathBuf, CoreError> {
    content(catalog, object_id, reader).map(|(path, _)| path)
}

/// [`content_path`] with the object it is the content of (its media type), read once: the
/// player asks for a range of bytes many times a minute.
pub fn content(
    catalog: &Catalog,
    object_id: Uuid,
    reader: &ReaderRequest,
) -> Result<(PathBuf, DigitalObject), CoreError> {
    let (object, _) = allowed(catalog, object_id, reader)?;
    let path = store::content_file(catalog.path(), &object.sha256)
        .ok_or_else(|| objects::not_found(object_id))?;
    if !path.is_file() {
        return Err(CoreError::ContentStore {
            path,
            detail: "the object's file is missing from the store (run `shelfmark digital verify`)"
                .into(),
        });
    }
    Ok((path, object))
}

/// One part's text, for a reader allowed to open the object; `AccessDenied` otherwise, and
/// `NotFound` for a part without text.
pub fn text_part(
    catalog: &Catalog,
    object_id: Uuid,
    part: u32,
    reader: &ReaderRequest,
) -> Result<TextPart, CoreError> {
    let (object, _) = allowed(catalog, object_id, reader)?;
    text::part(catalog.conn(), &object.id, part)?.ok_or_else(|| CoreError::NotFound {
        entity: "text part",
        key: "number",
        value: format!("{part} of {}", object.id),
    })
}

#[derive(Serialize)]
struct Position<'a> {
    object_id: &'a str,
    reader: &'a str,
    position_ms: u64,
    rate: f32,
}

/// Keeps where the reader stopped in a recording and at what speed (clamped to the
/// recording's length), for a reader allowed to open it. Someone not signed in has nowhere
/// to keep it: nothing is stored for them.
pub fn save_position(
    catalog: &mut Catalog,
    user: &str,
    object_id: Uuid,
    reader: &ReaderRequest,
    position_ms: u64,
    rate: f32,
) -> Result<(), CoreError> {
    if !rate.is_finite() || !(0.25..=4.0).contains(&rate) {
        return Err(CoreError::InvalidInput {
            what: "playback speed",
            value: rate.to_string(),
            reason: "a speed from 0.25 to 4 (1 is normal)".into(),
        });
    }
    let (object, _) = allowed(catalog, object_id, reader)?;
    let Some(key) = reader_key(user, reader) else {
        return Ok(());
    };
    let position_ms = object
        .duration_ms
        .map_or(position_ms, |d| position_ms.min(d));
    catalog.write(user, |m| {
        let saved_at = m
            .now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        m.conn().execute(
            "INSERT INTO playback_positions (object_id, reader, position_ms, rate, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (object_id, reader) DO UPDATE
                SET position_ms = ?3, rate = ?4, saved_at = ?5",
            params![
                object.id,
                key,
                i64::try_from(position_ms).unwrap_or(i64::MAX),
                f64::from(rate),
                saved_at
            ],
        )?;
        m.log(
            EntityType::PlaybackPosition,
            crate::circulation::policy::policy_entity(&format!("{}|{key}", object.id)),
            Operation::Update,
            &Position {
                object_id: &object.id,
                reader: &key,
                position_ms,
                rate,
            },
        )?;
        Ok(())
    })
}
