//! MARC-in-JSON (the code4lib format of pymarc, marc-in-json and yaz), streamed.
//!
//! ```json
//! {"leader": "00714cam a2200205 a 4500",
//!  "fields": [{"001": "ocm123"},
//!             {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Title"}]}}]}
//! ```
//!
//! The reader takes one record object, a JSON array of them, JSON lines (one object per line),
//! or any mix of these one after another, telling them apart by content. It never holds more
//! than one record's text: a small scanner that knows JSON strings and escapes finds where each
//! top-level object or array element ends, and only that slice is handed to serde_json.
//!
//! Why a hand-written scanner rather than serde_json's `StreamDeserializer` or a seq visitor:
//! both stop for good at the first syntax error, and in an array they cannot skip one broken
//! element and go on. Delimiting elements first lets a bad record be reported while the ones
//! after it are still read. The scanner also resynchronises on a `{` at the start of a line
//! inside an unfinished value (the next record of a JSON-lines file or of a one-per-line array
//! after a truncated one), and escapes raw control characters inside strings, which pymarc's
//! `json.load(strict=False)` accepts and serde_json does not (pymarc's own `test.json` has them).
//!
//! Object keys are kept in their written order (a field object with several tags, a subfield
//! object with several codes, as pymarc reads them) through a small ordered tree rather than
//! `serde_json::Value`, whose map is sorted unless the crate-wide `preserve_order` feature is on.
//!
//! Repairs give warnings (missing or unusable indicator → blank, a subfield object with several
//! codes → several subfields, a number where text belongs → its text, missing leader → a default
//! one). Anything that would drop data (a bad tag, a field that is not an object, a subfield
//! value that is not text, invalid JSON) makes the record an error, and the reader goes on.
//!
//! marc4j's legacy "MARC-JSON" (`{"leader":..., "controlfield": [...], "datafield": [...]}`) is
//! refused with an error that names it.

use std::fmt;
use std::io::{self, Read, Write};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::{
    Decoded, Diagnostic, Field, Indicator, Leader, MarcError, ReadResult, Record, RecordWriter,
    Subfield, SubfieldCode, Tag,
};

/// One record's JSON is never larger than this; past it the value is skipped, not stored.
const MAX_VALUE: usize = 64 << 20;

