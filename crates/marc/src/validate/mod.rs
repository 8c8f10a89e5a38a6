//! Validation of a record against the MARC 21 definitions kept as data in `schemas/marc21/`.
//!
//! [`validate`] picks the format from Leader/06 (holdings for `u` `v` `x` `y`, authority for
//! `z`, bibliographic otherwise), then checks, in the spirit of Perl's MARC::Lint: the leader's
//! coded positions, one 1XX at most, required fields, each field's tag, repeatability,
//! indicators and subfields, the 008 positions for the record's material type, and field rules
//! that need more than a table (ISBN/ISSN check digits, language and area codes, the 245 title
//! statement and nonfiling-article indicators). Breaking a MARC 21 rule is an `Error`; something
//! doubtful (punctuation, an obsolete code, an article count) is a `Warning`.
//!
//! Diagnostics carry the tag and a position (`ind1`, `$a`, `22` for 008/22, `06` for
//! Leader/06) but no record number or offset: the caller knows those and adds them.

mod definitions;
mod fields;
mod fixed;
mod schema;
#[cfg(test)]
mod tests;

use crate::codes as c;
use crate::{Diagnostic, Field, Record};
pub use definitions::{
    FixedFieldDefinitions, MaterialDefinition, MaterialRuleDefinition, PositionDefinition,
    fixed_field_definitions,
};
use schema::{CharSet, Format, TagDef};

/// Checks one record against the MARC 21 definitions; diagnostics carry tag and position but
/// no record number or offset (the caller adds those).
pub fn validate(record: &Record) -> Vec<Diagnostic> {
    let mut out = Out::default();
    let Some(schema) = schema::schema() else {
        out.error(
            c::DEFINITIONS_UNAVAILABLE,
            "LDR",
            None,
            "the MARC 21 definitions could not be loaded, so the record was not validated",
        );
        return out.list;
    };
    let format = Format::of_leader06(record.leader.record_type());
    let table = schema.tags(format);

    fixed::check_leader(&record.leader, schema.leader(format), &mut out);
    check_record_level(record, format, &mut out);

    // Occurrences per numeric tag, to spot repeated non-repeatable fields without allocating.
    let mut seen = [0u16; 1000];
    for (index, field) in record.fields.iter().enumerate() {
        out.field = Some(index);
        let tag = field.tag();
        let tag_str = tag.as_str();
        let number = schema::numeric_tag(tag_str);
        match (field, tag.is_control()) {
            (Field::Control { .. }, false) => {
                out.error(
                    c::DATA_FIELD_AS_CONTROL,
                    tag_str,
                    None,
                    format!(
                        "{tag_str} is a data field (tags 010 and up have indicators and \
                         subfields) but it is stored as a control field with a bare value"
                    ),
                );
                continue;
            }
            (Field::Data { .. }, true) => {
                out.error(
                    c::CONTROL_FIELD_AS_DATA,
                    tag_str,
                    None,
                    format!(
                        "{tag_str} is a control field (001-009 hold a bare value) but it is \
                         stored with indicators and subfields"
                    ),
                );
                continue;
            }
            _ => {}
        }
        let def = table.get(tag_str);
        if let Some(n) = number {
            seen[n] = seen[n].saturating_add(1);
            if let Some(def) = def
                && !def.repeatable
                && seen[n] > 1
                && tag_str != "880"
            {
                out.error(
                    c::FIELD_NOT_REPEATABLE,
                    tag_str,
                    None,
                    format!(
                        "{tag_str} ({}) is not repeatable, but this is occurrence {} of it",
                        def.name, seen[n]
                    ),
                )
                .param("name", &def.name)
                .param("occurrence", seen[n]);
            }
        }
        if def.is_none() && tag_str != "880" && number.is_some() && !is_local(tag_str) {
            out.warning(
                c::TAG_UNDEFINED,
                tag_str,
                None,
                format!(
                    "{tag_str} is not a tag of the MARC 21 {} format",
                    table.format
                ),
            )
            .param("format", table.format);
        }
        match field {
            Field::Control { value, .. } => {
                if value.is_empty() {
                    out.warning(
                        c::CONTROL_FIELD_EMPTY,
                        tag_str,
                        None,
                        format!("{tag_str} is empty"),
                    );
                }
                if value.contains('\u{1f}') {
                    out.error(
                        c::CONTROL_FIELD_DELIMITER,
                        tag_str,
                        None,
                        format!(
                            "{tag_str} contains a subfield delimiter; control fields have no \
                             subfields"
                        ),
                    );
                }
                if tag_str == "008" {
                    fixed::check_008(value, &record.leader, schema, &mut out);
                }
            }
            Field::Data {
                indicators,
                subfields,
                ..
            } => {
                let mut target = def;
                let mut label = tag_str.to_string();
                if tag_str == "880" {
                    match field.subfield('6').and_then(|s| s.get(..3)) {
                        Some(linked) => {
                            target = table.get(linked);
                            label = format!("880 (linked to {linked})");
                        }
                        None => {
                            out.error(
                                c::LINKAGE_MISSING,
                                "880",
                                Some("$6"),
                                "880 has no subfield $6 naming the field it is an alternate \
                                 script form of",
                            );
                            continue;
                        }
                    }
                }
                if let Some(def) = target {
                    check_indicators(tag_str, &label, def, indicators, &mut out);
                    check_subfields(tag_str, &label, def, subfields, tag_str == "880", &mut out);
                }
                fields::check_field(tag_str, field, record, format, schema, &mut out);
            }
        }
    }
    out.list
}

