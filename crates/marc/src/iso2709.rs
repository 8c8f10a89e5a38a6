//! ISO 2709 (MARC exchange format): the leader, a directory of 12-byte entries, then the
//! variable fields, each ended by a field terminator; the record ends with a record terminator.
//!
//! This module is hand-written because Shelfmark's record model (newtype tags, indicators and
//! subfield codes, field order kept exactly) is its own; the framing itself is small. The
//! reader here is strict and expects UTF-8 (Leader/09 `a`); it reports the record number and
//! byte offset of every fault and goes on with the next record.

use std::io::{self, BufRead, Read, Write};

use crate::{
    Decoded, Diagnostic, Field, Indicator, Leader, MarcError, Pointer, ReadResult, Record,
    RecordWriter, Subfield, SubfieldCode, Tag,
};

pub const FIELD_TERMINATOR: u8 = 0x1E;
pub const RECORD_TERMINATOR: u8 = 0x1D;
pub const SUBFIELD_DELIMITER: u8 = 0x1F;
const LEADER_LEN: usize = 24;
const DIRECTORY_ENTRY_LEN: usize = 12;
const MAX_RECORD_LEN: usize = 99_999;

/// Serializes one record to ISO 2709 bytes.
pub fn to_bytes(record: &Record) -> Result<Vec<u8>, MarcError> {
    let mut directory = Vec::with_capacity(record.fields.len() * DIRECTORY_ENTRY_LEN + 1);
    let mut data = Vec::new();
    for field in &record.fields {
        let start = data.len();
        encode_field(field, &mut data);
        let length = data.len() - start;
        if length > 9_999 || start > 99_999 {
            return Err(MarcError::RecordTooLong { length: data.len() });
        }
        write!(directory, "{}{length:04}{start:05}", field.tag())?;
    }
    directory.push(FIELD_TERMINATOR);
    let base_address = LEADER_LEN + directory.len();
    let record_length = base_address + data.len() + 1;
    if record_length > MAX_RECORD_LEN {
        return Err(MarcError::RecordTooLong {
            length: record_length,
        });
    }
    let mut out = Vec::with_capacity(record_length);
    out.extend_from_slice(
        record
            .leader
            .with_lengths(record_length, base_address)
            .as_bytes(),
    );
    out.extend_from_slice(&directory);
    out.extend_from_slice(&data);
    out.push(RECORD_TERMINATOR);
    Ok(out)
}

fn encode_field(field: &Field, out: &mut Vec<u8>) {
    match field {
        Field::Control { value, .. } => out.extend_from_slice(value.as_bytes()),
        Field::Data {
            indicators,
            subfields,
            ..
        } => {
            for indicator in indicators {
                let mut buf = [0u8; 4];
                out.extend_from_slice(indicator.as_char().encode_utf8(&mut buf).as_bytes());
            }
            for subfield in subfields {
                out.push(SUBFIELD_DELIMITER);
                let mut buf = [0u8; 4];
                out.extend_from_slice(subfield.code.as_char().encode_utf8(&mut buf).as_bytes());
                out.extend_from_slice(subfield.value.as_bytes());
            }
        }
    }
    out.push(FIELD_TERMINATOR);
}

/// Writes records one after another to any `Write`.
pub struct Writer<W: Write> {
    inner: W,
}

impl<W: Write> Writer<W> {
    pub fn new(inner: W) -> Self {
        Writer { inner }
    }

