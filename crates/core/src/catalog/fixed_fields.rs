//! The leader and 008 by position for the fixed-field editor: positions, kinds and labelled
//! codes from the MARC engine's definitions (`schemas/marc21/leader.json`, `008.json`), with
//! every English label's Vietnamese from `schemas/marc21/labels-vi.json` (data, so a
//! translation is corrected without touching code).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;
use shelfmark_marc::validate::{PositionDefinition, fixed_field_definitions};

use crate::api::{FixedFieldSchema, FixedLayout, FixedPosition, FixedValue, Label};

const LABELS_VI: &str = include_str!("../../../../schemas/marc21/labels-vi.json");

/// The 008 layout of a leader none of LoC's rules covers.
const DEFAULT_008: &str = "books";

/// Leader positions the writer computes from the record itself; the editor shows them only.
const COMPUTED_LEADER: [(u32, u32, &str); 3] = [
    (0, 4, "Record length"),
    (12, 16, "Base address of data"),
    (20, 23, "Entry map"),
];

#[derive(Deserialize, Default)]
struct LabelsVi {
    names: HashMap<String, String>,
    meanings: HashMap<String, String>,
}

/// The schema; built once.
pub fn schema() -> FixedFieldSchema {
    static SCHEMA: OnceLock<FixedFieldSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| build().0).clone()
}