/// MARC 21 leaves 9XX and X9X to local definition; MARC::Lint does not report them either.
fn is_local(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.first() == Some(&b'9') || b.get(1) == Some(&b'9')
}

fn check_record_level(record: &Record, format: Format, out: &mut Out) {
    out.field = None;
    let has = |t: &str| record.fields.iter().any(|f| f.tag().as_str() == t);
    let (has_001, has_008, has_245) = (has("001"), has("008"), has("245"));
    let main_entries = record
        .fields
        .iter()
        .filter(|f| f.tag().as_str().starts_with('1'))
        .count();
    if format != Format::Holdings && main_entries > 1 {
        out.error(
            c::TOO_MANY_MAIN_ENTRIES,
            "1XX",
            None,
            format!(
                "the record has {main_entries} main entry (1XX) fields; at most one is allowed"
            ),
        )
        .param("count", main_entries);
    }
    match format {
        Format::Bibliographic if !has_245 => {
            out.error(
                c::TITLE_MISSING,
                "245",
                None,
                "the record has no 245 (title statement); every bibliographic record needs one",
            );
        }
        Format::Authority if main_entries == 0 => {
            out.error(
                c::HEADING_MISSING,
                "1XX",
                None,
                "the authority record has no 1XX heading; every authority record needs one",
            );
        }
        _ => {}
    }
    if !has_001 {
        out.warning(
            c::CONTROL_NUMBER_MISSING,
            "001",
            None,
            "the record has no 001 (control number)",
        );
    }
    if !has_008 {
        out.warning(
            c::FIXED_FIELD_MISSING,
            "008",
            None,
            "the record has no 008 (fixed-length data elements)",
        );
    }
}

fn check_indicators(
    tag: &str,
    label: &str,
    def: &TagDef,
    indicators: &[crate::Indicator; 2],
    out: &mut Out,
) {
    for (i, (ind, rule)) in indicators.iter().zip(&def.indicators).enumerate() {
        let Some(rule) = rule else { continue };
        let c = ind.as_char();
        if !rule.allowed.contains(c) {
            let shown = if c == ' ' {
                "blank".to_string()
            } else {
                format!("'{c}'")
            };
            let allowed = nice_list(&rule.values);
            let meaning = if rule.name.eq_ignore_ascii_case("undefined") {
                "undefined, so blank".to_string()
            } else {
                format!("{}: {allowed}", rule.name)
            };
            out.error(
                c::INDICATOR_UNDEFINED,
                tag,
                Some(if i == 0 { "ind1" } else { "ind2" }),
                format!(
                    "{label} indicator {} is {shown}; it must be {meaning}",
                    i + 1
                ),
            )
            .param("indicator", i + 1)
            .param("value", c)
            .param("meaning", &rule.name)
            .param("allowed", allowed);
        }
    }
}

