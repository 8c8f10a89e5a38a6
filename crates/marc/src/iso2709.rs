//! ISO 2709 (MARC exchange format): the leader, a directory of 12-byte entries, then the
//! variable fields, each ended by a field terminator; the record ends with a record terminator.
//!
//! This module is hand-written because Shelfmark's record model (newtype tags, indicators and
//! subfield codes, field order kept exactly) is its own, and because no crate offers the
//! recovery real files need. The reader is lenient the way a careful cataloger would be: real
//! files have wrong record or field lengths, broken directories, missing terminators, garbage
//! between records, invalid UTF-8, a Leader/09 that lies about the encoding, wrong indicator
//! counts and missing subfield codes. It recovers what can be recovered (with a warning naming
//! the record, byte offset, 001, field and fault), gives up on a record only when nothing of it
//! can be found, and always goes on with the next. Records come out in UTF-8 with Leader/09
//! `a`, whatever the input's encoding; a well-formed UTF-8 record round-trips byte for byte.

use std::fmt;
use std::io::{self, Read, Write};

use memchr::memchr;

use crate::{
    Decoded, Diagnostic, Field, Indicator, Leader, MarcError, Pointer, ReadResult, Record,
    RecordWriter, Subfield, SubfieldCode, Subfields, Tag, Text,
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
        &record
            .leader
            .bytes_with_lengths(record_length, base_address),
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

/// Parses one record from its complete bytes (leader through record terminator), repairing
/// what it can; the repairs' warnings are dropped (use [`decode_record`] to see them).
pub fn from_bytes(bytes: &[u8]) -> Result<Record, MarcError> {
    decode_record(bytes)
        .map(|decoded| decoded.record)
        .map_err(|d| MarcError::Malformed {
            at: Pointer {
                record: d.record,
                offset: d.offset,
                tag: d.tag,
            },
            reason: d.message,
        })
}

/// Parses one record from its complete bytes, with the warnings for whatever was repaired.
// ReadResult is the crate-wide reader item; its error is a full Diagnostic by design.
#[allow(clippy::result_large_err)]
pub fn decode_record(bytes: &[u8]) -> ReadResult {
    parse_record(bytes, 1, 0, Vec::new())
}

/// How far the reader looks for a record terminator before it gives a record up. ISO 2709
/// caps a record at 99,999 bytes; real files overshoot that (a length of `00000` or a wrong
/// one), so the cap is ten times larger, and it is what keeps memory flat on a file with no
/// terminators at all.
const MAX_SCAN: usize = 1 << 20;
/// The read buffer: large enough that refills and the copy of a partial record are rare.
const BUFFER_LEN: usize = 256 * 1024;
/// The first buffer, enough for a small file or a single record: a reader over a few bytes
/// should not pay for zeroing the large one.
const FIRST_BUFFER_LEN: usize = 16 * 1024;
const ESCAPE: u8 = 0x1B;

/// Reads records from a stream, one [`ReadResult`] per record; a bad record does not end the
/// stream, and nothing is buffered beyond the record being read.
///
/// Framing: a record starts with five digits (anything else before it is skipped, with a
/// warning unless it is only whitespace, NULs or a DOS end-of-file mark). The leader's length
/// is trusted when it lands on a record terminator (0x1D) with none earlier; otherwise the
/// record runs to the next record terminator, and the record is read with a warning.
pub struct Reader<R: Read> {
    input: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    failed: bool,
    /// Stream offset of `buf[start]`.
    offset: u64,
    record_number: u64,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            buf: vec![0; FIRST_BUFFER_LEN],
            start: 0,
            end: 0,
            eof: false,
            failed: false,
            offset: 0,
            record_number: 0,
        }
    }

    fn available(&self) -> usize {
        self.end - self.start
    }

    /// Makes at least `want` bytes available unless the input ends first; returns how many are.
    fn fill(&mut self, want: usize) -> io::Result<usize> {
        if self.available() >= want || self.eof {
            return Ok(self.available());
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        // A second fill means a large input: move to the large buffer.
        let wanted_len = want
            .next_power_of_two()
            .max(if self.offset > 0 || self.end > 0 {
                BUFFER_LEN
            } else {
                FIRST_BUFFER_LEN
            });
        if wanted_len > self.buf.len() {
            self.buf.resize(wanted_len, 0);
        }
        while self.end < want {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.available())
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }

    fn window(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn next_record(&mut self) -> io::Result<Option<ReadResult>> {
        let mut warnings = Vec::new();
        let skip_offset = self.offset;
        let mut skipped = 0usize;
        let mut garbage = false;
        loop {
            let available = self.fill(5)?;
            let window = self.window();
            if available < 5 {
                skipped += available;
                garbage |= window.iter().any(|b| !is_filler(*b));
                self.consume(available);
                if !garbage {
                    return Ok(None);
                }
                self.record_number += 1;
                return Ok(Some(Err(Diagnostic::error(format!(
                    "{skipped} bytes at the end of the input are not a record \
                     (a record starts with its 5-digit length)"
                ))
                .at_record(self.record_number, skip_offset))));
            }
            if window[..5].iter().all(u8::is_ascii_digit) {
                break;
            }
            let mut i = 1;
            while i + 5 <= window.len() && !window[i..i + 5].iter().all(u8::is_ascii_digit) {
                i += 1;
            }
            if i + 5 > window.len() {
                // Keep the last four bytes: they may start the next record's length.
                i = window.len() - 4;
            }
            garbage |= window[..i].iter().any(|b| !is_filler(*b));
            skipped += i;
            self.consume(i);
        }
        self.record_number += 1;
        let number = self.record_number;
        let record_offset = self.offset;
        if garbage {
            warnings.push(
                Diagnostic::warning(format!(
                    "skipped {skipped} bytes before this record that are not part of any record"
                ))
                .at_record(number, skip_offset),
            );
        }
        let frame_warning = |message: String| {
            Diagnostic::warning(message)
                .at_record(number, record_offset)
                .in_field("LDR")
                .at_position("00-04")
        };
        let declared = parse_digits(&self.window()[..5]).unwrap_or(0);
        let mut length = None;
        if declared > LEADER_LEN && self.fill(declared)? >= declared {
            let window = &self.window()[..declared];
            if window[declared - 1] == RECORD_TERMINATOR {
                match memchr(RECORD_TERMINATOR, &window[5..declared - 1]) {
                    None => length = Some(declared),
                    Some(k) => {
                        let actual = 5 + k + 1;
                        warnings.push(frame_warning(format!(
                            "the leader says the record is {declared} bytes, but a record \
                             terminator (0x1D) ends it after {actual}"
                        )));
                        length = Some(actual);
                    }
                }
            } else if memchr(RECORD_TERMINATOR, &window[5..]).is_none() {
                // A missing record terminator: the leader's length either leaves it out (and
                // ends on the last field terminator) or counts it (and ends one byte into the
                // next record).
                let starts_record = |at: usize| {
                    let after = &self.window()[at.min(self.available())..];
                    (after.len() >= 5 && after[..5].iter().all(u8::is_ascii_digit))
                        || (after.is_empty() && self.eof)
                };
                let end = if window[declared - 1] == FIELD_TERMINATOR && starts_record(declared) {
                    Some(declared)
                } else if window[declared - 2] == FIELD_TERMINATOR && starts_record(declared - 1) {
                    Some(declared - 1)
                } else {
                    None
                };
                if let Some(end) = end {
                    warnings.push(frame_warning(
                        "the record has no record terminator (0x1D); it ends where its leader \
                         length says, on a field terminator"
                            .to_string(),
                    ));
                    length = Some(end);
                }
            }
        }
        let length = match length {
            Some(length) => length,
            None => match self.scan_for_terminator()? {
                Scan::Found(actual) => {
                    warnings.push(frame_warning(format!(
                        "the leader says the record is {declared} bytes, but its record \
                         terminator (0x1D) is {actual} bytes from its start; read up to it"
                    )));
                    actual
                }
                Scan::EndOfInput(actual) => {
                    warnings.push(frame_warning(format!(
                        "the input ends {actual} bytes into this record without a record \
                         terminator (0x1D); read what there is"
                    )));
                    actual
                }
                Scan::TooLong => {
                    let dropped = self.discard_through_terminator()?;
                    return Ok(Some(Err(Diagnostic::error(format!(
                        "no record terminator (0x1D) within {MAX_SCAN} bytes of the record \
                         start; skipped {dropped} bytes to the next one"
                    ))
                    .at_record(number, record_offset)
                    .in_field("LDR"))));
                }
            },
        };
        let result = parse_record(
            &self.buf[self.start..self.start + length],
            number,
            record_offset,
            warnings,
        );
        self.consume(length);
        Ok(Some(result))
    }

    fn scan_for_terminator(&mut self) -> io::Result<Scan> {
        let mut from = 5;
        loop {
            if let Some(k) = memchr(RECORD_TERMINATOR, &self.window()[from..]) {
                return Ok(Scan::Found(from + k + 1));
            }
            let available = self.available();
            if available >= MAX_SCAN {
                return Ok(Scan::TooLong);
            }
            from = available;
            let got = self.fill((available + BUFFER_LEN).min(MAX_SCAN))?;
            if got == available {
                return Ok(Scan::EndOfInput(available));
            }
        }
    }

    /// Drops bytes up to and including the next record terminator, without holding them.
    fn discard_through_terminator(&mut self) -> io::Result<u64> {
        let mut dropped = 0u64;
        loop {
            if let Some(k) = memchr(RECORD_TERMINATOR, self.window()) {
                dropped += k as u64 + 1;
                self.consume(k + 1);
                return Ok(dropped);
            }
            let available = self.available();
            dropped += available as u64;
            self.consume(available);
            if self.fill(1)? == 0 {
                return Ok(dropped);
            }
        }
    }
}

enum Scan {
    Found(usize),
    EndOfInput(usize),
    TooLong,
}

impl<R: Read> Iterator for Reader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(item) => item,
            Err(e) => {
                self.failed = true;
                Some(Err(Diagnostic::error(format!(
                    "could not read the input: {e}"
                ))
                .at_record(self.record_number + 1, self.offset)))
            }
        }
    }
}

