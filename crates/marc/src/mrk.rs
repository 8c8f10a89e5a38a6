//! MarcEdit's mnemonic text (`.mrk`), read and written line by line.
//!
//! One field per line, `=TAG  ` (two spaces) then the content; records are separated by a blank
//! line; lines starting with `#` are MarcEdit comments and are skipped.
//!
//! ```text
//! =LDR  00714cam\a2200205\a\4500
//! =001  ocm123\
//! =245  10$aTitle :$bsub /$cby.
//! ```
//!
//! - Leader and control fields: `\` stands for a blank.
//! - Data fields: two indicator characters (`\` for blank), then subfields, each `$` + code +
//!   value. Inside a subfield value a `\` is a literal backslash (as LC's MARCMaker and MarcEdit
//!   read it), though this writer always spells it `{bsol}`.
//! - `{name}` is a character mnemonic, decoded in control fields and subfield values.
//!
//! # Mnemonics understood
//!
//! LC's MARCMaker/MarcEdit names for MARC-8 (ANSEL) characters, from LC's MARCBreaker table:
//! the escapes `{dollar}` `{bsol}` `{lcub}` `{rcub}` `{esc}`; `{amp}` `{apos}` `{quot}` `{ast}`;
//! the spacing specials (`{Lstrok}` `{Ostrok}` `{Dstrok}` `{THORN}` `{AElig}` `{OElig}`
//! `{softsign}` `{middot}` `{flat}` `{reg}` `{plusmn}` `{Ohorn}` `{Uhorn}` `{mlrhring}`
//! `{mllhring}` `{lstrok}` `{ostrok}` `{dstrok}` `{thorn}` `{aelig}` `{oelig}` `{hardsign}`
//! `{inodot}` `{pound}` `{eth}` `{ohorn}` `{uhorn}` `{deg}` `{scriptl}` `{phono}` `{copy}`
//! `{sharp}` `{iquest}` `{iexcl}` `{eszett}`/`{szlig}` `{euro}` `{joiner}` `{nonjoin}`, and the
//! aliases `{alif}` `{ayn}` `{mlprime}` `{mlPrime}`); the 29 combining diacritics (`{hooka}`
//! `{grave}` `{acute}` `{circ}` `{tilde}` `{macr}` `{breve}` `{dot}` `{uml}`/`{diaer}` `{caron}`
//! `{ring}` `{llig}` `{rlig}` `{rcommaa}` `{dblac}` `{candra}` `{cedil}` `{ogon}` `{dotb}`
//! `{dbldotb}` `{ringb}` `{dblunder}` `{under}` `{commab}` `{rcedil}` `{breveb}` `{ldbltil}`
//! `{rdbltil}` `{commaa}`); a letter followed by a diacritic name (`{eacute}`, `{Ccedil}`,
//! `{ocirc}`: LC's Latin-1/Latin-2 names follow this pattern); a single ASCII letter or digit
//! (`{A}`, `{0}`); two hex digits `{XX}` (00–7F the ASCII character, 80–FF the MARC-8 character
//! of that byte, when it has one); and `{U+XXXX}` for any Unicode scalar value.
//!
//! Diacritic mnemonics come *before* the letter they modify (MARC-8 order: `d{acute}esir{acute}ee`)
//! and are moved after it, giving Unicode combining sequences (`de\u{301}sire\u{301}e`); the text
//! is not otherwise normalized. The ligature and double-tilde halves become U+FE20–U+FE23 (as
//! pymarc does). Cyrillic and Greek romanization names from LC's longer table are not decoded.
//! An unknown `{...}` is kept literally, with a warning, so nothing is ever lost.
//!
//! # Faults
//!
//! Repairs (missing leader, leader too short, one space after the tag, missing indicators, a
//! trailing `$`, an unknown mnemonic) give warnings on a record that is still returned. A line the
//! reader cannot place (not starting with `=`, a bad tag, text before the first `$`, an unusable
//! subfield code) makes the record an error: it is reported and the reader goes on with the
//! next record, so a record is never delivered with a line silently missing.

use std::io::{self, BufRead, BufReader, Read, Write};

use crate::codes as c;
use crate::{
    Decoded, Diagnostic, Field, Indicator, Leader, MarcError, Pointer, ReadResult, Record,
    RecordWriter, Severity, Subfield, SubfieldCode, Tag, marc8,
};

/// A line longer than this is not MARC (ISO 2709 caps a whole record at 99,999 bytes); the
/// limit keeps a file without line breaks from being read into memory.
const MAX_LINE: usize = 1 << 20;

