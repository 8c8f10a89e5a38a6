//! Checks of fixed-position data: the leader and field 008, position by position against the
//! code lists in `leader.json` and `008.json`.

use super::Out;
use super::schema::{Kind, PositionDef, Schema};
use crate::Leader;
use crate::codes as c;

pub(super) fn check_leader(leader: &Leader, positions: &[PositionDef], out: &mut Out) {
    check_positions("LDR", "Leader", leader.as_str(), positions, None, out);
}

pub(super) fn check_008(value: &str, leader: &Leader, schema: &Schema, out: &mut Out) {
    let Some((material, def)) =
        schema.fixed_008(leader.record_type(), leader.bibliographic_level())
    else {
        // An undefined Leader/06 is reported on the leader; the 008 cannot be interpreted.
        return;
    };
    let length = value.chars().count();
    if length != def.length {
        out.error(
            c::FIXED_FIELD_LENGTH,
            "008",
            None,
            format!(
                "008 is {length} characters long; for {} it must be {}",
                material.to_lowercase(),
                def.length
            ),
        )
        .param("length", length)
        .param("expected", def.length)
        .param("material", material.to_lowercase());
    }
    check_positions("008", "008", value, &def.positions, Some(material), out);
}

fn position_label(start: usize, end: usize) -> String {
    if start == end {
        format!("{start:02}")
    } else {
        format!("{start:02}-{end:02}")
    }
}

fn check_positions(
    tag: &str,
    shown: &str,
    value: &str,
    positions: &[PositionDef],
    material: Option<&str>,
    out: &mut Out,
) {
    let bytes = value.as_bytes();
    let context = material
        .map(|m| format!(" for {}", m.to_lowercase()))
        .unwrap_or_default();
    for def in positions {
        // A short field is reported once for its length; positions it lacks are not repeated.
        let Some(slice) = value.get(def.start..=def.end) else {
            continue;
        };
        let mut report =
            |code: &'static str, start: usize, end: usize, got: &str, why: &str, warning: bool| {
                let label = position_label(start, end);
                let message = format!("{shown}/{label} ({}) is '{got}', {why}{context}", def.name);
                let note = if warning || def.warning {
                    out.warning(code, tag, Some(&label), message)
                } else {
                    out.error(code, tag, Some(&label), message)
                };
                note.param("name", &def.name).param("value", got).param(
                    "material",
                    material.map(str::to_lowercase).unwrap_or_default(),
                );
            };
        match def.kind {
            Kind::Codes if def.each || def.start == def.end => {
                for (i, &b) in bytes.iter().enumerate().take(def.end + 1).skip(def.start) {
                    let c = b as char;
                    if !def.single.contains(c) {
                        report(
                            c::POSITION_CODE_UNDEFINED,
                            i,
                            i,
                            &c.to_string(),
                            "which is not a defined code",
                            false,
                        );
                    }
                }
            }
            Kind::Codes => {
                if !def.multi.contains(slice) {
                    report(
                        c::POSITION_CODE_UNDEFINED,
                        def.start,
                        def.end,
                        slice,
                        "which is not a defined code",
                        false,
                    );
                }
            }
            Kind::Date => {
                let ok = slice == "    "
                    || slice == "||||"
                    || slice.bytes().all(|b| b.is_ascii_digit() || b == b'u');
                if !ok {
                    report(
                        c::POSITION_DATE_INVALID,
                        def.start,
                        def.end,
                        slice,
                        "not a year (four digits, 'u' for unknown digits, blanks or ||||)",
                        false,
                    );
                }
            }
            Kind::DateEntered => {
                if !slice.bytes().all(|b| b.is_ascii_digit()) {
                    report(
                        c::POSITION_DATE_ENTERED_INVALID,
                        def.start,
                        def.end,
                        slice,
                        "not a date in the form yymmdd",
                        true,
                    );
                }
            }
            Kind::RunningTime => {
                let ok = matches!(slice, "nnn" | "---" | "|||")
                    || slice.bytes().all(|b| b.is_ascii_digit());
                if !ok {
                    report(
                        c::POSITION_RUNNING_TIME_INVALID,
                        def.start,
                        def.end,
                        slice,
                        "not three digits, nnn, --- or |||",
                        false,
                    );
                }
            }
            Kind::Country => {
                let trimmed = slice.trim_end_matches(' ');
                let schema = super::schema::schema();
                let (valid, obsolete) = schema
                    .map(|s| {
                        (
                            s.countries.contains(slice) || s.countries.contains(trimmed),
                            s.obsolete_countries.contains(slice)
                                || s.obsolete_countries.contains(trimmed),
                        )
                    })
                    .unwrap_or((true, false));
                if trimmed.is_empty() || slice == "|||" || valid {
                } else if obsolete {
                    report(
                        c::COUNTRY_CODE_OBSOLETE,
                        def.start,
                        def.end,
                        slice,
                        "an obsolete MARC country code",
                        true,
                    );
                } else {
                    report(
                        c::COUNTRY_CODE_INVALID,
                        def.start,
                        def.end,
                        slice,
                        "not a MARC country code",
                        false,
                    );
                }
            }
            Kind::Language | Kind::LanguageOrBlank => {
                let schema = super::schema::schema();
                let (valid, obsolete) = schema
                    .map(|s| {
                        (
                            s.languages.contains(slice),
                            s.obsolete_languages.contains(slice),
                        )
                    })
                    .unwrap_or((true, false));
                if slice == "   " || slice == "|||" || valid {
                } else if obsolete {
                    report(
                        c::LANGUAGE_CODE_OBSOLETE,
                        def.start,
                        def.end,
                        slice,
                        "an obsolete MARC language code",
                        true,
                    );
                } else {
                    report(
                        c::LANGUAGE_CODE_INVALID,
                        def.start,
                        def.end,
                        slice,
                        "not a MARC language code",
                        false,
                    );
                }
            }
            Kind::Any => {}
        }
    }
}