/// Bytes that pad files between or after records and mean nothing: line breaks from e-mail
/// and FTP text mode, NULs from tape blocks, Ctrl-Z from DOS.
fn is_filler(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0 || b == 0x1A
}

fn parse_digits(bytes: &[u8]) -> Option<usize> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0usize, |n, b| n * 10 + usize::from(b - b'0')),
    )
}

/// Where the diagnostics of one record point.
struct Cx {
    number: u64,
    offset: u64,
    warnings: Vec<Diagnostic>,
}

impl Cx {
    fn locate(
        &self,
        d: Diagnostic,
        at: usize,
        tag: impl fmt::Display,
        position: Option<String>,
    ) -> Diagnostic {
        let mut d = d
            .at_record(self.number, self.offset + at as u64)
            .in_field(tag.to_string());
        d.position = position;
        d
    }

    fn warn(
        &mut self,
        at: usize,
        tag: impl fmt::Display,
        position: Option<String>,
        message: String,
    ) {
        let d = self.locate(Diagnostic::warning(message), at, tag, position);
        self.warnings.push(d);
    }

    fn error(&self, at: usize, tag: impl fmt::Display, message: String) -> Diagnostic {
        self.locate(Diagnostic::error(message), at, tag, None)
    }
}

/// A directory entry's tag bytes as a diagnostic names them: printed only when a diagnostic is
/// made, so a well-formed record never turns its tags into text.
#[derive(Clone, Copy)]
struct TagName([u8; 3]);

impl fmt::Display for TagName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.iter().all(u8::is_ascii_graphic) {
            self.0
                .iter()
                .try_for_each(|b| write!(f, "{}", char::from(*b)))
        } else {
            f.write_str(&printable(&self.0))
        }
    }
}

fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).escape_debug().to_string()
}

#[allow(clippy::result_large_err)]
fn parse_record(raw: &[u8], number: u64, offset: u64, warnings: Vec<Diagnostic>) -> ReadResult {
    // Well-formed records (nearly all) take a fast path that trusts the directory once one
    // count over the data shows it can be trusted. Any record that does not qualify is read
    // again the careful way: every field located, searched and repaired as needed.
    let mut retry_carefully = false;
    let fast = parse_record_as(
        raw,
        number,
        offset,
        warnings.clone(),
        false,
        &mut retry_carefully,
    );
    if !retry_carefully {
        return fast;
    }
    parse_record_as(raw, number, offset, warnings, true, &mut retry_carefully)
}

