//! Items embedded in bibliographic records, read by a mapping kept as data.
//!
//! Systems export their holdings inside the bibliographic record: Koha puts one 952 field per
//! item; MARC 21 has 852 (where) with 876–878 (which piece). Which subfield means what differs
//! by system and by library, so the mapping is data (`schemas/holdings/*.json`, compiled in and
//! parsed once) and a library can hand its own file in the same shape (`--holdings-map`).
//!
//! A mapping names the fields that are items (`item_tags`), optionally a location field they
//! link to (`location_tag`, by the subfield `link_code`, as 876 $8 `1.1` links to 852 $8 `1`),
//! and for each item column an ordered list of sources: the first that gives a non-empty value
//! wins, and a source naming several subfield codes joins their values with a space (852 $h
//! and $i make one call number).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use shelfmark_marc::{Field, Record};

use crate::error::CoreError;

/// Where a value comes from: the item field itself, or the location field it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRole {
    Item,
    Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub from: FieldRole,
    pub codes: Vec<char>,
}

/// The item columns a mapping can fill.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub barcode: Vec<Source>,
    pub branch: Vec<Source>,
    #[serde(default)]
    pub holding_branch: Vec<Source>,
    #[serde(default)]
    pub location: Vec<Source>,
    #[serde(default)]
    pub call_number: Vec<Source>,
    #[serde(default)]
    pub item_type: Vec<Source>,
    /// Any value other than empty or `0` makes the item not for loan.
    #[serde(default)]
    pub not_for_loan: Vec<Source>,
    #[serde(default)]
    pub withdrawn: Vec<Source>,
    #[serde(default)]
    pub lost: Vec<Source>,
    #[serde(default)]
    pub local_number: Vec<Source>,
}

/// One embedded-holdings mapping, as in `schemas/holdings/*.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HoldingsMap {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub item_tags: Vec<String>,
    #[serde(default)]
    pub location_tag: Option<String>,
    #[serde(default)]
    pub link_code: Option<char>,
    pub columns: Columns,
}

const KOHA_952: &str = include_str!("../../../../schemas/holdings/koha-952.json");
const MARC_852: &str = include_str!("../../../../schemas/holdings/marc-852.json");

impl HoldingsMap {
    /// Parses a mapping from its JSON text; `origin` names it in the error.
    pub fn from_json(origin: &str, json: &str) -> Result<HoldingsMap, CoreError> {
        let map: HoldingsMap = serde_json::from_str(json).map_err(|e| CoreError::InvalidInput {
            what: "holdings mapping",
            value: origin.to_string(),
            reason: format!("{e}; it must have the shape of schemas/holdings/koha-952.json"),
        })?;
        if map.item_tags.is_empty()
            || map.columns.barcode.is_empty()
            || map.columns.branch.is_empty()
        {
            return Err(CoreError::InvalidInput {
                what: "holdings mapping",
                value: origin.to_string(),
                reason:
                    "it must name at least one item tag and where the barcode and branch come from"
                        .into(),
            });
        }
        Ok(map)
    }