/// Spacing characters named by a mnemonic.
const SPACING: &[(&str, char)] = &[
    ("dollar", '$'),
    ("bsol", '\\'),
    ("lcub", '{'),
    ("rcub", '}'),
    ("esc", '\u{1B}'),
    ("amp", '&'),
    ("apos", '\''),
    ("quot", '"'),
    ("ast", '*'),
    ("Lstrok", 'Ł'),
    ("Ostrok", 'Ø'),
    ("Dstrok", 'Đ'),
    ("THORN", 'Þ'),
    ("AElig", 'Æ'),
    ("OElig", 'Œ'),
    ("softsign", 'ʹ'),
    ("mlprime", 'ʹ'),
    ("middot", '·'),
    ("flat", '♭'),
    ("reg", '®'),
    ("plusmn", '±'),
    ("Ohorn", 'Ơ'),
    ("Uhorn", 'Ư'),
    ("mlrhring", 'ʼ'),
    ("alif", 'ʼ'),
    ("mllhring", 'ʻ'),
    ("ayn", 'ʻ'),
    ("lstrok", 'ł'),
    ("ostrok", 'ø'),
    ("dstrok", 'đ'),
    ("thorn", 'þ'),
    ("aelig", 'æ'),
    ("oelig", 'œ'),
    ("hardsign", 'ʺ'),
    ("mlPrime", 'ʺ'),
    ("inodot", 'ı'),
    ("pound", '£'),
    ("eth", 'ð'),
    ("ohorn", 'ơ'),
    ("uhorn", 'ư'),
    ("deg", '°'),
    ("scriptl", 'ℓ'),
    ("phono", '℗'),
    ("copy", '©'),
    ("sharp", '♯'),
    ("iquest", '¿'),
    ("iexcl", '¡'),
    ("eszett", 'ß'),
    ("szlig", 'ß'),
    ("euro", '€'),
    ("joiner", '\u{200D}'),
    ("nonjoin", '\u{200C}'),
];

/// MARC-8 bytes of the spacing characters that have one, for `{XX}` with XX ≥ 80.
const SPACING_BYTES: &[(u8, &str)] = &[
    (0x8D, "joiner"),
    (0x8E, "nonjoin"),
    (0xA1, "Lstrok"),
    (0xA2, "Ostrok"),
    (0xA3, "Dstrok"),
    (0xA4, "THORN"),
    (0xA5, "AElig"),
    (0xA6, "OElig"),
    (0xA7, "softsign"),
    (0xA8, "middot"),
    (0xA9, "flat"),
    (0xAA, "reg"),
    (0xAB, "plusmn"),
    (0xAC, "Ohorn"),
    (0xAD, "Uhorn"),
    (0xAE, "mlrhring"),
    (0xB0, "mllhring"),
    (0xB1, "lstrok"),
    (0xB2, "ostrok"),
    (0xB3, "dstrok"),
    (0xB4, "thorn"),
    (0xB5, "aelig"),
    (0xB6, "oelig"),
    (0xB7, "hardsign"),
    (0xB8, "inodot"),
    (0xB9, "pound"),
    (0xBA, "eth"),
    (0xBC, "ohorn"),
    (0xBD, "uhorn"),
    (0xC0, "deg"),
    (0xC1, "scriptl"),
    (0xC2, "phono"),
    (0xC3, "copy"),
    (0xC4, "sharp"),
    (0xC5, "iquest"),
    (0xC6, "iexcl"),
    (0xC7, "eszett"),
    (0xC8, "euro"),
];

/// Combining diacritics: name, MARC-8 byte, Unicode combining character.
const COMBINING: &[(&str, u8, char)] = &[
    ("hooka", 0xE0, '\u{309}'),
    ("grave", 0xE1, '\u{300}'),
    ("acute", 0xE2, '\u{301}'),
    ("circ", 0xE3, '\u{302}'),
    ("tilde", 0xE4, '\u{303}'),
    ("macr", 0xE5, '\u{304}'),
    ("breve", 0xE6, '\u{306}'),
    ("dot", 0xE7, '\u{307}'),
    ("uml", 0xE8, '\u{308}'),
    ("diaer", 0xE8, '\u{308}'),
    ("caron", 0xE9, '\u{30C}'),
    ("ring", 0xEA, '\u{30A}'),
    ("llig", 0xEB, '\u{FE20}'),
    ("rlig", 0xEC, '\u{FE21}'),
    ("rcommaa", 0xED, '\u{315}'),
    ("dblac", 0xEE, '\u{30B}'),
    ("candra", 0xEF, '\u{310}'),
    ("cedil", 0xF0, '\u{327}'),
    ("ogon", 0xF1, '\u{328}'),
    ("dotb", 0xF2, '\u{323}'),
    ("dbldotb", 0xF3, '\u{324}'),
    ("ringb", 0xF4, '\u{325}'),
    ("dblunder", 0xF5, '\u{333}'),
    ("under", 0xF6, '\u{332}'),
    ("commab", 0xF7, '\u{326}'),
    ("rcedil", 0xF8, '\u{31C}'),
    ("breveb", 0xF9, '\u{32E}'),
    ("ldbltil", 0xFA, '\u{FE22}'),
    ("rdbltil", 0xFB, '\u{FE23}'),
    ("commaa", 0xFE, '\u{313}'),
];

/// What a mnemonic stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mnemonic {
    /// A character written where it stands.
    Char(char),
    /// A combining diacritic, written in MARC-8 order before its base letter.
    Combining(char),
    /// A letter with a diacritic, already in Unicode order.
    Composed(char, char),
}