/// `" 0123456789"` → `blank or 0-9`; `"01"` → `0 or 1`.
fn nice_list(values: &str) -> String {
    let chars: Vec<char> = values.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j + 1 < chars.len() && chars[j + 1] as u32 == chars[j] as u32 + 1 && chars[i] != ' ' {
            j += 1;
        }
        if j >= i + 2 {
            items.push(format!("{}-{}", chars[i], chars[j]));
        } else {
            for c in &chars[i..=j] {
                items.push(if *c == ' ' {
                    "blank".into()
                } else {
                    c.to_string()
                });
            }
        }
        i = j + 1;
    }
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "blank".into(),
    }
}

fn check_subfields(
    tag: &str,
    label: &str,
    def: &TagDef,
    subfields: &[crate::Subfield],
    linkage_allowed: bool,
    out: &mut Out,
) {
    let mut seen = CharSet::default();
    for (i, sf) in subfields.iter().enumerate() {
        let code = sf.code.as_char();
        if let Some(defs) = &def.subfields {
            if !(defs.defined.contains(code) || linkage_allowed && code == '6') {
                out.error(
                    c::SUBFIELD_UNDEFINED,
                    tag,
                    Some(&format!("${code}")),
                    format!("subfield ${code} is not defined for {label} ({})", def.name),
                )
                .param("name", &def.name)
                .subfield(i);
            } else if seen.contains(code) && !defs.repeatable.contains(code) {
                out.error(
                    c::SUBFIELD_NOT_REPEATABLE,
                    tag,
                    Some(&format!("${code}")),
                    format!("subfield ${code} is not repeatable in {label}, but it occurs again"),
                )
                .subfield(i);
            }
        }
        if sf.value.contains(['\t', '\r', '\n']) {
            out.warning(
                c::SUBFIELD_LINE_BREAK,
                tag,
                Some(&format!("${code}")),
                format!("subfield ${code} contains a tab or line break"),
            )
            .subfield(i);
        }
        // Left empty, a subfield is a blank still to fill (a template's); a warning, so a
        // new record is not refused for it, and the checks of values below skip it.
        if sf.value.trim().is_empty() {
            out.warning(
                c::SUBFIELD_EMPTY,
                tag,
                Some(&format!("${code}")),
                format!("{label} subfield ${code} is empty"),
            )
            .subfield(i);
        }
        seen.insert(code);
    }
}

/// Collects diagnostics; the validator never fails, it only reports. `field` is the index
/// of the field being checked, stamped on what is reported meanwhile.
#[derive(Default)]
pub(crate) struct Out {
    list: Vec<Diagnostic>,
    field: Option<usize>,
}

/// A diagnostic just reported, to add its parameters and subfield to.
pub(crate) struct Note<'a>(&'a mut Diagnostic);

impl Note<'_> {
    pub(crate) fn param(self, name: &'static str, value: impl ToString) -> Self {
        self.0.set_param(name, value.to_string());
        self
    }

    pub(crate) fn subfield(self, index: usize) -> Self {
        self.0.subfield_index = Some(index);
        self
    }
}

impl Out {
    pub(crate) fn error(
        &mut self,
        code: &'static str,
        tag: &str,
        position: Option<&str>,
        message: impl Into<String>,
    ) -> Note<'_> {
        self.push(Diagnostic::error(message), code, tag, position)
    }

    pub(crate) fn warning(
        &mut self,
        code: &'static str,
        tag: &str,
        position: Option<&str>,
        message: impl Into<String>,
    ) -> Note<'_> {
        self.push(Diagnostic::warning(message), code, tag, position)
    }

    fn push(
        &mut self,
        d: Diagnostic,
        code: &'static str,
        tag: &str,
        position: Option<&str>,
    ) -> Note<'_> {
        let mut d = d.in_field(tag).with_code(code).with_param("tag", tag);
        d.field_index = self.field;
        if let Some(p) = position {
            d = d.at_position(p).with_param("position", p);
            if let Some(code) = p.strip_prefix('$') {
                d.set_param("code", code);
            }
        }
        self.list.push(d);
        let last = self.list.len() - 1;
        Note(&mut self.list[last])
    }
}
