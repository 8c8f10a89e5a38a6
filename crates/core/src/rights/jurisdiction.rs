//! Jurisdictions: the terms of protection kept as data (`schemas/rights/<id>.json`), not code.
//!
//! Vietnam (`vn`, the default) and the Berne minimum (`berne`) are built in; a library adds
//! another by storing its file in the catalog ([`add`]), and chooses the one its catalog
//! uses ([`set_current`]); both settings live in `catalog_meta`. Rules are tried in file
//! order and the first whose work types and anonymity match is applied, so a file lists its
//! special cases before the general rule.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::WorkType;
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};

const VN: &str = include_str!("../../../../schemas/rights/vn.json");
const BERNE: &str = include_str!("../../../../schemas/rights/berne.json");

/// The `catalog_meta` key of the jurisdiction a catalog uses.
pub(crate) const CURRENT_KEY: &str = "rights.jurisdiction";
/// The `catalog_meta` key prefix of a library's own jurisdiction files.
pub(crate) const FILE_KEY_PREFIX: &str = "rights.jurisdiction.";

pub const DEFAULT_JURISDICTION: &str = "vn";

/// What a term is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The death of the (last surviving) author.
    Death,
    /// First publication.
    Publication,
    /// Making (fixation).
    Creation,
}

/// When a work was not published within `within_years` of its making, the term runs
/// `years` from `measure` (the making) instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternative {
    pub within_years: i32,
    pub measure: Measure,
    pub years: i32,
}

/// When the rule's own input is missing, this one stands in for it (Berne photographs: the
/// publication year is the latest possible year of making).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fallback {
    pub measure: Measure,
    pub years: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub work_types: Vec<WorkType>,
    /// `true`: only anonymous works; `false`: only works with named authors; `null`: either.
    pub anonymous: Option<bool>,
    pub measure: Measure,
    pub years: i32,
    pub unpublished_alternative: Option<Alternative>,
    pub when_missing: Option<Fallback>,
    pub citation: String,
    pub name_vi: String,
    pub name_en: String,
}

/// One jurisdiction's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jurisdiction {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub law: String,
    /// Only `end_of_year` (protection ends on 31 December; free from 1 January) is known.
    pub term_ends: String,
    pub term_ends_citation: String,
    /// An approximate death year (`ca. 1960`, `1960?`) counts as this many years later.
    pub circa_margin_years: i32,
    /// When set, a work published more than this many years ago whose author's dates are
    /// unknown is presumed in the public domain. Neither built-in file sets it: Vietnamese law
    /// and the Berne Convention have no such presumption, so such works are `UND`.
    pub presumed_public_domain_after_publication_years: Option<i32>,
    pub rules: Vec<Rule>,
}

impl Jurisdiction {
    /// Reads and checks a jurisdiction file.
    pub fn parse(json: &str) -> Result<Jurisdiction, CoreError> {
        let j: Jurisdiction = serde_json::from_str(json).map_err(|e| CoreError::InvalidInput {
            what: "jurisdiction file",
            value: json.chars().take(60).collect(),
            reason: format!("not a jurisdiction file like schemas/rights/vn.json: {e}"),
        })?;
        let bad = |reason: String| CoreError::InvalidInput {
            what: "jurisdiction file",
            value: j.id.clone(),
            reason,
        };
        let id_ok = !j.id.is_empty()
            && j.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !id_ok {
            return Err(bad(
                "the id must be lower-case letters, digits, - or _".into()
            ));
        }
        if j.term_ends != "end_of_year" {
            return Err(bad(format!(
                "term_ends {:?} is not supported; only \"end_of_year\"",
                j.term_ends
            )));
        }
        if j.rules.is_empty() {
            return Err(bad("it has no rules".into()));
        }
        for rule in &j.rules {
            if rule.years <= 0 || rule.work_types.is_empty() || rule.citation.trim().is_empty() {
                return Err(bad(format!(
                    "rule {:?} needs work_types, a positive number of years and a citation",
                    rule.id
                )));
            }
        }
        Ok(j)
    }