fn lookup(name: &str) -> Option<Mnemonic> {
    if let Some((_, c)) = SPACING.iter().find(|(n, _)| *n == name) {
        return Some(Mnemonic::Char(*c));
    }
    if let Some((_, _, c)) = COMBINING.iter().find(|(n, _, _)| *n == name) {
        return Some(Mnemonic::Combining(*c));
    }
    let bytes = name.as_bytes();
    if let [c] = bytes
        && c.is_ascii_alphanumeric()
    {
        return Some(Mnemonic::Char(*c as char));
    }
    if let Some(hex) = name.strip_prefix("U+").or_else(|| name.strip_prefix("u+")) {
        if (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(Mnemonic::Char);
        }
        return None;
    }
    if bytes.len() == 2 && bytes.iter().all(u8::is_ascii_hexdigit) {
        let byte = u8::from_str_radix(name, 16).ok()?;
        if byte < 0x80 {
            return Some(Mnemonic::Char(byte as char));
        }
        if let Some((_, n)) = SPACING_BYTES.iter().find(|(b, _)| *b == byte) {
            return lookup(n);
        }
        return COMBINING
            .iter()
            .find(|(_, b, _)| *b == byte)
            .map(|(_, _, c)| Mnemonic::Combining(*c));
    }
    if let [first, ..] = bytes
        && first.is_ascii_alphabetic()
        && let Some((_, _, c)) = COMBINING.iter().find(|(n, _, _)| *n == &name[1..])
    {
        return Some(Mnemonic::Composed(*first as char, *c));
    }
    None
}

/// Decodes mnemonics in a value; `blank_backslash` turns `\` into a blank (leader and control
/// fields). Unknown mnemonics are kept as written and named in `unknown`.
fn decode(text: &str, blank_backslash: bool, unknown: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    // Diacritics read in MARC-8 order, waiting for the character they belong after.
    let mut pending = String::new();
    let push = |out: &mut String, pending: &mut String, c: char| {
        out.push(c);
        out.push_str(pending);
        pending.clear();
    };
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '{'
            && let Some(end) = rest[1..].find('}')
        {
            let name = &rest[1..1 + end];
            if let Some(m) = lookup(name) {
                match m {
                    Mnemonic::Char(ch) => push(&mut out, &mut pending, ch),
                    Mnemonic::Combining(mark) => pending.push(mark),
                    Mnemonic::Composed(base, mark) => {
                        out.push(base);
                        out.push(mark);
                        out.push_str(&pending);
                        pending.clear();
                    }
                }
                rest = &rest[end + 2..];
                continue;
            }
            unknown.push(format!("{{{name}}}"));
            // Kept literally: only the brace is consumed, so a `{` inside it is looked at again.
        }
        let ch = if blank_backslash && c == '\\' { ' ' } else { c };
        push(&mut out, &mut pending, ch);
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&pending);
    out
}