/// A JSON value that keeps object keys in order.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn kind(&self) -> &'static str {
        match self {
            J::Null => "null",
            J::Bool(_) => "a boolean",
            J::Num(_) => "a number",
            J::Str(_) => "a string",
            J::Arr(_) => "an array",
            J::Obj(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<J, E> {
                Ok(J::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<J, E> {
                Ok(J::Num(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<J, E> {
                Ok(J::Num(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<J, E> {
                Ok(J::Num(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<J, E> {
                Ok(J::Str(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<J, E> {
                Ok(J::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(J::Arr(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(J::Obj(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// A byte source with one byte of look-ahead and a running offset.
struct Bytes<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    offset: u64,
}

impl<R: Read> Bytes<R> {
    fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.pos == self.len {
            self.len = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.pos = 0;
            if self.len == 0 {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    fn bump(&mut self) {
        self.pos += 1;
        self.offset += 1;
    }
}

/// What the scanner found next at the top level or in an array.
enum Chunk {
    /// The text of one value, where it starts, and whether raw control characters were escaped.
    Value {
        text: Vec<u8>,
        offset: u64,
        escaped_controls: bool,
    },
    /// Something that is not a record; the message says what.
    Bad { offset: u64, message: String },
}

/// Reads MARC-in-JSON records one at a time.
pub struct Reader<R: Read> {
    bytes: Bytes<R>,
    in_array: bool,
    started: bool,
    record_number: u64,
    done: bool,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            bytes: Bytes {
                inner: input,
                buf: vec![0; 64 * 1024].into_boxed_slice(),
                pos: 0,
                len: 0,
                offset: 0,
            },
            in_array: false,
            started: false,
            record_number: 0,
            done: false,
        }
    }

    fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        if !self.started {
            self.started = true;
            for expected in [0xEF, 0xBB, 0xBF] {
                if self.bytes.peek()? == Some(expected) {
                    self.bytes.bump();
                } else {
                    break;
                }
            }
        }
        loop {
            let Some(b) = self.bytes.peek()? else {
                if self.in_array {
                    self.in_array = false;
                    return Ok(Some(Chunk::Bad {
                        offset: self.bytes.offset,
                        message: "the input ends inside a JSON array (no closing ']')".into(),
                    }));
                }
                return Ok(None);
            };
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.bytes.bump(),
                b'[' if !self.in_array => {
                    self.bytes.bump();
                    self.in_array = true;
                }
                b']' if self.in_array => {
                    self.bytes.bump();
                    self.in_array = false;
                }
                b',' if self.in_array => self.bytes.bump(),
                b'{' => return self.read_value().map(Some),
                _ if self.in_array => return self.read_value().map(Some),
                _ => return self.skip_line().map(Some),
            }
        }
    }

    /// Skips text that cannot begin a record, up to the end of its line.
    fn skip_line(&mut self) -> io::Result<Chunk> {
        let offset = self.bytes.offset;
        let mut shown = Vec::new();
        while let Some(b) = self.bytes.peek()? {
            if b == b'\n' {
                break;
            }
            if shown.len() < 40 {
                shown.push(b);
            }
            self.bytes.bump();
        }
        Ok(Chunk::Bad {
            offset,
            message: format!(
                "not a MARC-in-JSON record (a record is a JSON object): {:?}",
                String::from_utf8_lossy(&shown)
            ),
        })
    }

    /// Reads one JSON value's text, tracking strings and nesting only.
    fn read_value(&mut self) -> io::Result<Chunk> {
        let offset = self.bytes.offset;
        let mut text = Vec::new();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escape = false;
        let mut escaped_controls = false;
        let mut line_start = false;
        let mut too_big = false;
        let mut push = |text: &mut Vec<u8>, b: &[u8]| {
            if text.len() + b.len() > MAX_VALUE {
                too_big = true;
            } else {
                text.extend_from_slice(b);
            }
        };
        let scalar = !matches!(self.bytes.peek()?, Some(b'{' | b'[' | b'"'));
        loop {
            let Some(b) = self.bytes.peek()? else {
                if depth > 0 || in_string {
                    return Ok(Chunk::Bad {
                        offset,
                        message: "the input ends inside this record (truncated JSON)".into(),
                    });
                }
                break;
            };
            if in_string {
                self.bytes.bump();
                if escape {
                    escape = false;
                    push(&mut text, &[b]);
                } else if b == b'\\' {
                    escape = true;
                    push(&mut text, &[b]);
                } else if b == b'"' {
                    in_string = false;
                    push(&mut text, &[b]);
                    if depth == 0 {
                        break;
                    }
                } else if b < 0x20 {
                    escaped_controls = true;
                    push(&mut text, format!("\\u{b:04x}").as_bytes());
                } else {
                    push(&mut text, &[b]);
                }
                continue;
            }
            if scalar && matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                if text.is_empty() {
                    // A stray delimiter: take it so the scan moves on.
                    self.bytes.bump();
                    push(&mut text, &[b]);
                }
                break;
            }
            if line_start && b == b'{' && depth > 0 {
                // A record object starting a line inside an unfinished one: the unfinished one
                // was cut short. Leave the `{` for the next call.
                return Ok(Chunk::Bad {
                    offset,
                    message: format!(
                        "this record is cut short; the next one begins at byte {}",
                        self.bytes.offset
                    ),
                });
            }
            self.bytes.bump();
            line_start = b == b'\n';
            push(&mut text, &[b]);
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        if too_big {
            return Ok(Chunk::Bad {
                offset,
                message: format!("record longer than {MAX_VALUE} bytes of JSON; skipped"),
            });
        }
        Ok(Chunk::Value {
            text,
            offset,
            escaped_controls,
        })
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<ReadResult> {
        if self.done {
            return None;
        }
        let chunk = match self.next_chunk() {
            Ok(Some(c)) => c,
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                self.done = true;
                return Some(Err(Diagnostic::error(format!(
                    "could not read the input: {e}"
                ))
                .at_record(self.record_number + 1, self.bytes.offset)));
            }
        };
        self.record_number += 1;
        let number = self.record_number;
        match chunk {
            Chunk::Bad { offset, message } => {
                Some(Err(Diagnostic::error(message).at_record(number, offset)))
            }
            Chunk::Value {
                text,
                offset,
                escaped_controls,
            } => {
                let value: J = match serde_json::from_slice(&text) {
                    Ok(v) => v,
                    Err(e) => {
                        return Some(Err(Diagnostic::error(format!(
                            "not valid JSON at line {} column {} of this record: {e}",
                            e.line(),
                            e.column()
                        ))
                        .at_record(number, offset)));
                    }
                };
                let mut c = Converter {
                    number,
                    offset,
                    warnings: Vec::new(),
                    faults: Vec::new(),
                };
                if escaped_controls {
                    c.warn(
                        None,
                        "raw control characters inside strings (not strict JSON) were accepted",
                    );
                }
                Some(c.record(value))
            }
        }
    }
}

/// Turns one parsed value into a record, collecting repairs and faults.
struct Converter {
    number: u64,
    offset: u64,
    warnings: Vec<Diagnostic>,
    faults: Vec<Diagnostic>,
}

impl Converter {
    fn diag(&self, d: Diagnostic, tag: Option<&str>) -> Diagnostic {
        let d = d.at_record(self.number, self.offset);
        match tag {
            Some(t) => d.in_field(t),
            None => d,
        }
    }

    fn warn(&mut self, tag: Option<&str>, message: impl Into<String>) {
        let d = self.diag(Diagnostic::warning(message), tag);
        self.warnings.push(d);
    }

    fn fault(&mut self, tag: Option<&str>, message: impl Into<String>) {
        let d = self.diag(Diagnostic::error(message), tag);
        self.faults.push(d);
    }

    fn record(mut self, value: J) -> ReadResult {
        let J::Obj(entries) = value else {
            self.fault(
                None,
                format!("a record must be a JSON object, found {}", value.kind()),
            );
            return self.finish(None);
        };
        if entries
            .iter()
            .any(|(k, _)| k == "controlfield" || k == "datafield")
        {
            self.fault(
                None,
                "this is marc4j's legacy MARC-JSON (controlfield/datafield), not MARC-in-JSON; \
                 convert it with marc4j first",
            );
            return self.finish(None);
        }
        let mut leader = None;
        let mut fields = Vec::new();
        let mut saw_fields = false;
        for (key, v) in entries {
            match key.as_str() {
                "leader" => leader = self.leader(v),
                "fields" => {
                    saw_fields = true;
                    match v {
                        J::Arr(items) => {
                            for item in items {
                                self.field(item, &mut fields);
                            }
                        }
                        other => self.fault(
                            None,
                            format!("\"fields\" must be an array, found {}", other.kind()),
                        ),
                    }
                }
                other => self.warn(None, format!("unknown key {other:?} ignored")),
            }
        }
        if !saw_fields {
            self.warn(None, "no \"fields\" array; the record has no fields");
        }
        let leader = leader.unwrap_or_else(|| {
            self.warn(Some("LDR"), "no leader; a default leader was made");
            Leader::new('n', 'a', 'm')
        });
        self.finish(Some(Record { leader, fields }))
    }

    fn leader(&mut self, v: J) -> Option<Leader> {
        let mut text = match v {
            J::Str(s) => s,
            other => {
                self.fault(
                    Some("LDR"),
                    format!("the leader must be a string, found {}", other.kind()),
                );
                return None;
            }
        };
        let len = text.chars().count();
        if len < 24 && text.is_ascii() {
            self.warn(
                Some("LDR"),
                format!("leader has {len} characters; padded with blanks to 24"),
            );
            text.extend(std::iter::repeat_n(' ', 24 - len));
        }
        match Leader::parse(&text) {
            Ok(l) => Some(l),
            Err(e) => {
                self.fault(Some("LDR"), e.to_string());
                None
            }
        }
    }

    fn field(&mut self, item: J, fields: &mut Vec<Field>) {
        let J::Obj(entries) = item else {
            self.fault(
                None,
                format!(
                    "a field must be an object {{\"tag\": ...}}, found {}",
                    item.kind()
                ),
            );
            return;
        };
        if entries.is_empty() {
            self.warn(None, "an empty field object {} was skipped");
        }
        if entries.len() > 1 {
            self.warn(
                Some(&entries[0].0),
                format!(
                    "a field object with {} tags; each became its own field",
                    entries.len()
                ),
            );
        }
        for (tag_text, v) in entries {
            let tag = match Tag::new(&tag_text) {
                Ok(t) => t,
                Err(e) => {
                    self.fault(Some(&tag_text), e.to_string());
                    continue;
                }
            };
            let t = tag.as_str();
            match v {
                J::Str(value) => {
                    if !tag.is_control() {
                        self.warn(
                            Some(t),
                            "a plain string for a data field tag; kept as a control field",
                        );
                    }
                    fields.push(Field::Control { tag, value });
                }
                J::Num(value) => {
                    self.warn(Some(t), "a number where text belongs; kept as text");
                    fields.push(Field::Control { tag, value });
                }
                J::Obj(parts) => {
                    if let Some(f) = self.data_field(tag, parts) {
                        fields.push(f);
                    }
                }
                other => self.fault(
                    Some(t),
                    format!(
                        "a field value must be a string or an object, found {}",
                        other.kind()
                    ),
                ),
            }
        }
    }

    fn indicator(&mut self, tag: &str, which: &str, v: Option<J>) -> Indicator {
        let repaired = match v {
            None => format!("{which} missing; set to blank"),
            Some(J::Str(s)) => {
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => match Indicator::new(c) {
                        Ok(i) => return i,
                        Err(_) => format!("{which} {s:?} is not a MARC indicator; set to blank"),
                    },
                    (None, _) => format!("{which} is empty; set to blank"),
                    _ => format!("{which} {s:?} is longer than one character; set to blank"),
                }
            }
            Some(J::Num(n)) if n.len() == 1 => {
                self.warn(Some(tag), format!("{which} is a number; read as text"));
                return n
                    .chars()
                    .next()
                    .and_then(|c| Indicator::new(c).ok())
                    .unwrap_or(Indicator::BLANK);
            }
            Some(other) => format!("{which} is {}; set to blank", other.kind()),
        };
        self.warn(Some(tag), repaired);
        Indicator::BLANK
    }

    fn data_field(&mut self, tag: Tag, parts: Vec<(String, J)>) -> Option<Field> {
        let t = tag.as_str();
        let mut ind1 = None;
        let mut ind2 = None;
        let mut subs = None;
        for (k, v) in parts {
            match k.as_str() {
                "ind1" => ind1 = Some(v),
                "ind2" => ind2 = Some(v),
                "subfields" => subs = Some(v),
                other => self.warn(Some(t), format!("unknown key {other:?} ignored")),
            }
        }
        let indicators = [
            self.indicator(t, "ind1", ind1),
            self.indicator(t, "ind2", ind2),
        ];
        let mut subfields = Vec::new();
        match subs {
            None => self.warn(Some(t), "no \"subfields\"; the field has none"),
            Some(J::Arr(items)) => {
                let faults_before = self.faults.len();
                for item in items {
                    self.subfield(t, item, &mut subfields);
                }
                if self.faults.len() > faults_before {
                    return None;
                }
            }
            Some(other) => {
                self.fault(
                    Some(t),
                    format!("\"subfields\" must be an array, found {}", other.kind()),
                );
                return None;
            }
        }
        Some(Field::Data {
            tag,
            indicators,
            subfields,
        })
    }

    fn subfield(&mut self, t: &str, item: J, out: &mut Vec<Subfield>) {
        let J::Obj(entries) = item else {
            self.fault(
                Some(t),
                format!(
                    "a subfield must be an object {{\"code\": \"value\"}}, found {}",
                    item.kind()
                ),
            );
            return;
        };
        if entries.is_empty() {
            self.warn(Some(t), "an empty subfield object {} was skipped");
        }
        if entries.len() > 1 {
            self.warn(
                Some(t),
                format!(
                    "a subfield object with {} codes; each became its own subfield",
                    entries.len()
                ),
            );
        }
        for (code_text, v) in entries {
            let mut cs = code_text.chars();
            let code = match (cs.next(), cs.next()) {
                (Some(c), None) => SubfieldCode::new(c),
                _ => {
                    self.fault(
                        Some(t),
                        format!("subfield code {code_text:?} is not one character"),
                    );
                    continue;
                }
            };
            let code = match code {
                Ok(c) => c,
                Err(e) => {
                    self.fault(Some(t), e.to_string());
                    continue;
                }
            };
            let value = match v {
                J::Str(s) => s,
                J::Num(n) => {
                    self.warn(Some(t), format!("${code_text} is a number; kept as text"));
                    n
                }
                other => {
                    self.fault(
                        Some(t),
                        format!("${code_text} must be a string, found {}", other.kind()),
                    );
                    continue;
                }
            };
            out.push(Subfield { code, value });
        }
    }

    fn finish(self, record: Option<Record>) -> ReadResult {
        let cn = record
            .as_ref()
            .and_then(|r| r.control_number())
            .map(str::to_string);
        let fill = |d: Diagnostic| d.with_control_number(cn.as_deref());
        let mut faults = self.faults.into_iter().map(fill);
        if let Some(mut first) = faults.next() {
            let more = faults.count();
            if more > 0 {
                first.message.push_str(&format!(
                    " (and {more} more problem{} in this record)",
                    if more == 1 { "" } else { "s" }
                ));
            }
            return Err(first);
        }
        match record {
            Some(record) => Ok(Decoded {
                record,
                warnings: self.warnings.into_iter().map(fill).collect(),
            }),
            None => Err(Diagnostic::error("record could not be read")),
        }
    }
}

/// Writes MARC-in-JSON: a JSON array with one record per line, or JSON lines.
pub struct Writer<W: Write> {
    output: W,
    lines: bool,
    written: u64,
}

impl<W: Write> Writer<W> {
    /// `lines = false` writes a JSON array (one record per line between `[` and `]`);
    /// `lines = true` writes one compact object per line.
    pub fn new(output: W, lines: bool) -> Self {
        Writer {
            output,
            lines,
            written: 0,
        }
    }
}

fn push_str(out: &mut String, s: &str) {
    // serde_json escapes exactly what JSON requires; a &str always serializes.
    match serde_json::to_string(s) {
        Ok(q) => out.push_str(&q),
        Err(_) => out.push_str("\"\""),
    }
}

/// One record as a compact MARC-in-JSON object, fields and subfields in order.
pub fn to_string(record: &Record) -> String {
    let mut out = String::from("{\"leader\":");
    push_str(&mut out, record.leader.as_str());
    out.push_str(",\"fields\":[");
    for (i, field) in record.fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        push_str(&mut out, field.tag().as_str());
        out.push(':');
        match field {
            Field::Control { value, .. } => push_str(&mut out, value),
            Field::Data {
                indicators,
                subfields,
                ..
            } => {
                out.push_str("{\"ind1\":");
                push_str(&mut out, indicators[0].as_char().encode_utf8(&mut [0; 4]));
                out.push_str(",\"ind2\":");
                push_str(&mut out, indicators[1].as_char().encode_utf8(&mut [0; 4]));
                out.push_str(",\"subfields\":[");
                for (j, s) in subfields.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    out.push('{');
                    push_str(&mut out, s.code.as_char().encode_utf8(&mut [0; 4]));
                    out.push(':');
                    push_str(&mut out, &s.value);
                    out.push('}');
                }
                out.push_str("]}");
            }
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}

impl<W: Write> RecordWriter for Writer<W> {
    fn write_record(&mut self, record: &Record) -> Result<(), MarcError> {
        let text = to_string(record);
        if self.lines {
            self.output.write_all(text.as_bytes())?;
            self.output.write_all(b"\n")?;
        } else {
            self.output
                .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            self.output.write_all(text.as_bytes())?;
        }
        self.written += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), MarcError> {
        if !self.lines {
            self.output
                .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.output.flush()?;
        Ok(())
    }
}