#[allow(clippy::result_large_err)]
fn parse_record_as(
    raw: &[u8],
    number: u64,
    offset: u64,
    warnings: Vec<Diagnostic>,
    careful: bool,
    retry_carefully: &mut bool,
) -> ReadResult {
    let mut cx = Cx {
        number,
        offset,
        warnings,
    };
    let body = raw.strip_suffix(&[RECORD_TERMINATOR]).unwrap_or(raw);
    if body.len() < LEADER_LEN {
        return Err(cx.error(
            0,
            "LDR",
            format!(
                "the record is {} bytes long, shorter than its 24-byte leader",
                raw.len()
            ),
        ));
    }
    let mut leader = [0u8; LEADER_LEN];
    leader.copy_from_slice(&body[..LEADER_LEN]);
    for (i, b) in leader.iter_mut().enumerate().take(20) {
        if !(b' '..=b'~').contains(b) {
            cx.warn(
                i,
                "LDR",
                Some(format!("{i:02}")),
                format!("byte 0x{b:02X} is not a leader character; read as a blank"),
            );
            *b = b' ';
        }
    }
    let indicator_count = usize::from(leader[10].wrapping_sub(b'0'));
    if leader[10] != b'2' {
        cx.warn(
            10,
            "LDR",
            Some("10".into()),
            format!(
                "the indicator count is '{}', not 2; read two indicators per field",
                leader[10] as char
            ),
        );
        leader[10] = b'2';
    }
    if leader[11] != b'2' {
        cx.warn(
            11,
            "LDR",
            Some("11".into()),
            format!(
                "the subfield code length is '{}', not 2; read one-character codes",
                leader[11] as char
            ),
        );
        leader[11] = b'2';
    }
    if &leader[20..24] != b"4500" {
        cx.warn(
            20,
            "LDR",
            Some("20-23".into()),
            format!(
                "the entry map is '{}', not '4500'; read 12-byte directory entries",
                printable(&leader[20..24])
            ),
        );
        leader[20..24].copy_from_slice(b"4500");
    }

    let declared_base = parse_digits(&body[12..17]).filter(|b| *b > LEADER_LEN && *b <= body.len());
    let first_terminator =
        memchr(FIELD_TERMINATOR, &body[LEADER_LEN..]).map(|k| LEADER_LEN + k + 1);
    let base = match (declared_base, first_terminator) {
        (Some(b), _) if body[b - 1] == FIELD_TERMINATOR => b,
        (None, None) => {
            return Err(cx.error(
                LEADER_LEN,
                "DIR",
                "no field terminator (0x1E) ends the directory, so no field can be found".into(),
            ));
        }
        (declared, found) => {
            // The base address is wrong or the directory is: keep whichever reading puts
            // more fields on their terminators.
            let b = match (declared, found) {
                (Some(d), Some(f)) if fields_in_place(body, d) > fields_in_place(body, f) => d,
                (_, Some(f)) => f,
                (Some(d), None) => d,
                (None, None) => LEADER_LEN + 1,
            };
            cx.warn(
                12,
                "LDR",
                Some("12-16".into()),
                format!(
                    "the base address '{}' does not point just past the directory's field \
                     terminator; the data is read from byte {b}",
                    printable(&body[12..17]),
                ),
            );
            b
        }
    };
    let directory = &body[LEADER_LEN..base - 1];
    if !directory.len().is_multiple_of(DIRECTORY_ENTRY_LEN) {
        let rest = directory.len() % DIRECTORY_ENTRY_LEN;
        cx.warn(
            base - 1 - rest,
            "DIR",
            None,
            format!(
                "the directory is {} bytes, not a multiple of 12; its last {rest} bytes \
                 ('{}') are ignored",
                directory.len(),
                printable(&directory[directory.len() - rest..])
            ),
        );
    }
    let data = &body[base..];
    let decoder = choose_decoder(&mut leader, data, base, &mut cx);

    let entry_count = directory.len() / DIRECTORY_ENTRY_LEN;
    // The fast path's promise: as many field terminators in the data as directory entries.
    // With every field ending in one at a disjoint, increasing place (checked per field
    // below), no field can then hold a stray one, so no field needs searching for one.
    // A plain byte count vectorizes; it is cheaper than a search per field.
    if !careful && memchr::memchr_iter(FIELD_TERMINATOR, data).count() != entry_count {
        *retry_carefully = true;
        return Err(cx.error(LEADER_LEN, "DIR", "not a well-formed directory".into()));
    }
    let mut fields = Vec::with_capacity(entry_count);
    let mut cursor = 0usize;
    let mut shift = 0isize;
    for (i, entry) in directory.chunks_exact(DIRECTORY_ENTRY_LEN).enumerate() {
        let entry_at = LEADER_LEN + i * DIRECTORY_ENTRY_LEN;
        let tag_text = TagName([entry[0], entry[1], entry[2]]);
        let length = parse_digits(&entry[3..7]);
        let start = parse_digits(&entry[7..12]);
        let next_entry = directory
            .get(entry_at - LEADER_LEN + DIRECTORY_ENTRY_LEN..)
            .filter(|rest| rest.len() >= DIRECTORY_ENTRY_LEN);
        let extent = if careful {
            locate_field(
                data, length, start, next_entry, cursor, shift, base, entry_at, tag_text, &mut cx,
            )
        } else {
            // The fast path takes only what the directory says, field after field; anything
            // else goes to the careful path.
            match (start, length) {
                (Some(s), Some(l))
                    if l >= 1
                        && s >= cursor
                        && s + l <= data.len()
                        && data[s + l - 1] == FIELD_TERMINATOR =>
                {
                    Some(Extent {
                        start: s,
                        end: s + l - 1,
                        next: s + l,
                    })
                }
                _ => {
                    *retry_carefully = true;
                    return Err(cx.error(entry_at, "DIR", "not a well-formed directory".into()));
                }
            }
        };
        let Some(extent) = extent else {
            continue;
        };
        let (fs, fe) = (extent.start, extent.end);
        cursor = extent.next;
        if let (Some(s), Some(l)) = (start, length) {
            shift = extent.next as isize - (s + l) as isize;
        }
        let tag = match Tag::from_bytes(tag_text.0) {
            Some(tag) => {
                if !tag.is_standard() {
                    cx.warn(
                        entry_at,
                        tag_text,
                        None,
                        format!(
                            "directory entry {} has tag '{tag_text}', which is not three letters \
                             or digits; the field is kept under it",
                            i + 1
                        ),
                    );
                }
                tag
            }
            _ => {
                cx.warn(
                    entry_at,
                    tag_text,
                    None,
                    format!(
                        "directory entry {} has tag '{tag_text}', which is not three printable \
                         characters; its field ('{}') is dropped",
                        i + 1,
                        printable(&data[fs..fe])
                    ),
                );
                continue;
            }
        };
        if tag.is_control() {
            fields.push(control_field(
                tag, tag_text, data, fs, fe, &decoder, base, &mut cx,
            ));
        } else {
            data_field(
                &mut fields,
                tag,
                tag_text,
                data,
                fs,
                fe,
                indicator_count,
                &decoder,
                base,
                &mut cx,
            );
        }
    }
    let leader = match Leader::from_ascii(leader) {
        Some(leader) => leader,
        None => return Err(cx.error(0, "LDR", "the leader is unreadable".into())),
    };
    let record = Record { leader, fields };
    if let Some(control_number) = record.control_number() {
        for w in &mut cx.warnings {
            w.control_number = Some(control_number.to_string());
        }
    }
    Ok(Decoded {
        record,
        warnings: cx.warnings,
    })
}

/// How many directory entries point exactly at a field terminator when the data starts at
/// `base`: the test that tells a wrong base address from a wrong directory end.
fn fields_in_place(body: &[u8], base: usize) -> usize {
    let data = &body[base..];
    body[LEADER_LEN..base - 1]
        .chunks_exact(DIRECTORY_ENTRY_LEN)
        .filter(|e| {
            matches!(
                (parse_digits(&e[3..7]), parse_digits(&e[7..12])),
                (Some(l), Some(s)) if l >= 1 && s + l <= data.len() && data[s + l - 1] == FIELD_TERMINATOR
            )
        })
        .count()
}

/// Where a field lies in the data area: its content `start..end` and where the next field
/// begins (past the terminator when there is one).
struct Extent {
    start: usize,
    end: usize,
    next: usize,
}

/// Finds a field from its directory entry when that is right; else where the entry would be
/// after the shift the previous fields showed (lengths counted in characters rather than
/// bytes shift every later field), or right after the previous field; else by the field
/// terminators around where it should be.
#[allow(clippy::too_many_arguments)]
fn locate_field(
    data: &[u8],
    length: Option<usize>,
    start: Option<usize>,
    next_entry: Option<&[u8]>,
    cursor: usize,
    shift: isize,
    base: usize,
    entry_at: usize,
    tag: TagName,
    cx: &mut Cx,
) -> Option<Extent> {
    let exact = |s: usize, l: usize| {
        l >= 1
            && s + l <= data.len()
            && data[s + l - 1] == FIELD_TERMINATOR
            && memchr(FIELD_TERMINATOR, &data[s..s + l - 1]).is_none()
    };
    let shifted = start.and_then(|s| s.checked_add_signed(shift));
    if let (Some(s), Some(l)) = (start, length) {
        if exact(s, l) {
            return Some(Extent {
                start: s,
                end: s + l - 1,
                next: s + l,
            });
        }
        for candidate in [shifted, Some(cursor)].into_iter().flatten() {
            if candidate != s && exact(candidate, l) {
                cx.warn(
                    entry_at,
                    tag,
                    None,
                    format!(
                        "the directory says the field starts at data byte {s}, but it is at \
                         {candidate} (the fields before it were not where or as long as the \
                         directory says)"
                    ),
                );
                return Some(Extent {
                    start: candidate,
                    end: candidate + l - 1,
                    next: candidate + l,
                });
            }
        }
    }
    let is_field_start = |c: usize| c < data.len() && (c == 0 || data[c - 1] == FIELD_TERMINATOR);
    let s = match [shifted, Some(cursor), start]
        .into_iter()
        .flatten()
        .find(|c| is_field_start(*c))
        .or(start.filter(|s| *s < data.len()))
    {
        Some(s) => s,
        None => {
            cx.warn(
                entry_at,
                tag,
                None,
                "the directory entry points past the end of the record and no field is left \
                 after the previous one; the field is dropped"
                    .into(),
            );
            return None;
        }
    };
    let terminator = memchr(FIELD_TERMINATOR, &data[s..]).map(|k| s + k);
    let next_start = next_entry.and_then(|e| parse_digits(&e[7..12]));
    if let Some(l) = length
        && l >= 1
        && s + l <= data.len()
        && terminator.is_none_or(|t| t >= s + l)
    {
        // The directory's extent holds no terminator: either the length leaves it out, or the
        // terminator is missing and the next field starts right after.
        if terminator == Some(s + l) {
            cx.warn(
                base + s + l,
                tag,
                None,
                format!(
                    "the directory length {l} leaves out the field terminator; read {} bytes",
                    l + 1
                ),
            );
            return Some(Extent {
                start: s,
                end: s + l,
                next: s + l + 1,
            });
        }
        if next_start.and_then(|n| n.checked_add_signed(shift)) == Some(s + l)
            || next_start == Some(s + l)
            || s + l == data.len()
        {
            cx.warn(
                base + s + l - 1,
                tag,
                None,
                "the field has no field terminator (0x1E); read the length the directory gives"
                    .into(),
            );
            return Some(Extent {
                start: s,
                end: s + l,
                next: s + l,
            });
        }
    }
    let end = terminator.unwrap_or(data.len());
    cx.warn(
        entry_at,
        tag,
        None,
        match (length, terminator) {
            (_, None) => "the field runs to the end of the record without a field terminator \
                          (0x1E)"
                .to_string(),
            (Some(l), Some(_)) => format!(
                "the directory says the field is {l} bytes at data byte {}, but it is {} \
                 bytes at {s}; read up to its terminator",
                start.map_or("?".to_string(), |v| v.to_string()),
                end - s + 1
            ),
            (None, Some(_)) => format!(
                "the directory entry's length is not a number; read the {} bytes up to the \
                 field terminator",
                end - s + 1
            ),
        },
    );
    Some(Extent {
        start: s,
        end,
        next: (end + 1).min(data.len()),
    })
}

