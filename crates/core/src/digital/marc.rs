//! The digital objects in MARC: one 856 4_ (electronic location and access) per object in
//! exported records, so another system learns what the library holds digitally and who may
//! open it. $u the address (`digital.base_url` + `/objects/<sha256>` when the library set one,
//! else `urn:sha256:<hex>`), $q the media type, $y the label or file name, $z the access
//! level in words, $s the size, $x marks the field as written here.
//!
//! 856s an earlier export wrote are replaced; a cataloger's own 856 links (to a publisher's
//! site, an open-access copy elsewhere) stay. This module never reads content.

use rusqlite::{Connection, OptionalExtension, params};
use shelfmark_marc::{Field, Leader, Record};
use time::OffsetDateTime;

use super::objects::list_conn;
use crate::api::{AccessLevel, DigitalObject};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Mutation;

/// 856 $x: marks the fields this program wrote.
pub const MARK: &str = "Shelfmark digital object";
/// The `catalog_meta` key of the address objects are served at.
pub const BASE_URL_KEY: &str = "digital.base_url";

fn ours(field: &Field) -> bool {
    field.tag().as_str() == "856"
        && (field.subfield('x') == Some(MARK)
            || field.subfields('u').any(|u| u.starts_with("urn:sha256:")))
}

/// The address the library serves objects at, if it set one.
pub(crate) fn base_url(conn: &Connection) -> Result<Option<String>, CoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM catalog_meta WHERE key = ?1")?
        .query_row(params![BASE_URL_KEY], |r| r.get::<_, String>(0))
        .optional()?
        .map(|v| v.trim().trim_end_matches('/').to_string())
        .filter(|v| !v.is_empty()))
}

/// Sets (or with `None` clears) the address objects are served at, e.g.
/// `https://thuvien.hanoi.gov.vn/so`; exports then link each object there.
pub fn set_base_url(m: &mut Mutation<'_>, url: Option<&str>) -> Result<(), CoreError> {
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    if let Some(u) = url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return Err(CoreError::InvalidInput {
            what: "address",
            value: u.to_string(),
            reason: "an address starting with https:// (or http://)".into(),
        });
    }
    match url {
        Some(u) => m.conn().execute(
            "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![BASE_URL_KEY, u],
        )?,
        None => m.conn().execute(
            "DELETE FROM catalog_meta WHERE key = ?1",
            params![BASE_URL_KEY],
        )?,
    };
    m.log(
        EntityType::Policy,
        crate::circulation::policy::policy_entity(BASE_URL_KEY),
        Operation::Update,
        &serde_json::json!({ "digital_base_url": url }),
    )?;
    Ok(())
}

fn access_words(access: AccessLevel) -> &'static str {
    match access {
        AccessLevel::Open => "Open access",
        AccessLevel::Registered => "Registered readers only",
        AccessLevel::Premises => "On the library's premises only",
        AccessLevel::Staff => "Library staff only",
        AccessLevel::Dark => "Preservation copy; no access",
    }
}

/// The 856 of one object.
pub fn field(object: &DigitalObject, base_url: Option<&str>) -> Result<Field, CoreError> {
    let url = match base_url {
        Some(base) => format!("{base}/objects/{}", object.sha256),
        None => format!("urn:sha256:{}", object.sha256),
    };
    let size = object.size_bytes.to_string();
    let name = object
        .label
        .clone()
        .unwrap_or_else(|| object.file_name.clone());
    let subfields = [
        ('q', object.media_type.as_str()),
        ('s', size.as_str()),
        ('u', url.as_str()),
        ('x', MARK),
        ('y', name.as_str()),
        ('z', access_words(object.access)),
    ];
    let built = Record::new(Leader::new('n', 'a', 'm')).data("856", ['4', ' '], &subfields)?;
    built
        .fields
        .into_iter()
        .next()
        .ok_or_else(|| CoreError::InvalidInput {
            what: "digital object",
            value: object.id.clone(),
            reason: "no 856 could be made for it".into(),
        })
}

/// Puts one 856 per object into `record` (after its own 856s), in place of any an earlier
/// export wrote.
pub fn annotate(
    record: &mut Record,
    objects: &[DigitalObject],
    base_url: Option<&str>,
) -> Result<(), CoreError> {
    record.fields.retain(|f| !ours(f));
    let at = record
        .fields
        .iter()
        .position(|f| f.tag().as_str() > "856")
        .unwrap_or(record.fields.len());
    let made = objects
        .iter()
        .map(|o| field(o, base_url))
        .collect::<Result<Vec<_>, _>>()?;
    record.fields.splice(at..at, made);
    Ok(())
}

/// The record's objects, for an export (empty when it has none).
pub(crate) fn objects_of(
    conn: &Connection,
    now: OffsetDateTime,
    record_id: &str,
) -> Result<Vec<DigitalObject>, CoreError> {
    list_conn(conn, now, record_id)
}

/// Whether any record has a digital object (an export without any skips the lookups).
pub(crate) fn any(conn: &Connection) -> Result<bool, CoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM digital_objects)",
        params![],
        |r| r.get(0),
    )?)
}
