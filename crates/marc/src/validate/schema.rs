//! The MARC 21 definitions from `schemas/marc21/*.json`, parsed once into lookup tables.
//!
//! The JSON is compiled into the crate (`include_str!`) so validation never touches a file,
//! and parsed on first use into a [`Schema`] held in a `OnceLock`. Lookups are allocation-free:
//! tags index a 1000-slot table, indicator values and subfield codes are bits in a `u128`
//! (one bit per ASCII character), and code lists are hash sets queried with `&str`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use super::definitions::{
    FixedFieldDefinitions, MaterialDefinition, MaterialRuleDefinition, PositionDefinition,
};

const BIBLIOGRAPHIC: &str = include_str!("../../../../schemas/marc21/bibliographic.json");
const HOLDINGS: &str = include_str!("../../../../schemas/marc21/holdings.json");
const AUTHORITY: &str = include_str!("../../../../schemas/marc21/authority.json");
const LEADER: &str = include_str!("../../../../schemas/marc21/leader.json");
const FIXED_008: &str = include_str!("../../../../schemas/marc21/008.json");
const CODES: &str = include_str!("../../../../schemas/marc21/codes.json");
const ARTICLES: &str = include_str!("../../../../schemas/marc21/articles.json");

/// A set of ASCII characters as bits; anything outside ASCII is never a member.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CharSet(u128);

impl CharSet {
    fn from_chars(chars: impl IntoIterator<Item = char>) -> Self {
        let mut bits = 0u128;
        for c in chars {
            if c.is_ascii() {
                bits |= 1u128 << (c as u32);
            }
        }
        CharSet(bits)
    }

    pub(crate) fn insert(&mut self, c: char) {
        if c.is_ascii() {
            self.0 |= 1u128 << (c as u32);
        }
    }

    pub(crate) fn contains(self, c: char) -> bool {
        c.is_ascii() && self.0 & (1u128 << (c as u32)) != 0
    }
}

#[derive(Debug)]
pub(crate) struct IndicatorDef {
    pub allowed: CharSet,
    /// The allowed values as written in the data (`" 01"`), for messages.
    pub values: String,
    pub name: String,
}

#[derive(Debug)]
pub(crate) struct TagDef {
    pub name: String,
    pub repeatable: bool,
    /// `None` where the definition does not constrain the indicator (880, embedded holdings).
    pub indicators: [Option<IndicatorDef>; 2],
    /// `None` where the table names the tag but does not define its subfields.
    pub subfields: Option<SubfieldDefs>,
}

#[derive(Debug)]
pub(crate) struct SubfieldDefs {
    pub defined: CharSet,
    pub repeatable: CharSet,
}

/// One MARC 21 format's tags, indexed by the numeric tag.
#[derive(Debug)]
pub(crate) struct TagTable {
    pub format: &'static str,
    tags: Vec<Option<TagDef>>,
}

impl TagTable {
    pub(crate) fn get(&self, tag: &str) -> Option<&TagDef> {
        self.tags.get(numeric_tag(tag)?)?.as_ref()
    }
}