/// How a record's values become text, chosen once per record from Leader/09 and the bytes.
enum Decoder<'a> {
    /// The whole data area is valid UTF-8; values are slices of it. `escapes` tells whether
    /// it holds any ESC byte at all, so values need not be searched for one when it does not.
    Utf8 { text: &'a str, escapes: bool },
    /// MARC-8, value by value, falling back to UTF-8 or U+FFFD replacements per value.
    Marc8(&'a [u8]),
    /// Declared UTF-8 but not valid: valid values as they are, the others with U+FFFD.
    Lossy(&'a [u8]),
}

fn choose_decoder<'a>(
    leader: &mut [u8; LEADER_LEN],
    data: &'a [u8],
    base: usize,
    cx: &mut Cx,
) -> Decoder<'a> {
    let coding = leader[9];
    // Output is always UTF-8, whatever the input was.
    leader[9] = b'a';
    let utf8 = simdutf8::basic::from_utf8(data).map_err(|_| ());
    // ESC never appears in real UTF-8 text but opens every MARC-8 character set change: a
    // record with escapes and no multibyte UTF-8 is MARC-8 whatever Leader/09 says.
    let escapes = memchr(ESCAPE, data).is_some();
    let marc8_escapes = escapes && !has_multibyte_utf8(data);
    match (coding, utf8) {
        (b'a', Ok(_)) if marc8_escapes => {
            cx.warn(
                9,
                "LDR",
                Some("09".into()),
                "Leader/09 says UTF-8, but the record holds MARC-8 escape sequences and no \
                 UTF-8 multibyte characters; converted from MARC-8"
                    .into(),
            );
            Decoder::Marc8(data)
        }
        (b'a', Ok(text)) => Decoder::Utf8 { text, escapes },
        (b'a', Err(())) => {
            let at = base
                + std::str::from_utf8(data)
                    .err()
                    .map_or(0, |e| e.valid_up_to());
            if !has_multibyte_utf8(data) && decodes_as_marc8(data) {
                cx.warn(
                    9,
                    "LDR",
                    Some("09".into()),
                    format!(
                        "Leader/09 says UTF-8, but the bytes are not (first bad byte at {at}) \
                         and they read as MARC-8; converted from MARC-8"
                    ),
                );
                Decoder::Marc8(data)
            } else {
                Decoder::Lossy(data)
            }
        }
        (b' ', Ok(text)) if text.is_ascii() && !escapes => Decoder::Utf8 { text, escapes },
        // MARC-8 text is almost never valid UTF-8 once it has non-ASCII bytes (its
        // diacritics come before an ASCII letter, never as UTF-8 continuation bytes), while
        // a MARC-8 converter fed UTF-8 tends to succeed with mojibake: so UTF-8 wins here.
        (b' ', Ok(text)) if !escapes => {
            cx.warn(
                9,
                "LDR",
                Some("09".into()),
                "Leader/09 says MARC-8 but the bytes are UTF-8; read as UTF-8".into(),
            );
            Decoder::Utf8 { text, escapes }
        }
        (b' ', _) => Decoder::Marc8(data),
        (other, Ok(_)) if marc8_escapes => {
            cx.warn(
                9,
                "LDR",
                Some("09".into()),
                format!(
                    "Leader/09 is '{}', neither 'a' (UTF-8) nor blank (MARC-8); the record \
                     holds MARC-8 escape sequences, so read as MARC-8",
                    printable(&[other])
                ),
            );
            Decoder::Marc8(data)
        }
        (other, Ok(text)) => {
            cx.warn(
                9,
                "LDR",
                Some("09".into()),
                format!(
                    "Leader/09 is '{}', neither 'a' (UTF-8) nor blank (MARC-8); the bytes \
                     are valid UTF-8, so read as UTF-8",
                    printable(&[other])
                ),
            );
            Decoder::Utf8 { text, escapes }
        }
        (other, Err(_)) => {
            let marc8 = decodes_as_marc8(data);
            cx.warn(
                9,
                "LDR",
                Some("09".into()),
                format!(
                    "Leader/09 is '{}', neither 'a' (UTF-8) nor blank (MARC-8); the bytes are \
                     not UTF-8, so read as {}",
                    printable(&[other]),
                    if marc8 {
                        "MARC-8"
                    } else {
                        "UTF-8 with replacements"
                    }
                ),
            );
            if marc8 {
                Decoder::Marc8(data)
            } else {
                Decoder::Lossy(data)
            }
        }
    }
}