/// Escapes a value so that [`decode`] gives it back; `control` writes blanks as `\`.
fn encode(value: &str, control: bool, out: &mut String) {
    let trailing = if control {
        0
    } else {
        value.len() - value.trim_end_matches(' ').len()
    };
    let body = &value[..value.len() - trailing];
    for c in body.chars() {
        match c {
            '$' => out.push_str("{dollar}"),
            '\\' => out.push_str("{bsol}"),
            '{' => out.push_str("{lcub}"),
            '}' => out.push_str("{rcub}"),
            '\u{1B}' => out.push_str("{esc}"),
            ' ' if control => out.push('\\'),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                out.push_str(&format!("{{{:02X}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    // A reader strips trailing blanks from a line, so blanks ending a data field are spelled out.
    for _ in 0..trailing {
        out.push_str("{20}");
    }
}

/// Reads `.mrk` text, one record per blank-line-separated block.
pub struct Reader<R: Read> {
    input: BufReader<R>,
    offset: u64,
    record_number: u64,
    /// A `=LDR` line met inside a record: it begins the next one.
    carried: Option<(String, u64)>,
    at_start: bool,
    failed: bool,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input: BufReader::new(input),
            offset: 0,
            record_number: 0,
            carried: None,
            at_start: true,
            failed: false,
        }
    }

    /// The next line without its terminator, with its byte offset; `Err` for an I/O error.
    /// A line that is not UTF-8 or too long comes back as `Line::Bad`.
    fn read_line(&mut self) -> io::Result<Option<(Line, u64)>> {
        let start = self.offset;
        let mut bytes = Vec::new();
        let n = (&mut self.input)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut bytes)?;
        if n == 0 {
            return Ok(None);
        }
        self.offset += n as u64;
        if bytes.last() != Some(&b'\n') && n == MAX_LINE {
            // Skip the rest of the overlong line without keeping it.
            loop {
                let buf = self.input.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                let (used, done) = match buf.iter().position(|b| *b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                self.input.consume(used);
                self.offset += used as u64;
                if done {
                    break;
                }
            }
            return Ok(Some((
                Line::Bad(format!("line longer than {MAX_LINE} bytes")),
                start,
            )));
        }
        let mut slice = bytes.as_slice();
        if self.at_start {
            self.at_start = false;
            slice = slice.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(slice);
        }
        while let [rest @ .., b'\n' | b'\r' | b' ' | b'\t'] = slice {
            slice = rest;
        }
        let line = match std::str::from_utf8(slice) {
            Ok(s) => Line::Text(s.to_string(), None),
            // MarcEdit's non-Unicode `.mrk` carries MARC-8 bytes.
            Err(_) => match marc8::decode(slice) {
                Ok(s) => Line::Text(
                    s,
                    Some("line is not UTF-8; it was read as MARC-8".to_string()),
                ),
                Err(e) => Line::Bad(format!("line is neither UTF-8 nor MARC-8 ({e})")),
            },
        };
        Ok(Some((line, start)))
    }
}

enum Line {
    /// The text, and a warning about how it was decoded.
    Text(String, Option<String>),
    Bad(String),
}

/// A record being put together from its lines.
struct Builder {
    number: u64,
    offset: u64,
    leader: Option<Leader>,
    fields: Vec<Field>,
    warnings: Vec<Diagnostic>,
    faults: Vec<Diagnostic>,
}

impl Builder {
    fn new(number: u64, offset: u64) -> Self {
        Builder {
            number,
            offset,
            leader: None,
            fields: Vec::new(),
            warnings: Vec::new(),
            faults: Vec::new(),
        }
    }

    /// Records a problem of the line at `offset`; returns it, for the caller to add params.
    fn note(
        &mut self,
        code: &'static str,
        severity: Severity,
        offset: u64,
        tag: Option<&str>,
        message: String,
    ) -> &mut Diagnostic {
        let mut d = match severity {
            Severity::Warning => Diagnostic::warning(message),
            Severity::Error => Diagnostic::error(message),
        }
        .at_record(self.number, offset)
        .with_code(code);
        if let Some(t) = tag {
            d = d.in_field(t).with_param("tag", t);
        }
        let list = match severity {
            Severity::Warning => &mut self.warnings,
            Severity::Error => &mut self.faults,
        };
        list.push(d);
        let last = list.len() - 1;
        &mut list[last]
    }

    fn add_line(&mut self, line: &str, offset: u64) {
        let Some(body) = line.strip_prefix('=') else {
            let shown: String = line.chars().take(40).collect();
            self.note(
                c::MRK_NOT_A_FIELD,
                Severity::Error,
                offset,
                None,
                format!("line does not start with '=' and is not a field: {shown:?}"),
            )
            .set_param("text", shown);
            return;
        };
        let tag_text: String = body.chars().take(3).collect();
        let after_tag = &body[tag_text.len()..];
        let content = if let Some(c) = after_tag.strip_prefix("  ") {
            c
        } else if let Some(c) = after_tag.strip_prefix(' ') {
            self.note(
                c::MRK_SPACING,
                Severity::Warning,
                offset,
                Some(&tag_text),
                "one space after the tag where MarcEdit writes two".into(),
            );
            c
        } else if after_tag.is_empty() {
            after_tag
        } else {
            self.note(
                c::MRK_SPACING,
                Severity::Warning,
                offset,
                Some(&tag_text),
                "no space between the tag and the content".into(),
            );
            after_tag
        };
        if tag_text == "LDR" {
            self.set_leader(content, offset);
            return;
        }
        // Mnemonic lines are fixed-width, so a tag with a space in it cannot be told from a
        // misaligned line: here a tag must be MARC 21's three letters or digits.
        let tag = match Tag::new(&tag_text).and_then(|t| {
            if t.is_standard() {
                Ok(t)
            } else {
                Err(crate::MarcError::InvalidTag(tag_text.clone()))
            }
        }) {
            Ok(t) => t,
            Err(e) => {
                self.note(
                    c::MRK_BAD_TAG,
                    Severity::Error,
                    offset,
                    Some(&tag_text),
                    e.to_string(),
                );
                return;
            }
        };
        let mut unknown = Vec::new();
        if tag.is_control() {
            let value = decode(content, true, &mut unknown);
            self.fields.push(Field::Control {
                tag,
                value: value.into(),
            });
        } else {
            self.add_data_field(tag, content, offset, &mut unknown);
        }
        for u in unknown {
            self.note(
                c::MRK_UNKNOWN_MNEMONIC,
                Severity::Warning,
                offset,
                Some(tag.as_str()),
                format!("unknown mnemonic {u} kept as written"),
            )
            .set_param("mnemonic", u);
        }
    }

    fn set_leader(&mut self, content: &str, offset: u64) {
        let mut text: String = content
            .chars()
            .map(|c| if c == '\\' { ' ' } else { c })
            .collect();
        if self.leader.is_some() {
            self.note(
                c::MRK_SECOND_LEADER,
                Severity::Error,
                offset,
                Some("LDR"),
                "a second leader in the same record".into(),
            );
            return;
        }
        let len = text.chars().count();
        if len < 24 && text.is_ascii() {
            self.note(
                c::MRK_LEADER_SHORT,
                Severity::Warning,
                offset,
                Some("LDR"),
                format!("leader has {len} characters; padded with blanks to 24"),
            )
            .set_param("length", len.to_string());
            text.extend(std::iter::repeat_n(' ', 24 - len));
        }
        match Leader::parse(&text) {
            Ok(l) => self.leader = Some(l),
            Err(e) => {
                let reason = e.to_string();
                self.note(
                    c::MRK_LEADER_INVALID,
                    Severity::Error,
                    offset,
                    Some("LDR"),
                    reason.clone(),
                )
                .set_param("reason", reason);
            }
        }
    }

    fn add_data_field(&mut self, tag: Tag, content: &str, offset: u64, unknown: &mut Vec<String>) {
        let t = tag.as_str();
        let mut chars = content.chars();
        let (i1, i2) = (chars.next(), chars.next());
        let mut rest = chars.as_str();
        let indicators = if content.starts_with('$') && !rest.starts_with('$') {
            // `=245  $aTitle`: the indicators were left out, not written as `$a`.
            self.note(
                c::MRK_INDICATORS_MISSING,
                Severity::Warning,
                offset,
                Some(t),
                "indicators missing; both set to blank".into(),
            );
            rest = content;
            [Indicator::BLANK, Indicator::BLANK]
        } else {
            let mut inds = [Indicator::BLANK; 2];
            for (n, c) in [i1, i2].into_iter().enumerate() {
                match c {
                    None => {
                        self.note(
                            c::MRK_INDICATORS_MISSING,
                            Severity::Warning,
                            offset,
                            Some(t),
                            format!("indicator {} missing; set to blank", n + 1),
                        )
                        .set_param("indicator", (n + 1).to_string());
                    }
                    Some('\\') | Some(' ') => {}
                    Some(c) => match Indicator::new(c) {
                        Ok(i) => inds[n] = i,
                        Err(e) => {
                            self.note(
                                c::MRK_INDICATOR_INVALID,
                                Severity::Error,
                                offset,
                                Some(t),
                                e.to_string(),
                            )
                            .set_param("value", c.to_string());
                            return;
                        }
                    },
                }
            }
            inds
        };
        let mut subfields: Vec<Subfield> = Vec::new();
        if !rest.is_empty() && !rest.starts_with('$') {
            let shown: String = rest.chars().take(40).collect();
            self.note(
                c::MRK_TEXT_BEFORE_SUBFIELD,
                Severity::Error,
                offset,
                Some(t),
                format!("text before the first subfield: {shown:?}"),
            )
            .set_param("text", shown);
            return;
        }
        for part in rest.split('$').skip(1) {
            let mut cs = part.chars();
            let Some(code) = cs.next() else {
                // A `$` with no code: keep it as text of the subfield before it.
                self.note(
                    c::MRK_DOLLAR_WITHOUT_CODE,
                    Severity::Warning,
                    offset,
                    Some(t),
                    "a '$' with no subfield code; kept as a literal '$'".into(),
                );
                match subfields.last_mut() {
                    Some(s) => s.value.push('$'),
                    None => {
                        self.note(
                            c::MRK_DOLLAR_WITHOUT_CODE,
                            Severity::Error,
                            offset,
                            Some(t),
                            "field has a '$' and no subfield".into(),
                        );
                        return;
                    }
                }
                continue;
            };
            let code = match SubfieldCode::new(code) {
                Ok(c) => c,
                Err(e) => {
                    self.note(
                        c::MRK_SUBFIELD_CODE_INVALID,
                        Severity::Error,
                        offset,
                        Some(t),
                        e.to_string(),
                    )
                    .set_param("value", code.to_string());
                    return;
                }
            };
            subfields.push(Subfield::new(code, decode(cs.as_str(), false, unknown)));
        }
        if subfields.is_empty() {
            self.note(
                c::MRK_NO_SUBFIELDS,
                Severity::Warning,
                offset,
                Some(t),
                "data field has no subfields".into(),
            );
        }
        self.fields.push(Field::Data {
            tag,
            indicators,
            subfields: subfields.into(),
        });
    }

    // The crate-wide ReadResult carries a full Diagnostic by design.
    #[allow(clippy::result_large_err)]
    fn finish(mut self) -> ReadResult {
        if self.leader.is_none() && self.faults.is_empty() {
            self.note(
                c::MRK_NO_LEADER,
                Severity::Warning,
                self.offset,
                Some("LDR"),
                "no =LDR line; a default leader was made".into(),
            );
        }
        let record = Record {
            leader: self.leader.unwrap_or_else(|| Leader::new('n', 'a', 'm')),
            fields: self.fields,
        };
        let cn = record.control_number().map(str::to_string);
        let fill = |d: Diagnostic| d.with_control_number(cn.as_deref());
        if record.fields.is_empty() {
            self.warnings.push(
                Diagnostic::warning("record has no fields")
                    .at_record(self.number, self.offset)
                    .with_code(c::MRK_EMPTY),
            );
        }
        let mut faults = self.faults.into_iter().map(fill);
        match faults.next() {
            Some(mut first) => {
                let more = faults.count();
                if more > 0 {
                    first.message.push_str(&format!(
                        " (and {more} more problem{} in this record)",
                        if more == 1 { "" } else { "s" }
                    ));
                }
                Err(first)
            }
            None => Ok(Decoded {
                record,
                warnings: self.warnings.into_iter().map(fill).collect(),
            }),
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<ReadResult> {
        if self.failed {
            return None;
        }
        let mut builder: Option<Builder> = None;
        loop {
            let (line, offset) = match self.carried.take() {
                Some((text, offset)) => (Line::Text(text, None), offset),
                None => match self.read_line() {
                    Ok(Some(l)) => l,
                    Ok(None) => return builder.map(Builder::finish),
                    Err(e) => {
                        self.failed = true;
                        let d = Diagnostic::error(format!("could not read the input: {e}"))
                            .at_record(self.record_number + 1, self.offset);
                        return Some(Err(d));
                    }
                },
            };
            let (text, decode_warning) = match line {
                Line::Text(t, w) => (t, w),
                Line::Bad(message) => {
                    let b = builder.get_or_insert_with(|| {
                        self.record_number += 1;
                        Builder::new(self.record_number, offset)
                    });
                    b.note(
                        c::MRK_UNREADABLE_LINE,
                        Severity::Error,
                        offset,
                        None,
                        message.clone(),
                    )
                    .set_param("reason", message);
                    continue;
                }
            };
            if text.is_empty() {
                match builder {
                    Some(b) => return Some(b.finish()),
                    None => continue,
                }
            }
            if text.starts_with('#') {
                continue;
            }
            if text.starts_with("=LDR")
                && let Some(b) = &builder
                && (b.leader.is_some() || !b.fields.is_empty())
            {
                // A record began without the blank line that should end the one before.
                let mut b = builder.take()?;
                b.note(
                    c::MRK_SECOND_LEADER,
                    Severity::Warning,
                    offset,
                    Some("LDR"),
                    "no blank line before this leader; a new record begins here".into(),
                );
                self.carried = Some((text, offset));
                return Some(b.finish());
            }
            let b = builder.get_or_insert_with(|| {
                self.record_number += 1;
                Builder::new(self.record_number, offset)
            });
            if let Some(w) = decode_warning {
                b.note(c::MRK_NOT_UTF8, Severity::Warning, offset, None, w);
            }
            b.add_line(&text, offset);
        }
    }
}

/// One record from mnemonic text as an editor holds it (its text mode): blank lines and `#`
/// comments are skipped rather than ending the record, and every line's problem is reported,
/// not only the first. Each diagnostic's `offset` is the byte offset of its line in `text`.
/// `Err` holds every fault (then the warnings) when a line could not be placed.
pub fn parse_record(text: &str) -> Result<Decoded, Vec<Diagnostic>> {
    let mut builder = Builder::new(1, 0);
    let mut offset = 0u64;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len() as u64;
        // The same trimming as the reader's, so text the writer made reads back the same.
        let mut line = raw.trim_end_matches(['\n', '\r', ' ', '\t']);
        if start == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        builder.add_line(line, start);
    }
    if builder.faults.is_empty() {
        builder.finish().map_err(|d| vec![d])
    } else {
        let mut all = std::mem::take(&mut builder.faults);
        all.append(&mut builder.warnings);
        Err(all)
    }
}

/// Writes records in MarcEdit's layout, each followed by a blank line.
pub struct Writer<W: Write> {
    output: W,
}

impl<W: Write> Writer<W> {
    pub fn new(output: W) -> Self {
        Writer { output }
    }
}

fn unwritable(record: &Record, tag: &str, reason: &str) -> MarcError {
    MarcError::Malformed {
        at: Pointer {
            tag: Some(tag.to_string()),
            ..Pointer::default()
        },
        reason: format!(
            "record {}: {reason}; mnemonic text cannot hold it",
            record.control_number().unwrap_or("without 001")
        ),
    }
}

/// The record as `.mrk` text, ending with the blank line that separates records.
pub fn to_string(record: &Record) -> Result<String, MarcError> {
    let mut out = String::new();
    out.push_str("=LDR  ");
    for c in record.leader.as_str().chars() {
        match c {
            ' ' => out.push('\\'),
            '\\' => return Err(unwritable(record, "LDR", "a backslash in the leader")),
            c if c.is_ascii_control() => {
                return Err(unwritable(
                    record,
                    "LDR",
                    "a control character in the leader",
                ));
            }
            c => out.push(c),
        }
    }
    out.push_str("\r\n");
    for field in &record.fields {
        let tag = field.tag();
        match field {
            Field::Control { value, .. } => {
                if !tag.is_control() {
                    return Err(unwritable(
                        record,
                        tag.as_str(),
                        "a control field with a data field tag",
                    ));
                }
                out.push('=');
                out.push_str(tag.as_str());
                out.push_str("  ");
                encode(value, true, &mut out);
            }
            Field::Data {
                indicators,
                subfields,
                ..
            } => {
                if tag.is_control() {
                    return Err(unwritable(
                        record,
                        tag.as_str(),
                        "a data field with a control field tag",
                    ));
                }
                out.push('=');
                out.push_str(tag.as_str());
                out.push_str("  ");
                for i in indicators {
                    match i.as_char() {
                        ' ' => out.push('\\'),
                        '\\' => {
                            return Err(unwritable(
                                record,
                                tag.as_str(),
                                "a backslash indicator (read back as blank)",
                            ));
                        }
                        c => out.push(c),
                    }
                }
                for s in subfields {
                    if s.code.as_char() == '$' {
                        return Err(unwritable(
                            record,
                            tag.as_str(),
                            "a '$' subfield code (read back as an empty code)",
                        ));
                    }
                    out.push('$');
                    out.push(s.code.as_char());
                    encode(&s.value, false, &mut out);
                }
            }
        }
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    Ok(out)
}

impl<W: Write> RecordWriter for Writer<W> {
    fn write_record(&mut self, record: &Record) -> Result<(), MarcError> {
        let text = to_string(record)?;
        self.output.write_all(text.as_bytes())?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), MarcError> {
        self.output.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn read_all(text: &str) -> Vec<ReadResult> {
        Reader::new(text.as_bytes()).collect()
    }

    fn one(text: &str) -> Decoded {
        let mut all = read_all(text);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0).expect("record reads")
    }

    fn odd_record(n: u32) -> Record {
        Record::new(Leader::parse("00000cam a2200000 i 4500").expect("leader"))
            .control("001", format!("ocm{n} "))
            .expect("001")
            .control("008", "960221s1955    dcu\\{x}$ 001 0 vie d")
            .expect("008")
            .data(
                "245",
                ['1', '0'],
                &[
                    ('a', "Cost $35 \\ {braces} {dollar} :"),
                    ('b', "Hà Nội (NFC) / Ha\u{300} Nô\u{323}i (NFD)"),
                    ('c', ""),
                    ('d', "tab\there, newline\nthere, escape \u{1B}(B"),
                    ('e', "trailing blanks  "),
                ],
            )
            .expect("245")
            .data("500", [' ', '$'], &[('a', "{zilch} and {U+00E9}")])
            .expect("500")
            .data("CAT", ['|', '#'], &[('{', "code brace"), ('a', " ")])
            .expect("CAT")
    }

    #[test]
    fn odd_characters_survive_a_round_trip() {
        let records: Vec<Record> = (1..=3).map(odd_record).collect();
        let mut out = Vec::new();
        let mut w: Box<dyn RecordWriter> = Box::new(Writer::new(&mut out));
        for r in &records {
            w.write_record(r).expect("writes");
        }
        w.finish().expect("finishes");
        let text = String::from_utf8(out).expect("utf-8");
        let back: Vec<Decoded> = read_all(&text)
            .into_iter()
            .map(|r| r.expect("reads back"))
            .collect();
        assert_eq!(back.len(), 3);
        for (d, r) in back.iter().zip(&records) {
            assert_eq!(&d.record, r);
            assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        }
    }

    #[test]
    fn writer_uses_marcedit_layout() {
        let r = Record::new(Leader::parse("00714cam a2200205 a 4500").expect("leader"))
            .control("001", "ocm123 ")
            .expect("001")
            .data(
                "245",
                ['1', ' '],
                &[('a', "Title :"), ('b', "sub /"), ('c', "by.")],
            )
            .expect("245");
        assert_eq!(
            to_string(&r).expect("writes"),
            "=LDR  00714cam\\a2200205\\a\\4500\r\n=001  ocm123\\\r\n\
             =245  1\\$aTitle :$bsub /$cby.\r\n\r\n"
        );
    }

    #[test]
    fn mnemonics_decode_to_unicode() {
        let cases = [
            ("{dollar}35.99", "$35.99"),
            ("a {bsol} b", "a \\ b"),
            ("{lcub}text{rcub}", "{text}"),
            ("d{acute}esir{acute}ee", "de\u{301}sire\u{301}e"),
            ("{under}k{under}hu", "k\u{332}h\u{332}u"),
            ("T{uhorn} D{uhorn}c", "Tư Dưc"),
            ("{copy}1955 {reg} {esc}b", "©1955 ® \u{1B}b"),
            ("{U+1EA1} {u+0110}", "\u{1EA1} \u{110}"),
            ("{24}{7B}{E2}e{C3}", "${e\u{301}©"),
            ("{eacute}t{Ccedil}", "e\u{301}tC\u{327}"),
            ("W{lstrok}oc{lstrok}aw", "Włocław"),
            ("d{llig}i{rlig}a", "di\u{FE20}a\u{FE21}"),
            ("back \\ slash", "back \\ slash"),
            ("{zilch} {", "{zilch} {"),
            ("{acute}", "\u{301}"),
        ];
        for (input, expected) in cases {
            let mut unknown = Vec::new();
            assert_eq!(decode(input, false, &mut unknown), expected, "{input}");
        }
        let mut unknown = Vec::new();
        decode("{zilch}{U+110000}{BB}", false, &mut unknown);
        assert_eq!(unknown, ["{zilch}", "{U+110000}", "{BB}"]);
    }

    #[test]
    fn tolerates_bom_crlf_trailing_blanks_comments_and_trailing_blank_lines() {
        let text = "\u{FEFF}=LDR  00714cam  2200205 a 4500\r\n=001  ocm1\\  \r\n\
                    # a MarcEdit comment\r\n=245  10$aTitle\t\r\n\r\n\r\n\n";
        let d = one(text);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(d.record.leader.as_str(), "00714cam  2200205 a 4500");
        assert_eq!(d.record.control_number(), Some("ocm1 "));
        assert_eq!(d.record.fields[1].subfield('a'), Some("Title"));
    }

    #[test]
    fn missing_leader_gets_a_default_with_a_warning() {
        let d = one("=001  x1\n=245  00$aT\n");
        assert_eq!(d.record.leader.as_str(), "00000nam a2200000 i 4500");
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(d.warnings[0].tag.as_deref(), Some("LDR"));
        assert_eq!(d.warnings[0].control_number.as_deref(), Some("x1"));
    }

    #[test]
    fn a_garbage_line_fails_its_record_and_the_next_record_is_read() {
        let text = "=LDR  00714cam  2200205 a 4500\n=001  r1\nthis is not a field\n=245  10$aT\n\n\
                    =LDR  00714cam  2200205 a 4500\n=001  r2\n";
        let all = read_all(text);
        assert_eq!(all.len(), 2);
        let e = all[0].as_ref().expect_err("record 1 fails");
        assert_eq!(e.severity, Severity::Error);
        assert_eq!(e.record, Some(1));
        assert_eq!(e.offset, Some(40));
        assert_eq!(e.control_number.as_deref(), Some("r1"));
        assert!(e.message.contains("does not start with '='"), "{e}");
        let d = all[1].as_ref().expect("record 2 reads");
        assert_eq!(d.record.control_number(), Some("r2"));
    }

    #[test]
    fn damaged_lines_give_located_diagnostics() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("=24  10$aT", "invalid tag", Some("24 ")),
            (
                "=245  10Title",
                "text before the first subfield",
                Some("245"),
            ),
            ("=245  10$\u{e9}x", "subfield code", Some("245")),
            (
                "=LDR  0123456789012345678901234567",
                "invalid leader",
                Some("LDR"),
            ),
        ];
        for (line, message, tag) in cases {
            let all = read_all(&format!("{line}\n=001  c\n"));
            let e = all[0].as_ref().expect_err(line);
            assert!(e.message.contains(message), "{line}: {e}");
            assert_eq!(e.tag.as_deref(), *tag, "{line}");
            assert_eq!(e.offset, Some(0), "{line}");
            assert_eq!(e.control_number.as_deref(), Some("c"), "{line}");
        }
    }

    #[test]
    fn repairs_give_warnings() {
        let cases: &[(&str, &str)] = &[
            ("=245 10$aT", "one space"),
            ("=245  $aT", "indicators missing"),
            ("=245  1", "indicator 2 missing"),
            ("=245  10$aT$", "no subfield code"),
            ("=500  \\\\$a{zilch}", "unknown mnemonic {zilch}"),
        ];
        for (line, message) in cases {
            let d = one(&format!("=LDR  00714cam  2200205 a 4500\n{line}\n"));
            assert!(
                d.warnings.iter().any(|w| w.message.contains(message)),
                "{line}: {:?}",
                d.warnings
            );
        }
    }

    #[test]
    fn a_short_leader_is_padded_with_a_warning() {
        let d = one("=LDR  00714cam\\a22\n=001  a\n");
        assert_eq!(d.record.leader.as_str(), "00714cam a22            ");
        assert!(d.warnings[0].message.contains("padded"));
    }

    #[test]
    fn a_leader_without_a_blank_line_starts_a_new_record() {
        let all = read_all(
            "=LDR  00714cam  2200205 a 4500\n=001  a\n=LDR  00714cam  2200205 a 4500\n=001  b\n",
        );
        assert_eq!(all.len(), 2);
        let first = all[0].as_ref().expect("first");
        assert!(first.warnings[0].message.contains("no blank line"));
        assert_eq!(
            all[1].as_ref().expect("second").record.control_number(),
            Some("b")
        );
    }

    #[test]
    fn records_that_cannot_be_written_are_refused() {
        let bad = Record::new(Leader::parse("00000cam a2200000 i 4500").expect("leader"))
            .data("245", ['\\', '0'], &[('a', "T")])
            .expect("245");
        assert!(to_string(&bad).is_err());
        let bad = Record::new(Leader::parse("00000cam a2200000 i 4500").expect("leader"))
            .control("245", "T")
            .expect("245");
        assert!(to_string(&bad).is_err());
    }

    #[test]
    fn never_panics_on_damaged_input() {
        let sample = to_string(&odd_record(1)).expect("writes");
        let bytes = sample.as_bytes();
        for cut in 0..bytes.len() {
            let _ = Reader::new(&bytes[..cut]).count();
        }
        // Deterministic garbage, including invalid UTF-8 and '=' / '$' / '{' heavy lines.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..300 {
            let input: Vec<u8> = (0..200)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    b"=$\\{}\n 0aLDR\xC3\xFF"[(seed % 14) as usize]
                })
                .collect();
            let _ = Reader::new(input.as_slice()).count();
        }
    }

    #[test]
    fn overlong_lines_are_refused_without_keeping_them() {
        let mut text = String::from("=001  a\n=500  \\\\$a");
        text.push_str(&"x".repeat(MAX_LINE + 10));
        text.push_str("\n\n=001  b\n");
        let all = read_all(&text);
        assert!(
            all[0]
                .as_ref()
                .expect_err("long")
                .message
                .contains("longer than")
        );
        assert_eq!(
            all[1].as_ref().expect("next").record.control_number(),
            Some("b")
        );
    }

    /// LC's MARCMaker test file (marc4j, LGPL: not copied; read from the corpus when given).
    #[test]
    fn reads_lc_brkrtest_mrk_from_the_corpus() {
        let Some(dir) = crate::test_corpus() else {
            println!("SHELFMARK_MARC_CORPUS unset: skipping marc4j/brkrtest.mrk");
            return;
        };
        let path = std::path::Path::new(&dir).join("marc4j/brkrtest.mrk");
        let file = std::fs::File::open(&path).expect("brkrtest.mrk in the corpus");
        let all: Vec<ReadResult> = Reader::new(file).collect();
        assert_eq!(all.len(), 8);
        let records: Vec<&Decoded> = all.iter().map(|r| r.as_ref().expect("reads")).collect();
        assert_eq!(records[0].record.control_number(), Some("tes96000001 "));
        assert_eq!(
            records[0].record.control_value("008"),
            Some("960221s1955    dcuabcdjdbkoqu001 0deng d")
        );
        let notes: Vec<&str> = records[1]
            .record
            .fields_with_tag("500")
            .filter_map(|f| f.subfield('a'))
            .collect();
        assert!(notes.contains(&"the lowercase Polish l in Włocław"));
        assert!(notes.contains(&"the acute accent in de\u{301}sire\u{301}e"));
        assert!(notes.contains(&"the lowercase u-hook in Tư Dưc"));
        let r8 = &records[7].record;
        let prices: Vec<&str> = r8
            .fields_with_tag("020")
            .filter_map(|f| f.subfield('c'))
            .collect();
        assert_eq!(prices, ["$35.99", "$35.99", "$46.00"]);
        let r7 = &records[6].record;
        assert_eq!(
            r7.fields_with_tag("856")
                .next()
                .and_then(|f| f.subfield('d')),
            Some("\\pub\\marc")
        );
        // Record 3 has a line with two fields run together; it is still one 500.
        assert!(
            records
                .iter()
                .all(|d| d.warnings.iter().all(|w| w.severity == Severity::Warning))
        );
    }
}
