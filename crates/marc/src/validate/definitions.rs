//! The bibliographic leader and 008 definitions as plain data, for a fixed-field editor: every
//! position with its name, kind, codes and their meanings, the 008 of each material type, and
//! the Leader/06-07 rule that picks one. Parsed once with the validator's tables, from the
//! same `schemas/marc21/leader.json` and `008.json`.

use std::collections::BTreeMap;

/// One position (or run of positions) of the leader or 008.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionDefinition {
    pub start: usize,
    /// Inclusive.
    pub end: usize,
    /// LoC's English name.
    pub name: String,
    /// As written in the schema: `codes`, `date`, `date_entered`, `country`, `language`,
    /// `language_or_blank`, `running_time`, `any`.
    pub kind: String,
    /// For `codes`: each character of the run is a code of its own.
    pub each: bool,
    /// The allowed codes, in the schema's order.
    pub codes: Vec<String>,
    /// Code → LoC's English meaning.
    pub meanings: BTreeMap<String, String>,
}

/// The 008 of one material type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialDefinition {
    /// `books`, `continuing_resources`, `music`, `maps`, `visual_materials`,
    /// `computer_files`, `mixed_materials`.
    pub key: String,
    pub name: String,
    /// In position order.
    pub positions: Vec<PositionDefinition>,
}

/// LoC's rule: a record whose Leader/06 is in `leader06` (and Leader/07 in `leader07`, when
/// given) has the 008 of `material`. The first rule that matches applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialRuleDefinition {
    pub leader06: String,
    pub leader07: Option<String>,
    pub material: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFieldDefinitions {
    /// The bibliographic leader's positions that carry codes, in position order.
    pub leader: Vec<PositionDefinition>,
    /// Sorted by key.
    pub materials: Vec<MaterialDefinition>,
    pub material_rules: Vec<MaterialRuleDefinition>,
}

/// The definitions, or `None` if the compiled-in schema could not be parsed (a build defect
/// the crate's tests catch).
pub fn fixed_field_definitions() -> Option<&'static FixedFieldDefinitions> {
    super::schema::schema().map(|s| &s.definitions)
}