pub(crate) fn numeric_tag(tag: &str) -> Option<usize> {
    let b = tag.as_bytes();
    if b.len() == 3 && b.iter().all(u8::is_ascii_digit) {
        Some(b.iter().fold(0usize, |n, d| n * 10 + usize::from(d - b'0')))
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Codes,
    Date,
    DateEntered,
    Country,
    Language,
    LanguageOrBlank,
    RunningTime,
    Any,
}

#[derive(Debug)]
pub(crate) struct PositionDef {
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub kind: Kind,
    /// Each character of the range is a code of its own (008/18-21 illustrations).
    pub each: bool,
    pub single: CharSet,
    /// Codes longer than one character (008/18-19 form of composition).
    pub multi: HashSet<String>,
    pub warning: bool,
}

#[derive(Debug)]
pub(crate) struct FixedField {
    pub length: usize,
    pub positions: Vec<PositionDef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Bibliographic,
    Holdings,
    Authority,
}

impl Format {
    /// LoC: Leader/06 `u`, `v`, `x`, `y` are holdings, `z` authority, the rest bibliographic.
    pub(crate) fn of_leader06(c: char) -> Self {
        match c {
            'u' | 'v' | 'x' | 'y' => Format::Holdings,
            'z' => Format::Authority,
            _ => Format::Bibliographic,
        }
    }
}

pub(crate) struct MaterialRule {
    leader06: CharSet,
    leader07: Option<CharSet>,
    pub material: String,
}

pub(crate) struct Schema {
    pub bibliographic: TagTable,
    pub holdings: TagTable,
    pub authority: TagTable,
    pub leader_bibliographic: Vec<PositionDef>,
    pub leader_holdings: Vec<PositionDef>,
    pub leader_authority: Vec<PositionDef>,
    pub materials: HashMap<String, (String, FixedField)>,
    pub material_rules: Vec<MaterialRule>,
    pub holdings_008: FixedField,
    pub authority_008: FixedField,
    pub languages: HashSet<String>,
    pub obsolete_languages: HashSet<String>,
    pub countries: HashSet<String>,
    pub obsolete_countries: HashSet<String>,
    pub geographic_areas: HashSet<String>,
    pub obsolete_geographic_areas: HashSet<String>,
    pub articles: HashMap<String, HashSet<String>>,
    pub article_exceptions: Vec<String>,
    pub ambiguous_articles: HashMap<String, Vec<u8>>,
    pub article_languages: HashSet<String>,
    /// The bibliographic leader and 008 as plain data, for an editor.
    pub definitions: FixedFieldDefinitions,
}

impl Schema {
    pub(crate) fn tags(&self, format: Format) -> &TagTable {
        match format {
            Format::Bibliographic => &self.bibliographic,
            Format::Holdings => &self.holdings,
            Format::Authority => &self.authority,
        }
    }

    pub(crate) fn leader(&self, format: Format) -> &[PositionDef] {
        match format {
            Format::Bibliographic => &self.leader_bibliographic,
            Format::Holdings => &self.leader_holdings,
            Format::Authority => &self.leader_authority,
        }
    }

    /// The 008 definition for a record: by format, and for bibliographic records by the
    /// material type LoC derives from Leader/06-07. Returns the material's name too.
    pub(crate) fn fixed_008(&self, leader06: char, leader07: char) -> Option<(&str, &FixedField)> {
        match Format::of_leader06(leader06) {
            Format::Holdings => Some(("holdings", &self.holdings_008)),
            Format::Authority => Some(("authority", &self.authority_008)),
            Format::Bibliographic => {
                let rule = self.material_rules.iter().find(|r| {
                    r.leader06.contains(leader06)
                        && r.leader07.is_none_or(|set| set.contains(leader07))
                })?;
                let (name, field) = self.materials.get(&rule.material)?;
                Some((name.as_str(), field))
            }
        }
    }
}

/// The parsed definitions. The JSON is part of the crate and checked by tests, so a parse
/// failure is a build defect; it still must not panic a caller, hence the `Option`.
pub(crate) fn schema() -> Option<&'static Schema> {
    static SCHEMA: OnceLock<Option<Schema>> = OnceLock::new();
    SCHEMA.get_or_init(|| load().ok()).as_ref()
}

// ---- JSON shapes --------------------------------------------------------------------------

#[derive(Deserialize)]
struct TagsJson {
    tags: HashMap<String, TagJson>,
}

#[derive(Deserialize)]
struct TagJson {
    name: String,
    repeatable: bool,
    ind1: Option<IndJson>,
    ind2: Option<IndJson>,
    subfields: Option<HashMap<String, SubfieldJson>>,
}

#[derive(Deserialize)]
struct IndJson {
    values: String,
    name: String,
}

#[derive(Deserialize)]
struct SubfieldJson {
    repeatable: bool,
}