/// The schema, and every English label that has no Vietnamese (shown in English meanwhile;
/// a test keeps the list empty).
fn build() -> (FixedFieldSchema, Vec<String>) {
    // Both are compiled in and checked by tests; should either fail to parse, the editor
    // still gets what there is rather than a crash.
    let vi: LabelsVi = serde_json::from_str(LABELS_VI).unwrap_or_default();
    let mut missing = Vec::new();
    let Some(defs) = fixed_field_definitions() else {
        missing.push("schemas/marc21 definitions".to_string());
        return (
            FixedFieldSchema {
                leader: Vec::new(),
                field_008: Vec::new(),
                layout_for_leader: BTreeMap::new(),
                default_008: DEFAULT_008.to_string(),
            },
            missing,
        );
    };
    // Shared by the closures below, which each only append to it.
    let unlabelled = RefCell::new(Vec::new());
    let label = |en: &str, table: &HashMap<String, String>| -> Label {
        let vi = match table.get(en) {
            Some(vi) => vi.clone(),
            None => {
                unlabelled.borrow_mut().push(en.to_string());
                en.to_string()
            }
        };
        Label {
            en: en.to_string(),
            vi,
        }
    };
    let position = |p: &PositionDefinition| -> FixedPosition {
        let kind = match p.kind.as_str() {
            "codes" if p.name == "Undefined" => "undefined",
            "codes" => "codes",
            "date" => "date",
            "date_entered" => "date_entered",
            "country" => "country",
            "language" | "language_or_blank" => "language",
            "running_time" => "number",
            _ => "free",
        };
        let values = if kind == "codes" {
            p.codes
                .iter()
                .map(|code| FixedValue {
                    code: code.clone(),
                    label: label(
                        p.meanings.get(code).map_or(code.as_str(), String::as_str),
                        &vi.meanings,
                    ),
                })
                .collect()
        } else {
            Vec::new()
        };
        FixedPosition {
            start: p.start as u32,
            end: p.end as u32,
            label: label(&p.name, &vi.names),
            kind: kind.to_string(),
            values,
            each: p.each,
        }
    };
    // The leader: LoC's coded positions, the computed ones in their places (20-23 is one
    // run the writer fills with `4500`).
    let mut leader: Vec<FixedPosition> = defs
        .leader
        .iter()
        .filter(|p| p.start < 20)
        .map(position)
        .collect();
    let field_008: Vec<FixedLayout> = defs
        .materials
        .iter()
        .map(|m| FixedLayout {
            key: m.key.clone(),
            label: label(&m.name, &vi.names),
            positions: m.positions.iter().map(position).collect(),
        })
        .collect();
    for (start, end, name) in COMPUTED_LEADER {
        leader.push(FixedPosition {
            start,
            end,
            label: label(name, &vi.names),
            kind: "computed".to_string(),
            values: Vec::new(),
            each: false,
        });
    }
    leader.sort_by_key(|p| p.start);
    // Every Leader/06 × Leader/07 the leader defines, by the first rule that matches.
    let codes = |start: usize| -> Vec<char> {
        defs.leader
            .iter()
            .find(|p| p.start == start)
            .map(|p| p.codes.iter().filter_map(|c| c.chars().next()).collect())
            .unwrap_or_default()
    };
    let mut layout_for_leader = BTreeMap::new();
    for l06 in codes(6) {
        for l07 in codes(7) {
            let rule = defs.material_rules.iter().find(|r| {
                r.leader06.contains(l06) && r.leader07.as_ref().is_none_or(|s| s.contains(l07))
            });
            if let Some(rule) = rule {
                layout_for_leader.insert(format!("{l06}{l07}"), rule.material.clone());
            }
        }
    }
    missing.extend(unlabelled.into_inner());
    missing.sort();
    missing.dedup();
    (
        FixedFieldSchema {
            leader,
            field_008,
            layout_for_leader,
            default_008: DEFAULT_008.to_string(),
        },
        missing,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_its_vietnamese() {
        let (schema, missing) = build();
        assert!(missing.is_empty(), "no Vietnamese for: {missing:#?}");
        let labels = schema
            .leader
            .iter()
            .chain(schema.field_008.iter().flat_map(|l| l.positions.iter()))
            .flat_map(|p| std::iter::once(&p.label).chain(p.values.iter().map(|v| &v.label)))
            .chain(schema.field_008.iter().map(|l| &l.label));
        let mut n = 0;
        for label in labels {
            n += 1;
            assert!(!label.vi.trim().is_empty() && !label.en.trim().is_empty());
        }
        assert!(n > 500, "{n} labels");
    }

    #[test]
    fn the_leader_covers_all_24_positions_once_with_the_computed_ones_marked() {
        let leader = schema().leader;
        let mut next = 0;
        for p in &leader {
            assert_eq!(p.start, next, "{:?}", p.label.en);
            next = p.end + 1;
        }
        assert_eq!(next, 24);
        let computed: Vec<(u32, u32)> = leader
            .iter()
            .filter(|p| p.kind == "computed")
            .map(|p| (p.start, p.end))
            .collect();
        assert_eq!(computed, [(0, 4), (12, 16), (20, 23)]);
        let status = leader.iter().find(|p| p.start == 5).expect("05");
        assert_eq!(status.label.vi, "Trạng thái biểu ghi");
        let new = status.values.iter().find(|v| v.code == "n").expect("n");
        assert_eq!(
            (new.label.en.as_str(), new.label.vi.as_str()),
            ("New", "Mới")
        );
    }

    #[test]
    fn each_008_layout_covers_positions_0_to_39_once() {
        let schema = schema();
        let keys: Vec<&str> = schema.field_008.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "books",
                "computer_files",
                "continuing_resources",
                "maps",
                "mixed_materials",
                "music",
                "visual_materials"
            ]
        );
        for layout in &schema.field_008 {
            let mut next = 0;
            for p in &layout.positions {
                assert_eq!(p.start, next, "{} {:?}", layout.key, p.label.en);
                assert_eq!(p.kind == "codes", !p.values.is_empty(), "{:?}", p.label.en);
                next = p.end + 1;
            }
            assert_eq!(next, 40, "{}", layout.key);
        }
        let books = &schema.field_008[0];
        let kinds: Vec<(u32, &str)> = books
            .positions
            .iter()
            .map(|p| (p.start, p.kind.as_str()))
            .collect();
        assert!(kinds.contains(&(0, "date_entered")));
        assert!(kinds.contains(&(15, "country")));
        assert!(kinds.contains(&(35, "language")));
        assert!(kinds.contains(&(32, "undefined")));
        let illustrations = books.positions.iter().find(|p| p.start == 18).expect("18");
        assert!(illustrations.each);
        assert_eq!(illustrations.label.vi, "Minh họa");
    }

    #[test]
    fn the_leader_picks_the_008_layout_as_marc_21_says() {
        let schema = schema();
        let map = &schema.layout_for_leader;
        assert_eq!(map.len(), 14 * 7);
        for (key, layout) in [
            ("am", "books"),
            ("tm", "books"),
            ("ac", "books"),
            ("as", "continuing_resources"),
            ("ai", "continuing_resources"),
            ("ab", "continuing_resources"),
            ("ts", "continuing_resources"),
            ("em", "maps"),
            ("fm", "maps"),
            ("cm", "music"),
            ("dm", "music"),
            ("im", "music"),
            ("jm", "music"),
            ("gm", "visual_materials"),
            ("km", "visual_materials"),
            ("om", "visual_materials"),
            ("rm", "visual_materials"),
            ("mm", "computer_files"),
            ("pc", "mixed_materials"),
        ] {
            assert_eq!(map.get(key).map(String::as_str), Some(layout), "{key}");
        }
        let keys: Vec<&str> = schema.field_008.iter().map(|l| l.key.as_str()).collect();
        assert!(map.values().all(|v| keys.contains(&v.as_str())));
        assert!(keys.contains(&schema.default_008.as_str()));
    }
}