fn has_multibyte_utf8(data: &[u8]) -> bool {
    data.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

fn decodes_as_marc8(data: &[u8]) -> bool {
    data.split(|b| *b == FIELD_TERMINATOR || *b == SUBFIELD_DELIMITER)
        .all(|value| crate::marc8::decode(value).is_ok())
}

impl Decoder<'_> {
    /// The text of data bytes `a..b`.
    #[inline]
    fn value(
        &self,
        a: usize,
        b: usize,
        base: usize,
        tag: TagName,
        code: Option<char>,
        cx: &mut Cx,
    ) -> Text {
        // The common case — a valid UTF-8 record without MARC-8 escapes, checked once for the
        // whole record — is a copy of the slice, inline when short; nothing is re-checked.
        if let Decoder::Utf8 {
            text,
            escapes: false,
        } = self
            && let Some(v) = text.get(a..b)
        {
            return Text::from(v);
        }
        Text::from(self.converted(a, b, base, tag, code, cx))
    }

    /// The text of data bytes `a..b` when the record is not plain UTF-8.
    #[cold]
    fn converted(
        &self,
        a: usize,
        b: usize,
        base: usize,
        tag: TagName,
        code: Option<char>,
        cx: &mut Cx,
    ) -> String {
        let position = || code.map(|c| format!("${c}"));
        // MARC-8 with a damaged part (a bad escape, a truncated character): keep what
        // converts, mark the rest with U+FFFD, say where.
        let lossy = |v: &[u8], e: &crate::marc8::Marc8Error, cx: &mut Cx| {
            let (text, problems) = crate::marc8::decode_lossy(v);
            cx.warn(
                base + a + e.position.min(v.len()),
                tag,
                position(),
                format!(
                    "cannot fully convert from MARC-8 ({e}); {} character(s) replaced with U+FFFD",
                    problems.len().max(1)
                ),
            );
            text
        };
        // ESC opens a MARC-8 character set and is never text: a value holding one is MARC-8
        // whatever the record's encoding, so no escape ever reaches the output (and reading
        // our own output back gives the same record).
        let raw = match self {
            Decoder::Utf8 { text, .. } => text.as_bytes(),
            Decoder::Marc8(data) | Decoder::Lossy(data) => data,
        };
        if let Some(v) = raw.get(a..b).filter(|v| memchr(ESCAPE, v).is_some()) {
            match crate::marc8::decode(v) {
                Ok(text) => {
                    if !matches!(self, Decoder::Marc8(_)) {
                        cx.warn(
                            base + a,
                            tag,
                            position(),
                            "MARC-8 escape sequences in a UTF-8 record; this value was converted \
                             from MARC-8"
                                .into(),
                        );
                    }
                    return text;
                }
                Err(e) => return lossy(v, &e, cx),
            }
        }
        match self {
            Decoder::Utf8 { text, .. } => match text.get(a..b) {
                Some(v) => v.to_owned(),
                None => String::from_utf8_lossy(&text.as_bytes()[a..b]).into_owned(),
            },
            Decoder::Marc8(data) => {
                let v = &data[a..b];
                if v.is_ascii() && memchr(ESCAPE, v).is_none() {
                    return String::from_utf8_lossy(v).into_owned();
                }
                match crate::marc8::decode(v) {
                    Ok(text) => text,
                    Err(e) => match std::str::from_utf8(v) {
                        // Not UTF-8 text either: keep what converts, mark the rest.
                        Ok(_) if !has_multibyte_utf8(v) => lossy(v, &e, cx),
                        Ok(text) => {
                            cx.warn(
                                base + a,
                                tag,
                                position(),
                                "Leader/09 says MARC-8 but the bytes are UTF-8; read as UTF-8"
                                    .into(),
                            );
                            text.to_owned()
                        }
                        // Neither MARC-8 nor UTF-8 and no escapes (e.g. Windows-1251 bytes
                        // under a blank Leader/09): guessing a third encoding would be
                        // mojibake, so the unreadable bytes are marked instead.
                        Err(_) => {
                            cx.warn(
                                base + a + e.position.min(v.len()),
                                tag,
                                position(),
                                format!(
                                    "cannot convert from MARC-8 ({e}); kept with U+FFFD for \
                                     the bytes that are not UTF-8"
                                ),
                            );
                            String::from_utf8_lossy(v).into_owned()
                        }
                    },
                }
            }
            Decoder::Lossy(data) => {
                let v = &data[a..b];
                match std::str::from_utf8(v) {
                    Ok(text) => text.to_owned(),
                    Err(e) => {
                        let bad = e.valid_up_to();
                        cx.warn(
                            base + a + bad,
                            tag,
                            position(),
                            format!(
                                "invalid UTF-8 (byte 0x{:02X}, {bad} bytes into the value); \
                                 replaced with U+FFFD",
                                v[bad]
                            ),
                        );
                        String::from_utf8_lossy(v).into_owned()
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn control_field(
    tag: Tag,
    tag_text: TagName,
    data: &[u8],
    fs: usize,
    fe: usize,
    decoder: &Decoder,
    base: usize,
    cx: &mut Cx,
) -> Field {
    if let Some(k) = memchr(SUBFIELD_DELIMITER, &data[fs..fe]) {
        cx.warn(
            base + fs + k,
            tag_text,
            None,
            "a control field holds a subfield delimiter (0x1F); kept as part of its value".into(),
        );
    }
    Field::Control {
        tag,
        value: decoder.value(fs, fe, base, tag_text, None, cx),
    }
}

/// Reads a data field into a new last entry of `fields`, built in place: a field with its
/// inline subfields is some 150 bytes, and moving it out of a helper and into the list would
/// copy it twice.
#[allow(clippy::too_many_arguments)]
fn data_field(
    fields: &mut Vec<Field>,
    tag: Tag,
    tag_text: TagName,
    data: &[u8],
    fs: usize,
    fe: usize,
    indicator_count: usize,
    decoder: &Decoder,
    base: usize,
    cx: &mut Cx,
) {
    let field = &data[fs..fe];
    let first = memchr(SUBFIELD_DELIMITER, field).unwrap_or(field.len());
    let plain = |b: u8| b == b' ' || b.is_ascii_graphic();
    let (indicators, undelimited) = match field {
        [a, b, ..] if first == 2 && plain(*a) && plain(*b) => (
            [
                Indicator::new(char::from(*a)).unwrap_or(Indicator::BLANK),
                Indicator::new(char::from(*b)).unwrap_or(Indicator::BLANK),
            ],
            None,
        ),
        _ => unusual_indicators(tag_text, field, first, fs, indicator_count, base, cx),
    };
    fields.push(Field::Data {
        tag,
        indicators,
        subfields: Subfields::new(),
    });
    let Some(Field::Data { subfields, .. }) = fields.last_mut() else {
        return;
    };
    if let Some(t) = undelimited {
        subfields.push(Subfield {
            code: constant_code('a'),
            value: decoder.value(fs + t, fs + first, base, tag_text, Some('a'), cx),
        });
    }
    let mut pos = first;
    while pos < field.len() {
        let next =
            memchr(SUBFIELD_DELIMITER, &field[pos + 1..]).map_or(field.len(), |k| pos + 1 + k);
        if next == pos + 1 {
            cx.warn(
                base + fs + pos,
                tag_text,
                None,
                "a subfield delimiter (0x1F) has no code or text after it; dropped".into(),
            );
            pos = next;
            continue;
        }
        let c = field[pos + 1];
        let (code, from) = match SubfieldCode::new(c as char) {
            Ok(code) if c.is_ascii() => (code, pos + 2),
            _ => {
                cx.warn(
                    base + fs + pos + 1,
                    tag_text,
                    None,
                    format!(
                        "subfield code byte 0x{c:02X} is not a printable ASCII character; the \
                         subfield's text is kept whole under $?"
                    ),
                );
                (constant_code('?'), pos + 1)
            }
        };
        subfields.push(Subfield {
            code,
            value: decoder.value(
                fs + from,
                fs + next,
                base,
                tag_text,
                Some(code.as_char()),
                cx,
            ),
        });
        pos = next;
    }
}

/// The indicators of a field that does not start with two plain ones, with a warning for
/// what was repaired, and where text without a subfield code starts (kept under `$a`).
#[cold]
fn unusual_indicators(
    tag_text: TagName,
    field: &[u8],
    first: usize,
    fs: usize,
    indicator_count: usize,
    base: usize,
    cx: &mut Cx,
) -> ([Indicator; 2], Option<usize>) {
    let mut undelimited = None;
    // A non-ASCII indicator in UTF-8 (`092 \u{e1}`) is two indicators, not text without a code.
    let two_chars =
        first > 2 && std::str::from_utf8(&field[..first]).is_ok_and(|p| p.chars().count() == 2);
    match first {
        2 => {}
        _ if two_chars => {}
        n if indicator_count == 0 && n > 0 => {
            cx.warn(
                base + fs,
                tag_text,
                Some("$a".into()),
                "Leader/10 says fields have no indicators and this one has no subfield \
                 delimiter (0x1F) first; indicators read as blank, its text kept under $a"
                    .into(),
            );
            undelimited = Some(0);
        }
        0 if field.is_empty() => cx.warn(
            base + fs,
            tag_text,
            None,
            "the data field is empty: no indicators, no subfields".into(),
        ),
        0 | 1 => cx.warn(
            base + fs,
            tag_text,
            Some("ind".into()),
            format!("the field has {first} indicator(s) before its first subfield; the missing ones read as blank"),
        ),
        n if n == indicator_count => cx.warn(
            base + fs + 2,
            tag_text,
            Some("ind".into()),
            format!(
                "the field has {n} indicators, as Leader/10 says; kept the first two and \
                 dropped '{}'",
                printable(&field[2..n])
            ),
        ),
        _ => {
            cx.warn(
                base + fs + 2,
                tag_text,
                Some("$a".into()),
                "the first subfield has no delimiter (0x1F) and no code; its text is kept \
                 under $a"
                    .into(),
            );
            undelimited = Some(2);
        }
    }
    let mut indicators = [Indicator::BLANK; 2];
    let fast = match (first, field.first(), field.get(1)) {
        (2, Some(a), Some(b)) => Indicator::new(char::from(*a))
            .ok()
            .zip(Indicator::new(char::from(*b)).ok())
            .filter(|_| a.is_ascii() && b.is_ascii()),
        _ => None,
    };
    let indicator_chars: Vec<(usize, char)> = match std::str::from_utf8(&field[..first]) {
        _ if undelimited == Some(0) => Vec::new(),
        _ if fast.is_some() => Vec::new(),
        Ok(prefix) if two_chars => prefix.char_indices().collect(),
        _ => field[..first.min(2)]
            .iter()
            .enumerate()
            .map(|(i, b)| (i, char::from(*b)))
            .collect(),
    };
    if let Some((a, b)) = fast {
        indicators = [a, b];
    }
    for (i, (at, c)) in indicator_chars.into_iter().enumerate() {
        match Indicator::new(c) {
            Ok(ind) => indicators[i] = ind,
            Err(_) => cx.warn(
                base + fs + at,
                tag_text,
                Some(format!("ind{}", i + 1)),
                format!(
                    "indicator {:?} (U+{:04X}) is not a printable ASCII character; read as blank",
                    c, c as u32
                ),
            ),
        }
    }
    (indicators, undelimited)
}

/// A code the reader supplies itself, for text that came without one.
fn constant_code(c: char) -> SubfieldCode {
    SubfieldCode::new(c).expect("the reader's own subfield codes are ASCII graphic characters")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    /// Builds a record from raw field contents (without terminators), with a correct leader
    /// and directory, so a test can then damage exactly one thing.
    fn assemble(leader: &str, fields: &[(&str, &[u8])]) -> Vec<u8> {
        let mut directory = Vec::new();
        let mut data = Vec::new();
        for (tag, content) in fields {
            let start = data.len();
            data.extend_from_slice(content);
            data.push(FIELD_TERMINATOR);
            directory
                .extend_from_slice(format!("{tag}{:04}{start:05}", data.len() - start).as_bytes());
        }
        directory.push(FIELD_TERMINATOR);
        let base = LEADER_LEN + directory.len();
        let length = base + data.len() + 1;
        let mut out =
            format!("{length:05}{}{base:05}{}", &leader[5..12], &leader[17..24]).into_bytes();
        out.extend_from_slice(&directory);
        out.extend_from_slice(&data);
        out.push(RECORD_TERMINATOR);
        out
    }

    const LDR_UTF8: &str = "00000nam a2200000 i 4500";
    const LDR_MARC8: &str = "00000nam  2200000 i 4500";

    fn simple(leader: &str, title: &[u8]) -> Vec<u8> {
        assemble(
            leader,
            &[
                ("001", b"rec-1"),
                ("245", &[b"10\x1fa".as_slice(), title].concat()),
                ("500", b"  \x1faA note."),
            ],
        )
    }

    fn read_all(bytes: &[u8]) -> Vec<ReadResult> {
        Reader::new(bytes).collect()
    }

    fn only_record(bytes: &[u8]) -> Decoded {
        let mut results = read_all(bytes);
        assert_eq!(results.len(), 1, "{results:?}");
        results.remove(0).expect("the record is recovered")
    }

    fn messages(decoded: &Decoded) -> String {
        decoded
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn field_text(record: &Record, tag: &str) -> String {
        match record.fields_with_tag(tag).next() {
            Some(Field::Control { value, .. }) => value.to_string(),
            Some(Field::Data {
                indicators,
                subfields,
                ..
            }) => {
                let mut s = format!("{}{}", indicators[0].as_char(), indicators[1].as_char());
                for sub in subfields {
                    s.push('$');
                    s.push(sub.code.as_char());
                    s.push_str(&sub.value);
                }
                s
            }
            None => String::new(),
        }
    }

    /// Regression (found by the fuzzer): a record with an unknown Leader/09, bytes that are
    /// not UTF-8 in one field and MARC-8 escapes in another kept the raw escapes; written back
    /// as UTF-8 and read again, the escapes were converted, so the record changed on re-read.
    #[test]
    fn escapes_never_survive_so_a_re_read_gives_the_same_record() {
        let bytes = assemble(
            "00000nam^^2200000^^^4500",
            &[
                ("001", b"UCD-1"),
                ("245", b"00\x1faTitle \xff\xff"),
                ("500", b"  \x1faSignatures: A\x1bp4\x1b(B B\x1bp2"),
            ],
        );
        let first = Reader::new(bytes.as_slice())
            .next()
            .expect("one record")
            .expect("recovered");
        let note = first
            .record
            .fields_with_tag("500")
            .next()
            .and_then(|f| f.subfield('a'));
        assert_eq!(note, Some("Signatures: A\u{2074} B\u{b2}"));
        let again = from_bytes(&to_bytes(&first.record).expect("writes")).expect("reads back");
        assert_eq!(again.fields, first.record.fields);
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
            err.starts_with(&format!(
                "error: record 2, byte {}, field DIR: ",
                good.len() + 1 + 24
            )),
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

    #[test]
    fn well_formed_records_read_without_warnings() {
        let bytes = simple(LDR_UTF8, "Truyện Kiều".as_bytes());
        let decoded = only_record(&bytes);
        assert!(decoded.warnings.is_empty(), "{}", messages(&decoded));
        assert_eq!(field_text(&decoded.record, "245"), "10$aTruyện Kiều");
        assert_eq!(to_bytes(&decoded.record).expect("writes"), bytes);
    }

    /// One damage, what the reader must say about it, and what it must make of the record.
    struct Damage {
        name: &'static str,
        bytes: Vec<u8>,
        warning: &'static str,
        tag: &'static str,
        expect: &'static str,
    }

    fn damages() -> Vec<Damage> {
        let good = simple(LDR_UTF8, b"Title");
        let mut wrong_length = good.clone();
        wrong_length[..5].copy_from_slice(b"00050");
        let mut too_long = good.clone();
        too_long[..5].copy_from_slice(b"99999");
        let mut base = good.clone();
        base[12..17].copy_from_slice(b"00099");
        let mut entry_length = good.clone();
        // 245's directory entry: length 0011 becomes 0030.
        entry_length[24 + 12 + 3..24 + 12 + 7].copy_from_slice(b"0030");
        let mut entry_start = good.clone();
        entry_start[24 + 12 + 7..24 + 12 + 12].copy_from_slice(b"00900");
        let mut indicator_count = assemble(
            "00000nam a3200000 i 4500",
            &[("001", b"rec-1"), ("245", b"100\x1faTitle")],
        );
        indicator_count.truncate(indicator_count.len());
        vec![
            Damage {
                name: "leader length lands inside the record",
                bytes: wrong_length,
                warning: "record terminator (0x1D) is",
                tag: "245",
                expect: "10$aTitle",
            },
            Damage {
                name: "leader length points past the end",
                bytes: too_long,
                warning: "but its record terminator (0x1D) is",
                tag: "245",
                expect: "10$aTitle",
            },
            Damage {
                name: "base address wrong",
                bytes: base,
                warning: "base address '00099'",
                tag: "500",
                expect: "  $aA note.",
            },
            Damage {
                name: "directory length too long",
                bytes: entry_length,
                warning: "the directory says the field is 30 bytes",
                tag: "245",
                expect: "10$aTitle",
            },
            Damage {
                name: "directory start past the end",
                bytes: entry_start,
                warning: "the directory says the field starts at data byte 900",
                tag: "245",
                expect: "10$aTitle",
            },
            Damage {
                name: "three indicators, as the leader says",
                bytes: indicator_count,
                warning: "kept the first two and dropped '0'",
                tag: "245",
                expect: "10$aTitle",
            },
            Damage {
                name: "first subfield without a delimiter",
                bytes: assemble(LDR_UTF8, &[("245", b"10Title\x1fbrest")]),
                warning: "kept under $a",
                tag: "245",
                expect: "10$aTitle$brest",
            },
            Damage {
                name: "delimiter right before the field terminator",
                bytes: assemble(LDR_UTF8, &[("245", b"10\x1faTitle\x1f")]),
                warning: "has no code or text after it",
                tag: "245",
                expect: "10$aTitle",
            },
            Damage {
                name: "missing indicators",
                bytes: assemble(LDR_UTF8, &[("245", b"\x1faTitle")]),
                warning: "0 indicator(s)",
                tag: "245",
                expect: "  $aTitle",
            },
            Damage {
                name: "invalid UTF-8 in a UTF-8 record",
                bytes: simple(LDR_UTF8, b"Ti\xfftle \xc3\xa9"),
                warning: "field 245/$a: invalid UTF-8 (byte 0xFF, 2 bytes into the value)",
                tag: "245",
                expect: "10$aTi\u{FFFD}tle é",
            },
            Damage {
                name: "MARC-8 leader over UTF-8 bytes",
                bytes: simple(LDR_MARC8, "Tiếng Việt".as_bytes()),
                warning: "Leader/09 says MARC-8 but the bytes are UTF-8",
                tag: "245",
                expect: "10$aTiếng Việt",
            },
            Damage {
                name: "unknown MARC-8 escape in a value that is not UTF-8 leaves no raw ESC",
                bytes: simple(LDR_MARC8, b"Soci\x1bt\xe2e"),
                warning: "cannot fully convert from MARC-8",
                tag: "245",
                expect: "10$aSoci\u{FFFD}é",
            },
            Damage {
                name: "Leader/09 neither a nor blank",
                bytes: simple("00000nam x2200000 i 4500", b"Title"),
                warning: "Leader/09 is 'x'",
                tag: "245",
                expect: "10$aTitle",
            },
            Damage {
                name: "control field with a delimiter",
                bytes: assemble(LDR_UTF8, &[("001", b"\x1fa123")]),
                warning: "holds a subfield delimiter",
                tag: "001",
                expect: "\u{1f}a123",
            },
        ]
    }

    #[test]
    fn damaged_records_are_recovered_with_a_located_warning() {
        for damage in damages() {
            let decoded = only_record(&damage.bytes);
            let all = messages(&decoded);
            assert!(
                all.contains(damage.warning),
                "{}: expected a warning containing {:?}, got:\n{all}",
                damage.name,
                damage.warning
            );
            assert!(
                decoded
                    .warnings
                    .iter()
                    .all(|w| w.record == Some(1) && w.offset.is_some() && w.tag.is_some()),
                "{}: every warning is located: {all}",
                damage.name
            );
            assert_eq!(
                field_text(&decoded.record, damage.tag),
                damage.expect,
                "{}",
                damage.name
            );
            assert_eq!(
                decoded.record.leader.character_coding(),
                'a',
                "{}",
                damage.name
            );
        }
    }

    #[test]
    fn warnings_name_the_control_number() {
        let decoded = only_record(&simple(LDR_UTF8, b"Ti\xfftle"));
        assert_eq!(decoded.warnings[0].control_number.as_deref(), Some("rec-1"));
        assert!(decoded.warnings[0].to_string().contains("(001 rec-1)"));
    }

    #[test]
    fn missing_record_terminator_ends_at_the_leader_length() {
        let good = simple(LDR_UTF8, b"Title");
        let mut stream = good[..good.len() - 1].to_vec();
        stream.extend_from_slice(&good);
        let results = read_all(&stream);
        assert_eq!(results.len(), 2, "{results:?}");
        let first = results[0].as_ref().expect("first recovered");
        assert!(messages(first).contains("no record terminator"));
        assert_eq!(field_text(&first.record, "500"), "  $aA note.");
        let second = results[1].as_ref().expect("second intact");
        assert!(second.warnings.is_empty());
        assert_eq!(second.warnings.len(), 0);
        assert_eq!(results[1].as_ref().map(|d| d.record.fields.len()), Ok(3));
    }

    #[test]
    fn garbage_between_records_is_skipped_and_counted() {
        let good = simple(LDR_UTF8, b"Title");
        let mut stream = good.clone();
        stream.extend_from_slice(b"\r\n\0junk!");
        stream.extend_from_slice(&good);
        stream.extend_from_slice(b"\n\x1a");
        let results = read_all(&stream);
        assert_eq!(results.len(), 2, "{results:?}");
        let second = results[1].as_ref().expect("second record read");
        let warning = &second.warnings[0];
        assert_eq!(warning.record, Some(2));
        assert_eq!(warning.offset, Some(good.len() as u64));
        assert!(warning.message.contains("skipped 8 bytes"), "{warning}");

        // Line breaks alone are not worth a warning.
        let mut stream = good.clone();
        stream.extend_from_slice(b"\n");
        stream.extend_from_slice(&good);
        assert!(
            read_all(&stream)
                .iter()
                .all(|r| r.as_ref().is_ok_and(|d| d.warnings.is_empty()))
        );
    }

    #[test]
    fn trailing_garbage_is_one_error() {
        let good = simple(LDR_UTF8, b"Title");
        let mut stream = good.clone();
        stream.extend_from_slice(b"tail");
        let results = read_all(&stream);
        assert_eq!(results.len(), 2);
        let err = results[1].as_ref().expect_err("tail is no record");
        assert_eq!(err.offset, Some(good.len() as u64));
        assert!(err.message.contains("4 bytes at the end"), "{err}");
    }

    #[test]
    fn a_record_without_any_terminator_is_given_up_and_the_next_is_read() {
        let good = simple(LDR_UTF8, b"Title");
        let mut stream = b"00100".to_vec();
        stream.resize(MAX_SCAN + 10, b'x');
        stream.push(RECORD_TERMINATOR);
        stream.extend_from_slice(&good);
        let results = read_all(&stream);
        assert_eq!(results.len(), 2);
        assert!(
            results[0]
                .as_ref()
                .is_err_and(|e| e.message.contains("no record terminator"))
        );
        assert!(results[1].as_ref().is_ok_and(|d| d.warnings.is_empty()));
    }

    #[test]
    fn marc8_ascii_records_become_utf8_records() {
        let decoded = only_record(&simple(LDR_MARC8, b"Plain title"));
        assert!(decoded.warnings.is_empty(), "{}", messages(&decoded));
        assert_eq!(decoded.record.leader.character_coding(), 'a');
        assert_eq!(field_text(&decoded.record, "245"), "10$aPlain title");
    }

    #[test]
    fn a_read_error_is_reported_once_and_ends_the_stream() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let results: Vec<_> = Reader::new(Failing).collect();
        assert_eq!(results.len(), 1);
        assert!(
            results[0]
                .as_ref()
                .is_err_and(|e| e.message.contains("disk on fire"))
        );
    }

    fn fixtures() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/marc")
    }

    /// (file, records a careful reader gets). Every record of every fixture is read; the peers
    /// lose some (see tests/fixtures/marc/SOURCES.md and the shared SOURCES.md).
    const FIXTURES: &[(&str, usize)] = &[
        ("marcjs/bib-one.mrc", 1),
        ("marcjs/bib.mrc", 6),
        ("natlibfi/iso2709-from1.mrc", 1),
        ("natlibfi/iso2709-from3.mrc", 1),
        ("pymarc/1251.dat", 6),
        ("pymarc/alphatag.dat", 1),
        ("pymarc/bad_eacc_encoding.dat", 1),
        ("pymarc/bad_indicator.dat", 1),
        ("pymarc/bad_marc8_escape.dat", 1),
        ("pymarc/diacritic.dat", 1),
        ("pymarc/marc.dat", 20),
        ("pymarc/marc8.dat", 1),
        ("pymarc/one.dat", 1),
        ("pymarc/test.dat", 10),
        ("pymarc/utf8_errors.dat", 1),
        ("pymarc/utf8_with_leader_flag.dat", 1),
        ("ruby-marc/cp866_multirecord.marc", 2),
        ("ruby-marc/escaped_character_reference.marc8.marc", 1),
        ("ruby-marc/marc8_accented_chars.marc", 1),
        ("ruby-marc/non-numeric.dat", 1),
        ("ruby-marc/random_tag_order.dat", 1),
        ("ruby-marc/utf8.marc", 1),
        ("rust-marc/3records.mrc", 3),
        ("rust-marc/marc-8.sample.mrc", 1),
        ("yaz/marc0.marc", 1),
        ("yaz/marc1.marc", 1),
        ("yaz/marc2.marc", 1),
        ("yaz/marc3.marc", 1),
        ("yaz/marc4.marc", 1),
        ("yaz/marc5.marc", 1),
        ("yaz/marc6.marc", 1),
        ("yaz/marc8.marc", 1),
        ("yaz/marccol2.u8.marc", 1),
        ("yaz/marccol4.u8.marc", 1),
    ];

    #[test]
    fn every_fixture_record_is_read() {
        for (file, expected) in FIXTURES {
            let bytes = std::fs::read(fixtures().join(file)).expect("fixture exists");
            let results = read_all(&bytes);
            let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
            assert!(errors.is_empty(), "{file}: {errors:?}");
            assert_eq!(results.len(), *expected, "{file}");
        }
    }

    /// Well-formed UTF-8 files come back byte for byte.
    const LOSSLESS: &[&str] = &[
        "rust-marc/3records.mrc",
        "yaz/marccol2.u8.marc",
        "yaz/marccol4.u8.marc",
        "pymarc/utf8_with_leader_flag.dat",
        "pymarc/diacritic.dat",
        "pymarc/utf8_errors.dat",
        "ruby-marc/utf8.marc",
        "ruby-marc/random_tag_order.dat",
        "natlibfi/iso2709-from1.mrc",
        "natlibfi/iso2709-from3.mrc",
    ];

    #[test]
    fn utf8_fixtures_round_trip_byte_for_byte() {
        for file in LOSSLESS {
            let bytes = std::fs::read(fixtures().join(file)).expect("fixture exists");
            let mut out = Vec::new();
            for result in Reader::new(bytes.as_slice()) {
                let decoded = result.expect("reads");
                assert!(
                    decoded.warnings.is_empty(),
                    "{file}: {:?}",
                    decoded.warnings
                );
                out.extend(to_bytes(&decoded.record).expect("writes"));
            }
            assert!(out == bytes, "{file} changed in the round trip");
        }
    }

    /// The copyleft files of the shared test data are not copied here; this reads them in place
    /// when `SHELFMARK_MARC_CORPUS` names the folder.
    #[test]
    fn corpus_files_read_without_refusals() {
        let Some(root) = crate::test_corpus() else {
            println!("SHELFMARK_MARC_CORPUS is unset: skipping the ISO 2709 corpus check");
            return;
        };
        let mut files = 0;
        for dir in std::fs::read_dir(&root).expect("corpus folder").flatten() {
            for file in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = file.path();
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !matches!(ext, "mrc" | "marc" | "dat" | "usmarc") {
                    continue;
                }
                let bytes = std::fs::read(&path).expect("corpus file");
                let terminators = bytes.iter().filter(|b| **b == RECORD_TERMINATOR).count();
                let results = read_all(&bytes);
                let read = results.iter().filter(|r| r.is_ok()).count();
                assert!(
                    read >= terminators,
                    "{}: {read} of {terminators}",
                    path.display()
                );
                files += 1;
            }
        }
        println!("read {files} ISO 2709 corpus files");
    }

    fn arb_value() -> impl Strategy<Value = String> {
        any::<String>().prop_map(|s| {
            s.chars()
                .filter(|c| !matches!(*c as u32, 0x1D..=0x1F))
                .collect()
        })
    }

    fn arb_field() -> impl Strategy<Value = Field> {
        let tag = "[0-9A-Za-z]{3}";
        let indicator = prop::char::ranges(vec![' '..=' ', '!'..='~'].into());
        let code = prop::char::range('!', '~');
        prop_oneof![
            ("00[0-9]", arb_value()).prop_map(|(tag, value)| Field::Control {
                tag: Tag::new(&tag).expect("valid control tag"),
                value: value.into(),
            }),
            (
                tag.prop_filter("not a control tag", |t| !t.starts_with("00")),
                indicator.clone(),
                indicator,
                prop::collection::vec((code, arb_value()), 0..6),
            )
                .prop_map(|(tag, i1, i2, subfields)| Field::Data {
                    tag: Tag::new(&tag).expect("valid tag"),
                    indicators: [
                        Indicator::new(i1).expect("valid indicator"),
                        Indicator::new(i2).expect("valid indicator"),
                    ],
                    subfields: subfields
                        .into_iter()
                        .map(|(code, value)| Subfield {
                            code: SubfieldCode::new(code).expect("valid code"),
                            value: value.into(),
                        })
                        .collect(),
                }),
        ]
    }

    fn arb_record() -> impl Strategy<Value = Record> {
        (
            "[acdnp][acdefgijkmoprt][abcdims]",
            prop::collection::vec(arb_field(), 0..12),
        )
            .prop_map(|(l, fields)| {
                let c: Vec<char> = l.chars().collect();
                Record {
                    leader: Leader::new(c[0], c[1], c[2]),
                    fields,
                }
            })
    }

    proptest! {
        #[test]
        fn records_round_trip_through_bytes_and_the_reader(records in prop::collection::vec(arb_record(), 1..4)) {
            let mut stream = Vec::new();
            for record in &records {
                let bytes = to_bytes(record).expect("fits in a record");
                let back = from_bytes(&bytes).expect("reads back");
                prop_assert_eq!(&back.fields, &record.fields);
                prop_assert_eq!(to_bytes(&back).expect("writes again"), bytes.clone());
                stream.extend(bytes);
            }
            let read: Vec<_> = Reader::new(stream.as_slice()).collect();
            prop_assert_eq!(read.len(), records.len());
            for (result, record) in read.iter().zip(&records) {
                let decoded = result.as_ref().expect("reads");
                prop_assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
                prop_assert_eq!(&decoded.record.fields, &record.fields);
            }
        }

        #[test]
        fn byte_soup_never_panics_and_ends(bytes in prop::collection::vec(
            prop_oneof![Just(0x1Du8), Just(0x1E), Just(0x1F), b'0'..=b'9', any::<u8>()], 0..2000)
        ) {
            let results: Vec<_> = Reader::new(bytes.as_slice()).collect();
            prop_assert!(results.len() <= bytes.len() / 5 + 1);
            let _ = from_bytes(&bytes);
        }

        #[test]
        fn mutated_records_never_panic(
            record in arb_record(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![Just(0x1Du8), Just(0x1E), Just(0x1F), b'0'..=b'9', any::<u8>()]), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = to_bytes(&record).expect("fits");
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            let mut stream = bytes.clone();
            stream.extend_from_slice(&bytes[..cut.index(bytes.len())]);
            stream.extend_from_slice(&bytes);
            let results: Vec<_> = Reader::new(stream.as_slice()).collect();
            prop_assert!(!results.is_empty());
            for r in results.iter().flatten() {
                // Whatever was recovered can be written again.
                let _ = to_bytes(&r.record);
            }
        }
    }
}