    /// The mappings Shelfmark knows without being told: Koha 952 and MARC 21 852/876–878.
    /// Parsed once per process.
    pub fn built_in() -> &'static [HoldingsMap] {
        static MAPS: OnceLock<Vec<HoldingsMap>> = OnceLock::new();
        MAPS.get_or_init(|| {
            [("koha-952.json", KOHA_952), ("marc-852.json", MARC_852)]
                .iter()
                // The files are compiled in and checked by a test, so none is ever skipped.
                .filter_map(|(name, json)| HoldingsMap::from_json(name, json).ok())
                .collect()
        })
    }

    /// The items this mapping finds in `record`, in field order.
    pub fn items(&self, record: &Record) -> Vec<EmbeddedItem> {
        let is_item = |f: &Field| self.item_tags.iter().any(|t| t == f.tag().as_str());
        let locations: Vec<&Field> = match &self.location_tag {
            Some(tag) => record.fields_with_tag(tag).collect(),
            None => Vec::new(),
        };
        let item_fields: Vec<&Field> = record.fields.iter().filter(|f| is_item(f)).collect();
        if item_fields.is_empty() {
            // 852s with no 876–878: each 852 that names a piece is an item by itself.
            return locations
                .iter()
                .map(|loc| self.item_from(loc, Some(loc)))
                .filter(|i| !i.barcode.is_empty() || !i.branch.is_empty())
                .collect();
        }
        item_fields
            .iter()
            .map(|field| {
                let location = self.location_of(field, &locations);
                self.item_from(field, location)
            })
            .collect()
    }

    fn location_of<'r>(&self, item: &Field, locations: &[&'r Field]) -> Option<&'r Field> {
        let link = self
            .link_code
            .and_then(|code| item.subfield(code))
            .and_then(|l| l.split('.').next())
            .map(str::trim)
            .filter(|l| !l.is_empty());
        if let (Some(link), Some(code)) = (link, self.link_code) {
            let linked = locations.iter().find(|loc| {
                loc.subfields(code)
                    .any(|v| v.split('.').next().map(str::trim) == Some(link))
            });
            if let Some(loc) = linked {
                return Some(loc);
            }
        }
        locations.first().copied()
    }

    fn item_from(&self, item: &Field, location: Option<&Field>) -> EmbeddedItem {
        let value = |sources: &[Source]| -> Option<String> {
            sources.iter().find_map(|s| {
                let field = match s.from {
                    FieldRole::Item => Some(item),
                    FieldRole::Location => location,
                }?;
                let parts: Vec<&str> = match field {
                    Field::Data { subfields, .. } => subfields
                        .iter()
                        .filter(|sf| s.codes.contains(&sf.code.as_char()))
                        .map(|sf| sf.value.trim())
                        .filter(|v| !v.is_empty())
                        .collect(),
                    Field::Control { .. } => Vec::new(),
                };
                (!parts.is_empty()).then(|| parts.join(" "))
            })
        };
        let flag = |sources: &[Source]| value(sources).is_some_and(|v| v != "0");
        let c = &self.columns;
        let status = if flag(&c.lost) {
            Some("lost")
        } else if flag(&c.withdrawn) {
            Some("withdrawn")
        } else if flag(&c.not_for_loan) {
            Some("not_for_loan")
        } else {
            None
        };
        EmbeddedItem {
            tag: item.tag().as_str().to_string(),
            barcode: value(&c.barcode).unwrap_or_default(),
            branch: value(&c.branch).unwrap_or_default(),
            holding_branch: value(&c.holding_branch),
            location: value(&c.location),
            call_number: value(&c.call_number),
            item_type: value(&c.item_type),
            status: status.map(str::to_string),
            local_number: value(&c.local_number),
        }
    }
}

/// One item as a mapping read it from a record, before it is checked and stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EmbeddedItem {
    /// The field it came from (`952`, `876`, `852`), for the import report.
    pub tag: String,
    pub barcode: String,
    /// The branch code that owns it.
    pub branch: String,
    pub holding_branch: Option<String>,
    pub location: Option<String>,
    pub call_number: Option<String>,
    pub item_type: Option<String>,
    pub status: Option<String>,
    pub local_number: Option<String>,
}

/// The items every mapping in `maps` finds in `record`.
pub fn items_in(maps: &[HoldingsMap], record: &Record) -> Vec<EmbeddedItem> {
    maps.iter().flat_map(|m| m.items(record)).collect()
}