    /// The first rule for a work of this type and anonymity.
    pub fn rule_for(&self, work_type: WorkType, anonymous: bool) -> Option<&Rule> {
        self.rules.iter().find(|r| {
            r.work_types.contains(&work_type) && r.anonymous.is_none_or(|a| a == anonymous)
        })
    }
}

/// The built-in jurisdictions.
pub fn built_in() -> Vec<Jurisdiction> {
    [VN, BERNE]
        .into_iter()
        .filter_map(|text| Jurisdiction::parse(text).ok())
        .collect()
}

fn stored(conn: &Connection, id: &str) -> Result<Option<Jurisdiction>, CoreError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM catalog_meta WHERE key = ?1")?
        .query_row(params![format!("{FILE_KEY_PREFIX}{id}")], |r| r.get(0))
        .optional()?;
    text.map(|t| Jurisdiction::parse(&t)).transpose()
}

/// A jurisdiction by id: the library's own file first, then the built-in one.
pub(crate) fn load(conn: &Connection, id: &str) -> Result<Jurisdiction, CoreError> {
    if let Some(j) = stored(conn, id)? {
        return Ok(j);
    }
    built_in()
        .into_iter()
        .find(|j| j.id == id)
        .ok_or_else(|| CoreError::NotFound {
            entity: "jurisdiction",
            key: "id",
            value: id.to_string(),
        })
}

pub(crate) fn current_id(conn: &Connection) -> Result<String, CoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM catalog_meta WHERE key = ?1")?
        .query_row(params![CURRENT_KEY], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| DEFAULT_JURISDICTION.to_string()))
}

/// The jurisdiction this catalog applies (`vn` unless set otherwise).
pub fn current(catalog: &Catalog) -> Result<Jurisdiction, CoreError> {
    let conn = catalog.conn();
    load(conn, &current_id(conn)?)
}

/// Every jurisdiction the catalog knows: built in, and the library's own.
pub fn list(catalog: &Catalog) -> Result<Vec<Jurisdiction>, CoreError> {
    let mut all = built_in();
    let mut stmt = catalog.conn().prepare(
        "SELECT value FROM catalog_meta WHERE key LIKE 'rights.jurisdiction.%' ORDER BY key",
    )?;
    for text in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let j = Jurisdiction::parse(&text?)?;
        all.retain(|b| b.id != j.id);
        all.push(j);
    }
    Ok(all)
}

fn entity(key: &str) -> Uuid {
    crate::circulation::policy::policy_entity(key)
}

/// Stores a library's jurisdiction file (replacing one with the same id) and returns it.
pub fn add(m: &mut Mutation<'_>, json: &str) -> Result<Jurisdiction, CoreError> {
    let j = Jurisdiction::parse(json)?;
    let text = serde_json::to_string(&j)?;
    let key = format!("{FILE_KEY_PREFIX}{}", j.id);
    m.conn().execute(
        "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
        params![key, text],
    )?;
    m.log(EntityType::Policy, entity(&key), Operation::Update, &j)?;
    Ok(j)
}

/// Chooses the jurisdiction the catalog applies from now on.
pub fn set_current(m: &mut Mutation<'_>, id: &str) -> Result<(), CoreError> {
    let id = id.trim();
    load(m.conn(), id)?;
    m.conn().execute(
        "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
        params![CURRENT_KEY, id],
    )?;
    m.log(
        EntityType::Policy,
        entity(CURRENT_KEY),
        Operation::Update,
        &serde_json::json!({ "rights_jurisdiction": id }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_files_parse() {
        let ids: Vec<String> = built_in().into_iter().map(|j| j.id).collect();
        assert_eq!(ids, ["vn", "berne"]);
    }

    #[test]
    fn a_bad_file_is_refused_with_the_reason() {
        let err = Jurisdiction::parse(&VN.replace("end_of_year", "death_day")).expect_err("bad");
        assert!(err.to_string().contains("end_of_year"), "{err}");
        assert!(Jurisdiction::parse("{}").is_err());
    }
}