#[derive(Deserialize, Clone)]
struct PositionJson {
    start: usize,
    end: usize,
    name: String,
    kind: String,
    #[serde(default)]
    each: bool,
    #[serde(default)]
    codes: Vec<String>,
    severity: Option<String>,
    #[serde(default)]
    meanings: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct LeaderJson {
    bibliographic: Vec<PositionJson>,
    holdings: Vec<PositionJson>,
    authority: Vec<PositionJson>,
}

#[derive(Deserialize)]
struct FixedJson {
    length: usize,
    positions: Vec<PositionJson>,
}

#[derive(Deserialize)]
struct MaterialJson {
    name: String,
    positions: Vec<PositionJson>,
}

#[derive(Deserialize)]
struct MaterialRuleJson {
    leader06: String,
    leader07: Option<String>,
    #[serde(rename = "type")]
    material: String,
}

#[derive(Deserialize)]
struct F008Json {
    length: usize,
    material_types: HashMap<String, MaterialJson>,
    material_type_by_leader: Vec<MaterialRuleJson>,
    holdings: FixedJson,
    authority: FixedJson,
}

#[derive(Deserialize)]
struct CodesJson {
    languages: HashSet<String>,
    obsolete_languages: HashSet<String>,
    countries: HashSet<String>,
    obsolete_countries: HashSet<String>,
    geographic_areas: HashSet<String>,
    obsolete_geographic_areas: HashSet<String>,
}

#[derive(Deserialize)]
struct ArticlesJson {
    articles: HashMap<String, HashSet<String>>,
    exceptions: Vec<String>,
    ambiguous: HashMap<String, Vec<u8>>,
    languages_judged: HashSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SchemaError {
    #[error("schemas/marc21/{file}: {source}")]
    Json {
        file: &'static str,
        source: serde_json::Error,
    },
    #[error("schemas/marc21/{file}: {reason}")]
    Invalid { file: &'static str, reason: String },
}

fn parse<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<T, SchemaError> {
    serde_json::from_str(text).map_err(|source| SchemaError::Json { file, source })
}

fn tag_table(
    file: &'static str,
    format: &'static str,
    text: &str,
) -> Result<TagTable, SchemaError> {
    let json: TagsJson = parse(file, text)?;
    let mut tags: Vec<Option<TagDef>> = (0..1000).map(|_| None).collect();
    for (tag, def) in json.tags {
        let index = numeric_tag(&tag).ok_or_else(|| SchemaError::Invalid {
            file,
            reason: format!("tag {tag:?} is not three digits"),
        })?;
        let indicator = |ind: Option<IndJson>| {
            ind.map(|i| IndicatorDef {
                allowed: CharSet::from_chars(i.values.chars()),
                values: i.values,
                name: i.name,
            })
        };
        let subfields = def.subfields.map(|subs| {
            let code = |k: &String| k.chars().next().unwrap_or('\0');
            SubfieldDefs {
                defined: CharSet::from_chars(subs.keys().map(code)),
                repeatable: CharSet::from_chars(
                    subs.iter()
                        .filter(|(_, s)| s.repeatable)
                        .map(|(k, _)| code(k)),
                ),
            }
        });
        tags[index] = Some(TagDef {
            name: def.name,
            repeatable: def.repeatable,
            indicators: [indicator(def.ind1), indicator(def.ind2)],
            subfields,
        });
    }
    Ok(TagTable { format, tags })
}

fn positions(file: &'static str, json: Vec<PositionJson>) -> Result<Vec<PositionDef>, SchemaError> {
    json.into_iter()
        .map(|p| {
            let kind = match p.kind.as_str() {
                "codes" => Kind::Codes,
                "date" => Kind::Date,
                "date_entered" => Kind::DateEntered,
                "country" => Kind::Country,
                "language" => Kind::Language,
                "language_or_blank" => Kind::LanguageOrBlank,
                "running_time" => Kind::RunningTime,
                "any" => Kind::Any,
                other => {
                    return Err(SchemaError::Invalid {
                        file,
                        reason: format!("unknown position kind {other:?} at {}", p.start),
                    });
                }
            };
            if p.end < p.start {
                return Err(SchemaError::Invalid {
                    file,
                    reason: format!("position {}-{} ends before it starts", p.start, p.end),
                });
            }
            let (single, multi): (Vec<String>, Vec<String>) =
                p.codes.into_iter().partition(|c| c.chars().count() == 1);
            Ok(PositionDef {
                start: p.start,
                end: p.end,
                name: p.name,
                kind,
                each: p.each,
                single: CharSet::from_chars(single.iter().filter_map(|c| c.chars().next())),
                multi: multi.into_iter().collect(),
                warning: p.severity.as_deref() == Some("warning"),
            })
        })
        .collect()
}

fn definition(p: &PositionJson) -> PositionDefinition {
    PositionDefinition {
        start: p.start,
        end: p.end,
        name: p.name.clone(),
        kind: p.kind.clone(),
        each: p.each,
        codes: p.codes.clone(),
        meanings: p.meanings.clone(),
    }
}

fn definitions(leader: &LeaderJson, f008: &F008Json) -> FixedFieldDefinitions {
    let sorted = |positions: &[PositionJson]| {
        let mut out: Vec<PositionDefinition> = positions.iter().map(definition).collect();
        out.sort_by_key(|p| p.start);
        out
    };
    let mut materials: Vec<MaterialDefinition> = f008
        .material_types
        .iter()
        .map(|(key, m)| MaterialDefinition {
            key: key.clone(),
            name: m.name.clone(),
            positions: sorted(&m.positions),
        })
        .collect();
    materials.sort_by(|a, b| a.key.cmp(&b.key));
    FixedFieldDefinitions {
        leader: sorted(&leader.bibliographic),
        materials,
        material_rules: f008
            .material_type_by_leader
            .iter()
            .map(|r| MaterialRuleDefinition {
                leader06: r.leader06.clone(),
                leader07: r.leader07.clone(),
                material: r.material.clone(),
            })
            .collect(),
    }
}

fn load() -> Result<Schema, SchemaError> {
    let leader: LeaderJson = parse("leader.json", LEADER)?;
    let f008: F008Json = parse("008.json", FIXED_008)?;
    let definitions = definitions(&leader, &f008);
    let codes: CodesJson = parse("codes.json", CODES)?;
    let articles: ArticlesJson = parse("articles.json", ARTICLES)?;
    let mut materials = HashMap::new();
    for (key, material) in f008.material_types {
        let field = FixedField {
            length: f008.length,
            positions: positions("008.json", material.positions)?,
        };
        materials.insert(key, (material.name, field));
    }
    let material_rules = f008
        .material_type_by_leader
        .into_iter()
        .map(|r| MaterialRule {
            leader06: CharSet::from_chars(r.leader06.chars()),
            leader07: r.leader07.map(|s| CharSet::from_chars(s.chars())),
            material: r.material,
        })
        .collect();
    Ok(Schema {
        bibliographic: tag_table("bibliographic.json", "bibliographic", BIBLIOGRAPHIC)?,
        holdings: tag_table("holdings.json", "holdings", HOLDINGS)?,
        authority: tag_table("authority.json", "authority", AUTHORITY)?,
        leader_bibliographic: positions("leader.json", leader.bibliographic)?,
        leader_holdings: positions("leader.json", leader.holdings)?,
        leader_authority: positions("leader.json", leader.authority)?,
        materials,
        material_rules,
        holdings_008: FixedField {
            length: f008.holdings.length,
            positions: positions("008.json", f008.holdings.positions)?,
        },
        authority_008: FixedField {
            length: f008.authority.length,
            positions: positions("008.json", f008.authority.positions)?,
        },
        languages: codes.languages,
        obsolete_languages: codes.obsolete_languages,
        countries: codes.countries,
        obsolete_countries: codes.obsolete_countries,
        geographic_areas: codes.geographic_areas,
        obsolete_geographic_areas: codes.obsolete_geographic_areas,
        articles: articles.articles,
        article_exceptions: articles.exceptions,
        ambiguous_articles: articles.ambiguous,
        article_languages: articles.languages_judged,
        definitions,
    })
}

#[cfg(test)]
pub(crate) fn load_for_test() -> Result<Schema, SchemaError> {
    load()
}
