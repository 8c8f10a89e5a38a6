//! MARC 21 to simple Dublin Core, after the Library of Congress crosswalk (MARC to Dublin
//! Core, the "unqualified" mapping its own SRU server uses for `info:srw/schema/1/dc-v1.1`),
//! and that record written as an `srw_dc:dc` element.
//!
//! This module owns the crosswalk only: it reads a `Record` and writes XML through quick-xml
//! (every value escaped by the writer); it never touches the catalog.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use shelfmark_marc::{Field, Record};

/// The SRU record schema's namespace for the `srw_dc:dc` wrapper.
pub const SRW_DC_NS: &str = "info:srw/schema/1/dc-schema";
/// Dublin Core elements 1.1.
pub const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

/// One Dublin Core element and its value, in the order written.
pub type Element = (&'static str, String);

/// The Dublin Core of a MARC record: title (245), creators (1XX, 7XX), subjects (6XX),
/// description (520), publisher (260/264 $b), date (260/264 $c, else 008/07-10), type
/// (Leader/06), identifiers (020 as `URN:ISBN:`, 022 as `URN:ISSN:`, 856 $u), languages
/// (008/35-37, 041), rights (540).
pub fn elements(record: &Record) -> Vec<Element> {
    let mut out: Vec<Element> = Vec::new();
    let mut push = |name: &'static str, value: String| {
        let value = value.trim().to_string();
        if !value.is_empty() && !out.iter().any(|(n, v)| *n == name && *v == value) {
            out.push((name, value));
        }
    };
    for f in record.fields_with_tag("245") {
        push("title", trim_isbd(&joined(f, "abfgknps", " ")));
    }
    for tag in ["100", "110", "111", "700", "710", "711", "720"] {
        for f in record.fields_with_tag(tag) {
            push("creator", trim_isbd(&joined(f, "abcdq", " ")));
        }
    }
    for tag in ["600", "610", "611", "630", "650", "651", "653"] {
        for f in record.fields_with_tag(tag) {
            push("subject", trim_isbd(&subject(f)));
        }
    }
    for f in record.fields_with_tag("520") {
        push("description", joined(f, "ab", " "));
    }
    let mut date_found = false;
    for tag in ["260", "264"] {
        for f in record.fields_with_tag(tag) {
            for b in f.subfields('b') {
                push("publisher", trim_isbd(b));
            }
            for c in f.subfields('c') {
                push("date", trim_isbd(c));
                date_found = true;
            }
        }
    }
    let fixed = record.control_value("008").unwrap_or("");
    if !date_found
        && let Some(year) = fixed
            .get(7..11)
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
    {
        push("date", year.to_string());
    }
    push("type", kind(record.leader.record_type()).to_string());
    for f in record.fields_with_tag("020") {
        for a in f.subfields('a') {
            let isbn = a.split_whitespace().next().unwrap_or("");
            push("identifier", format!("URN:ISBN:{isbn}"));
        }
    }
    for f in record.fields_with_tag("022") {
        for a in f.subfields('a') {
            push("identifier", format!("URN:ISSN:{}", a.trim()));
        }
    }
    for f in record.fields_with_tag("856") {
        for u in f.subfields('u') {
            push("identifier", u.to_string());
        }
    }
    if let Some(lang) = fixed
        .get(35..38)
        .filter(|l| l.chars().all(|c| c.is_ascii_alphabetic()))
    {
        push("language", lang.to_string());
    }
    for f in record.fields_with_tag("041") {
        for code in ['a', 'b', 'd', 'e', 'f', 'g', 'h'] {
            for l in f.subfields(code) {
                push("language", l.to_string());
            }
        }
    }
    for f in record.fields_with_tag("540") {
        push("rights", joined(f, "abcd", " "));
    }
    out
}

/// Leader/06 as a DCMI type, as LoC's crosswalk names them.
fn kind(record_type: char) -> &'static str {
    match record_type {
        'a' | 'c' | 'd' | 't' => "Text",
        'e' | 'f' => "Cartographic",
        'g' | 'k' => "Image",
        'i' | 'j' => "Sound",
        'm' => "Software, multimedia",
        'p' => "Mixed material",
        'r' => "Physical object",
        _ => "Text",
    }
}

fn joined(f: &Field, codes: &str, sep: &str) -> String {
    match f {
        Field::Data { subfields, .. } => subfields
            .iter()
            .filter(|s| codes.contains(s.code.as_char()))
            .map(|s| s.value.as_str().trim())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(sep),
        Field::Control { .. } => String::new(),
    }
}