/// The field `map` would write for an item: the inverse of [`HoldingsMap::items`] for
/// item-field mappings (952), used to build files that carry holdings (exports, benchmarks).
/// Each column is written to the first item-field subfield its sources name.
pub fn item_field(map: &HoldingsMap, item: &EmbeddedItem) -> Result<Field, CoreError> {
    let first_code = |sources: &[Source]| {
        sources
            .iter()
            .find(|s| s.from == FieldRole::Item)
            .and_then(|s| s.codes.first().copied())
    };
    let c = &map.columns;
    let mut by_code: BTreeMap<usize, (char, String)> = BTreeMap::new();
    let mut put = |order: usize, sources: &[Source], value: Option<&str>| {
        if let (Some(code), Some(v)) = (first_code(sources), value.filter(|v| !v.is_empty())) {
            by_code.entry(order).or_insert((code, v.to_string()));
        }
    };
    put(0, &c.branch, Some(&item.branch));
    put(1, &c.holding_branch, item.holding_branch.as_deref());
    put(2, &c.location, item.location.as_deref());
    put(3, &c.call_number, item.call_number.as_deref());
    put(4, &c.barcode, Some(&item.barcode));
    put(5, &c.item_type, item.item_type.as_deref());
    put(6, &c.local_number, item.local_number.as_deref());
    let status_source = match item.status.as_deref() {
        Some("lost") => Some(&c.lost),
        Some("withdrawn") => Some(&c.withdrawn),
        Some("not_for_loan") => Some(&c.not_for_loan),
        _ => None,
    };
    if let Some(sources) = status_source {
        put(7, sources, Some("1"));
    }
    let tag = map.item_tags.first().map(String::as_str).unwrap_or("952");
    let subfields: Vec<(char, &str)> = by_code.values().map(|(c, v)| (*c, v.as_str())).collect();
    let record = Record::new(shelfmark_marc::Leader::new('n', 'a', 'm')).data(
        tag,
        [' ', ' '],
        &subfields,
    )?;
    record
        .fields
        .into_iter()
        .next()
        .ok_or_else(|| CoreError::InvalidInput {
            what: "holdings item",
            value: item.barcode.clone(),
            reason: "no field could be made for it".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelfmark_marc::Leader;

    fn koha() -> &'static HoldingsMap {
        &HoldingsMap::built_in()[0]
    }

    fn marc852() -> &'static HoldingsMap {
        &HoldingsMap::built_in()[1]
    }

    #[test]
    fn the_built_in_mappings_parse() {
        let maps = HoldingsMap::built_in();
        assert_eq!(maps.len(), 2);
        assert_eq!(maps[0].name, "koha-952");
        assert_eq!(maps[1].name, "marc-852");
    }

    #[test]
    fn koha_952_gives_branch_location_call_number_barcode_type_and_status() {
        let record = Record::new(Leader::new('n', 'a', 'm'))
            .data(
                "952",
                [' ', ' '],
                &[
                    ('a', "HK"),
                    ('b', "BD"),
                    ('c', "KM"),
                    ('o', "895.922 NG-D"),
                    ('p', "300000000001"),
                    ('y', "BK"),
                    ('7', "1"),
                    ('9', "1234"),
                ],
            )
            .and_then(|r| {
                r.data(
                    "952",
                    [' ', ' '],
                    &[('b', "BD"), ('p', "300000000002"), ('7', "0")],
                )
            })
            .expect("record");
        let items = koha().items(&record);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0],
            EmbeddedItem {
                tag: "952".into(),
                barcode: "300000000001".into(),
                branch: "HK".into(),
                holding_branch: Some("BD".into()),
                location: Some("KM".into()),
                call_number: Some("895.922 NG-D".into()),
                item_type: Some("BK".into()),
                status: Some("not_for_loan".into()),
                local_number: Some("1234".into()),
            }
        );
        // No home branch: the holding branch stands in; `0` means for loan.
        assert_eq!(items[1].branch, "BD");
        assert_eq!(items[1].status, None);
    }

    #[test]
    fn marc_876_links_to_its_852_and_852_alone_is_an_item() {
        let record = Record::new(Leader::new('n', 'a', 'm'))
            .data(
                "852",
                ['8', ' '],
                &[
                    ('8', "1"),
                    ('a', "VN-HN"),
                    ('b', "HK"),
                    ('c', "KM"),
                    ('h', "895.922"),
                    ('i', "NG-D"),
                ],
            )
            .and_then(|r| r.data("852", ['8', ' '], &[('8', "2"), ('b', "BD"), ('h', "823")]))
            .and_then(|r| {
                r.data(
                    "876",
                    [' ', ' '],
                    &[('8', "2.1"), ('a', "it-9"), ('p', "B-2")],
                )
            })
            .and_then(|r| r.data("877", [' ', ' '], &[('8', "1.1"), ('p', "B-1")]))
            .expect("record");
        let items = marc852().items(&record);
        assert_eq!(items.len(), 2);
        assert_eq!(
            (items[0].barcode.as_str(), items[0].branch.as_str()),
            ("B-2", "BD")
        );
        assert_eq!(items[0].local_number.as_deref(), Some("it-9"));
        assert_eq!(items[0].call_number.as_deref(), Some("823"));
        assert_eq!(
            (items[1].barcode.as_str(), items[1].branch.as_str()),
            ("B-1", "HK")
        );
        assert_eq!(items[1].call_number.as_deref(), Some("895.922 NG-D"));
        assert_eq!(items[1].location.as_deref(), Some("KM"));

        let alone = Record::new(Leader::new('n', 'a', 'm'))
            .data("852", ['8', ' '], &[('a', "LIB"), ('p', "B-3")])
            .expect("record");
        let items = marc852().items(&alone);
        assert_eq!(items.len(), 1);
        assert_eq!(
            (items[0].barcode.as_str(), items[0].branch.as_str()),
            ("B-3", "LIB")
        );
    }

    #[test]
    fn an_item_written_as_952_reads_back_the_same() {
        let item = EmbeddedItem {
            tag: "952".into(),
            barcode: "3000042".into(),
            branch: "HK".into(),
            holding_branch: Some("BD".into()),
            location: Some("Kho mở".into()),
            call_number: Some("895.922 7".into()),
            item_type: Some("book".into()),
            status: Some("withdrawn".into()),
            local_number: None,
        };
        let field = item_field(koha(), &item).expect("field");
        let record = Record {
            leader: Leader::new('n', 'a', 'm'),
            fields: vec![field],
        };
        assert_eq!(koha().items(&record), vec![item]);
    }

    #[test]
    fn a_mapping_file_of_the_wrong_shape_is_refused_with_its_name() {
        let err = HoldingsMap::from_json("mine.json", r#"{"name": "x"}"#).expect_err("refused");
        assert!(err.to_string().contains("mine.json"), "{err}");
        let err = HoldingsMap::from_json(
            "empty.json",
            r#"{"name": "x", "item_tags": [], "columns": {"barcode": [], "branch": []}}"#,
        )
        .expect_err("refused");
        assert!(err.to_string().contains("barcode and branch"), "{err}");
    }
}
