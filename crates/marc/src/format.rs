//! The formats a record can be read from and written to, and how to pick one.

use std::io::{Read, Write};
use std::path::Path;

use crate::{MarcError, ReadResult, Record, iso2709, json, marcxml, mrk};

/// A MARC serialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// ISO 2709 exchange format (`.mrc`, `.marc`, `.dat`, `.iso`).
    Iso2709,
    /// MARCXML, the Library of Congress slim schema (`.xml`).
    MarcXml,
    /// MarcEdit's mnemonic text (`.mrk`).
    Mrk,
    /// MARC-in-JSON: one object or an array of them (`.json`).
    Json,
    /// MARC-in-JSON, one record object per line (`.jsonl`, `.ndjson`).
    JsonLines,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Iso2709,
        Format::MarcXml,
        Format::Mrk,
        Format::Json,
        Format::JsonLines,
    ];

    /// The short name used on the command line (`--from iso2709`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Iso2709 => "iso2709",
            Format::MarcXml => "marcxml",
            Format::Mrk => "mrk",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "mrc" | "marc" | "iso2709" | "usmarc" => Some(Format::Iso2709),
            "xml" | "marcxml" => Some(Format::MarcXml),
            "mrk" | "mnemonic" => Some(Format::Mrk),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// The format a file's extension names, if it names one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "mrc" | "marc" | "dat" | "iso" | "iso2709" | "usmarc" | "bin" => Some(Format::Iso2709),
            "xml" | "marcxml" => Some(Format::MarcXml),
            "mrk" | "mrk8" | "txt" => Some(Format::Mrk),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// A guess from the first bytes of the content: `<` for XML, `{`/`[` for JSON, `=` for
    /// mnemonic text, five digits for ISO 2709.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        let start = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let first = start.iter().position(|b| !b.is_ascii_whitespace())?;
        let rest = &start[first..];
        match rest[0] {
            b'<' => Some(Format::MarcXml),
            b'[' => Some(Format::Json),
            b'{' => {
                let line_end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
                let after = rest[line_end..].iter().find(|b| !b.is_ascii_whitespace());
                Some(if after == Some(&b'{') {
                    Format::JsonLines
                } else {
                    Format::Json
                })
            }
            b'=' => Some(Format::Mrk),
            b'0'..=b'9' if rest.len() >= 5 && rest[..5].iter().all(u8::is_ascii_digit) => {
                Some(Format::Iso2709)
            }
            _ => None,
        }
    }
}

/// A streaming reader of any format.
pub fn reader<'a, R: Read + 'a>(
    format: Format,
    input: R,
) -> Box<dyn Iterator<Item = ReadResult> + 'a> {
    match format {
        Format::Iso2709 => Box::new(iso2709::Reader::new(input)),
        Format::MarcXml => Box::new(marcxml::Reader::new(input)),
        Format::Mrk => Box::new(mrk::Reader::new(input)),
        Format::Json | Format::JsonLines => Box::new(json::Reader::new(input)),
    }
}

/// Writes records one at a time; `finish` closes the document (the XML collection, the JSON
/// array) and flushes.
pub trait RecordWriter {
    fn write_record(&mut self, record: &Record) -> Result<(), MarcError>;
    fn finish(self: Box<Self>) -> Result<(), MarcError>;
}

/// A streaming writer of any format.
pub fn writer<'a, W: Write + 'a>(format: Format, output: W) -> Box<dyn RecordWriter + 'a> {
    match format {
        Format::Iso2709 => Box::new(iso2709::Writer::new(output)),
        Format::MarcXml => Box::new(marcxml::Writer::new(output)),
        Format::Mrk => Box::new(mrk::Writer::new(output)),
        Format::Json => Box::new(json::Writer::new(output, false)),
        Format::JsonLines => Box::new(json::Writer::new(output, true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions_names_and_content() {
        assert_eq!(
            Format::from_path(Path::new("a/vendor.MRC")),
            Some(Format::Iso2709)
        );
        assert_eq!(
            Format::from_path(Path::new("x.jsonl")),
            Some(Format::JsonLines)
        );
        assert_eq!(Format::from_path(Path::new("noext")), None);
        assert_eq!(Format::from_name("MARCXML"), Some(Format::MarcXml));
        assert_eq!(Format::sniff(b"\xEF\xBB\xBF<?xml"), Some(Format::MarcXml));
        assert_eq!(
            Format::sniff(b"00714cam a2200205 a 4500"),
            Some(Format::Iso2709)
        );
        assert_eq!(Format::sniff(b"=LDR  00714cam"), Some(Format::Mrk));
        assert_eq!(
            Format::sniff(b"{\"leader\":1}\n{\"leader\":2}"),
            Some(Format::JsonLines)
        );
        assert_eq!(
            Format::sniff(b"  {\"leader\": \"x\",\n \"fields\": []}"),
            Some(Format::Json)
        );
        assert_eq!(Format::sniff(b"hello"), None);
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
    }
}