    pub fn write(&mut self, record: &Record) -> Result<(), MarcError> {
        self.inner.write_all(&to_bytes(record)?)?;
        Ok(())
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> RecordWriter for Writer<W> {
    fn write_record(&mut self, record: &Record) -> Result<(), MarcError> {
        self.write(record)
    }

    fn finish(mut self: Box<Self>) -> Result<(), MarcError> {
        self.inner.flush()?;
        Ok(())
    }
}

/// Parses one record from its complete bytes (leader through record terminator).
pub fn from_bytes(bytes: &[u8]) -> Result<Record, MarcError> {
    parse_record(bytes, &Pointer::default())
}

/// Reads records from a stream, one `Result` per record; a bad record does not end the stream.
pub struct Reader<R: Read> {
    inner: io::BufReader<R>,
    offset: u64,
    record_number: u64,
}

impl<R: Read> Reader<R> {
    pub fn new(inner: R) -> Self {
        Reader {
            inner: io::BufReader::new(inner),
            offset: 0,
            record_number: 0,
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<Self::Item> {
        // Framing by the record terminator rather than the leader's length lets a record with a
        // wrong length still be found, and the next one after it.
        let mut bytes = Vec::new();
        match self.inner.read_until(RECORD_TERMINATOR, &mut bytes) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                return Some(Err(Diagnostic::error(format!(
                    "could not read the input: {e}"
                ))));
            }
        }
        let start = self.offset;
        self.offset += bytes.len() as u64;
        // Line breaks between records are common in files passed around by e-mail.
        let skipped = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if skipped == bytes.len() {
            return None;
        }
        self.record_number += 1;
        let at = Pointer {
            record: Some(self.record_number),
            offset: Some(start + skipped as u64),
            tag: None,
        };
        let number = self.record_number;
        let offset = start + skipped as u64;
        Some(
            parse_record(&bytes[skipped..], &at)
                .map(|record| Decoded {
                    record,
                    warnings: Vec::new(),
                })
                .map_err(|e| {
                    let (message, tag) = match e {
                        MarcError::Malformed { at, reason } => (reason, at.tag),
                        other => (other.to_string(), None),
                    };
                    let d = Diagnostic::error(message).at_record(number, offset);
                    match tag {
                        Some(t) => d.in_field(t),
                        None => d,
                    }
                }),
        )
    }
}

fn malformed(at: &Pointer, tag: Option<&str>, reason: impl Into<String>) -> MarcError {
    MarcError::Malformed {
        at: Pointer {
            tag: tag.map(str::to_string),
            ..at.clone()
        },
        reason: reason.into(),
    }
}

fn parse_number(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

fn parse_record(bytes: &[u8], at: &Pointer) -> Result<Record, MarcError> {
    if bytes.len() < LEADER_LEN + 1 {
        return Err(malformed(
            at,
            None,
            "record shorter than its 24-byte leader",
        ));
    }
    if bytes.last() != Some(&RECORD_TERMINATOR) {
        return Err(malformed(
            at,
            None,
            "record does not end with a record terminator (0x1D)",
        ));
    }
    let leader_text = std::str::from_utf8(&bytes[..LEADER_LEN])
        .map_err(|_| malformed(at, None, "leader is not ASCII"))?;
    let leader = Leader::parse(leader_text)?;
    let base = parse_number(&bytes[12..17])
        .filter(|b| *b > LEADER_LEN && *b <= bytes.len())
        .ok_or_else(|| malformed(at, None, "leader/12-16 base address is not a valid number"))?;
    let directory = &bytes[LEADER_LEN..base - 1];
    if bytes[base - 1] != FIELD_TERMINATOR || directory.len() % DIRECTORY_ENTRY_LEN != 0 {
        return Err(malformed(
            at,
            None,
            "directory length is not a multiple of 12 entries",
        ));
    }
    let data = &bytes[base..bytes.len() - 1];
    let mut record = Record::new(leader);
    for entry in directory.chunks(DIRECTORY_ENTRY_LEN) {
        let tag_text = std::str::from_utf8(&entry[..3]).unwrap_or("???");
        let tag = Tag::new(tag_text).map_err(|e| malformed(at, Some(tag_text), e.to_string()))?;
        let (length, start) = parse_number(&entry[3..7])
            .zip(parse_number(&entry[7..12]))
            .ok_or_else(|| {
                malformed(
                    at,
                    Some(tag_text),
                    "directory entry length or start is not a number",
                )
            })?;
        let raw = data.get(start..start + length).ok_or_else(|| {
            malformed(
                at,
                Some(tag_text),
                "directory points past the end of the record",
            )
        })?;
        let raw = raw.strip_suffix(&[FIELD_TERMINATOR]).unwrap_or(raw);
        record.fields.push(parse_field(tag, raw, at)?);
    }
    Ok(record)
}

fn parse_field(tag: Tag, raw: &[u8], at: &Pointer) -> Result<Field, MarcError> {
    let text = std::str::from_utf8(raw).map_err(|e| {
        malformed(
            at,
            Some(tag.as_str()),
            format!("invalid UTF-8 at field byte {}", e.valid_up_to()),
        )
    })?;
    if tag.is_control() {
        return Ok(Field::Control {
            tag,
            value: text.to_string(),
        });
    }
    let mut parts = text.split(SUBFIELD_DELIMITER as char);
    let indicator_text = parts.next().unwrap_or("");
    let mut indicator_chars = indicator_text.chars();
    let (Some(i1), Some(i2), None) = (
        indicator_chars.next(),
        indicator_chars.next(),
        indicator_chars.next(),
    ) else {
        return Err(malformed(
            at,
            Some(tag.as_str()),
            format!("expected two indicators, found {indicator_text:?}"),
        ));
    };
    let indicators = [
        Indicator::new(i1).map_err(|e| malformed(at, Some(tag.as_str()), e.to_string()))?,
        Indicator::new(i2).map_err(|e| malformed(at, Some(tag.as_str()), e.to_string()))?,
    ];
    let subfields = parts
        .map(|part| {
            let mut chars = part.chars();
            let code = chars.next().ok_or_else(|| {
                malformed(
                    at,
                    Some(tag.as_str()),
                    "subfield delimiter without a subfield code",
                )
            })?;
            Ok(Subfield {
                code: SubfieldCode::new(code)
                    .map_err(|e| malformed(at, Some(tag.as_str()), e.to_string()))?,
                value: chars.as_str().to_string(),
            })
        })
        .collect::<Result<_, MarcError>>()?;
    Ok(Field::Data {
        tag,
        indicators,
        subfields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "VN000001")
            .and_then(|r| r.control("008", "240101s2015    vm            000 0 vie d"))
            .and_then(|r| {
                r.data(
                    "100",
                    ['1', ' '],
                    &[('a', "Nguyễn Du,"), ('d', "1765-1820.")],
                )
            })
            .and_then(|r| {
                r.data(
                    "245",
                    ['1', '0'],
                    &[('a', "Truyện Kiều /"), ('c', "Nguyễn Du.")],
                )
            })
            .expect("sample record is well-formed")
    }

    #[test]
    fn round_trip_keeps_fields_and_bytes() {
        let record = sample();
        let bytes = to_bytes(&record).expect("writes");
        let back = from_bytes(&bytes).expect("reads");
        assert_eq!(back.fields, record.fields);
        assert_eq!(to_bytes(&back).expect("writes again"), bytes);
        assert_eq!(&bytes[..5], format!("{:05}", bytes.len()).as_bytes());
        assert_eq!(back.control_number(), Some("VN000001"));
    }

    #[test]
    fn reader_reports_a_bad_record_and_goes_on() {
        let good = to_bytes(&sample()).expect("writes");
        let mut stream = good.clone();
        stream.extend_from_slice(b"\n00030garbage that is no record\x1d");
        stream.extend_from_slice(&good);
        let results: Vec<_> = Reader::new(stream.as_slice()).collect();
        assert_eq!(results.len(), 3);
        assert!(results[0].is_ok());
        let err = results[1]
            .as_ref()
            .expect_err("garbage is refused")
            .to_string();
        assert!(
            err.starts_with(&format!("error: record 2, byte {}: ", good.len() + 1)),
            "{err}"
        );
        assert!(results[2].is_ok());
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let good = to_bytes(&sample()).expect("writes");
        for cut in 0..good.len() {
            let _ = from_bytes(&good[..cut]);
            let _ = Reader::new(&good[..cut]).count();
        }
    }
}