/// A heading and its subdivisions (`$v $x $y $z`) as `Heading--Subdivision`.
fn subject(f: &Field) -> String {
    let Field::Data { subfields, .. } = f else {
        return String::new();
    };
    let mut out = String::new();
    for s in subfields.iter() {
        let c = s.code.as_char();
        if c.is_ascii_digit() {
            continue;
        }
        let v = trim_isbd(s.value.as_str());
        if v.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if matches!(c, 'v' | 'x' | 'y' | 'z') {
                "--"
            } else {
                " "
            });
        }
        out.push_str(&v);
    }
    out
}

/// A value without the ISBD punctuation MARC leaves at its end (` /`, ` :`, `,`, `;`, `.`).
fn trim_isbd(s: &str) -> String {
    let t = s
        .trim()
        .trim_end_matches([' ', '/', ':', ';', ',', '='])
        .trim_end();
    // A full stop ends an abbreviation often ("Co.", "ed."): kept unless the value is long
    // enough that it is punctuation.
    let t = match t.strip_suffix('.') {
        Some(rest) if rest.len() > 3 && !rest.ends_with(|c: char| c.is_uppercase()) => rest,
        _ => t,
    };
    t.to_string()
}

/// Writes the record as `<srw_dc:dc>` with its namespaces declared on it.
pub fn write<W: Write>(writer: &mut Writer<W>, record: &Record) -> std::io::Result<()> {
    let mut start = BytesStart::new("srw_dc:dc");
    start.push_attribute(("xmlns:srw_dc", SRW_DC_NS));
    start.push_attribute(("xmlns:dc", DC_NS));
    writer.write_event(Event::Start(start))?;
    for (name, value) in elements(record) {
        let tag = format!("dc:{name}");
        writer.write_event(Event::Start(BytesStart::new(tag.as_str())))?;
        writer.write_event(Event::Text(BytesText::new(&crate::server::xml_text(
            &value,
        ))))?;
        writer.write_event(Event::End(BytesEnd::new(tag.as_str())))?;
    }
    writer.write_event(Event::End(BytesEnd::new("srw_dc:dc")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelfmark_marc::Leader;

    fn record() -> Record {
        Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "vn0001")
            .and_then(|r| r.control("008", "200101s2019    vm            000 0 vie d"))
            .and_then(|r| r.data("020", [' ', ' '], &[('a', "9786042123456 (bìa mềm)")]))
            .and_then(|r| {
                r.data(
                    "100",
                    ['1', ' '],
                    &[('a', "Nguyễn, Du,"), ('d', "1765-1820.")],
                )
            })
            .and_then(|r| {
                r.data(
                    "245",
                    ['1', '0'],
                    &[('a', "Truyện Kiều /"), ('c', "Nguyễn Du.")],
                )
            })
            .and_then(|r| {
                r.data(
                    "264",
                    [' ', '1'],
                    &[('a', "Hà Nội :"), ('b', "Văn học,"), ('c', "2019.")],
                )
            })
            .and_then(|r| r.data("520", [' ', ' '], &[('a', "Truyện thơ lục bát.")]))
            .and_then(|r| {
                r.data(
                    "650",
                    [' ', '7'],
                    &[('a', "Thơ Việt Nam"), ('y', "Thế kỷ 19"), ('2', "local")],
                )
            })
            .and_then(|r| {
                r.data(
                    "700",
                    ['1', ' '],
                    &[('a', "Đào, Duy Anh,"), ('e', "chú giải.")],
                )
            })
            .and_then(|r| r.data("041", ['0', ' '], &[('a', "vie"), ('a', "fre")]))
            .expect("a valid record")
    }

    #[test]
    fn the_loc_crosswalk() {
        let e = elements(&record());
        let get = |n: &str| -> Vec<&str> {
            e.iter()
                .filter(|(k, _)| *k == n)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(get("title"), ["Truyện Kiều"]);
        assert_eq!(get("creator"), ["Nguyễn, Du, 1765-1820", "Đào, Duy Anh"]);
        assert_eq!(get("subject"), ["Thơ Việt Nam--Thế kỷ 19"]);
        assert_eq!(get("publisher"), ["Văn học"]);
        assert_eq!(get("date"), ["2019"]);
        assert_eq!(get("identifier"), ["URN:ISBN:9786042123456"]);
        assert_eq!(get("language"), ["vie", "fre"]);
        assert_eq!(get("description"), ["Truyện thơ lục bát."]);
        assert_eq!(get("type"), ["Text"]);
    }

    #[test]
    fn date_from_008_when_no_260_or_264() {
        let r = Record::new(Leader::new('n', 'a', 'm'))
            .control("008", "200101s1998    vm            000 0 vie d")
            .expect("valid");
        assert!(elements(&r).contains(&("date", "1998".to_string())));
    }
}
