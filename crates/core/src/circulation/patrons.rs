//! Patrons: the library's readers, each with a card barcode, a category and a card expiry.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Mutation;
use crate::text;

pub(crate) const MIGRATION_PATRONS: &str = "
CREATE TABLE patrons (
    id              TEXT PRIMARY KEY,
    barcode         TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    home_branch_id  TEXT REFERENCES branches (id),
    expires_on      TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX patrons_name ON patrons (name);
";

/// The patron categories the policy matrix is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatronCategory {
    Adult,
    Child,
    Student,
    Staff,
    /// Readers with a visual impairment, who borrow audiobooks and large print.
    VisuallyImpaired,
}

impl PatronCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            PatronCategory::Adult => "adult",
            PatronCategory::Child => "child",
            PatronCategory::Student => "student",
            PatronCategory::Staff => "staff",
            PatronCategory::VisuallyImpaired => "visually_impaired",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NewPatron {
    pub barcode: String,
    pub name: String,
    pub category: PatronCategory,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub home_branch_id: Option<Uuid>,
    pub expires_on: Date,
}

/// Registers a patron. Refuses an empty name or a card barcode already in use.
pub fn register(m: &mut Mutation<'_>, patron: &NewPatron) -> Result<Uuid, CoreError> {
    let name = text::nfc(patron.name.trim());
    if name.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "patron name",
            value: patron.name.clone(),
            reason: "a patron needs a name".into(),
        });
    }
    let barcode = patron.barcode.trim().to_string();
    let taken: Option<String> = m
        .conn()
        .prepare_cached("SELECT id FROM patrons WHERE barcode = ?1")?
        .query_row(params![barcode], |r| r.get(0))
        .optional()?;
    if taken.is_some() {
        return Err(CoreError::BarcodeInUse {
            entity: "patron",
            barcode,
        });
    }
    let id = m.new_id();
    let now = text::rfc3339(m.now());
    let saved = NewPatron {
        barcode,
        name,
        ..patron.clone()
    };
    m.conn()
        .prepare_cached(
            "INSERT INTO patrons (id, barcode, name, category, email, phone, home_branch_id, expires_on, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            id.to_string(),
            saved.barcode,
            saved.name,
            saved.category.as_str(),
            saved.email,
            saved.phone,
            saved.home_branch_id.map(|b| b.to_string()),
            saved.expires_on.to_string(),
            now,
        ])?;
    m.log(EntityType::Patron, id, Operation::Create, &saved)?;
    Ok(id)
}
