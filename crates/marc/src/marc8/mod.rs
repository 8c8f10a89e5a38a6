//! MARC-8 to Unicode: the conversion behind every record whose Leader/09 is blank.
//!
//! MARC-8 is the Library of Congress's ISO 2022 variant: two graphic sets are in force at any
//! time, G0 (bytes 0x21–0x7E, ASCII by default) and G1 (bytes 0xA1–0xFE, ANSEL by default), and
//! escape sequences change what they hold. [`decode`] turns such bytes into a UTF-8 `String` in
//! Unicode Normalization Form C, or refuses with the first [`Marc8Error`];
//! [`decode_lossy`] never refuses: it puts U+FFFD where a byte could not be read and lists every
//! problem, so a reader can keep a damaged record and warn about it.
//!
//! What is converted, and how:
//! - **Character sets**: LoC's full tables — Basic and Extended Latin (ASCII, ANSEL), Basic and
//!   Extended Cyrillic, Basic Greek, Basic Hebrew, Basic and Extended Arabic, the technique 1
//!   Greek symbols/subscripts/superscripts, and EACC (CJK, three bytes a character). The tables
//!   are generated from pymarc's transcription of LoC's `codetables.xml` into `tables.rs` by
//!   `crates/marc/tools/gen_marc8_tables.py` (see its header for how to regenerate).
//! - **Escape sequences**: G0 designation `ESC ( F` / `ESC , F`, G1 designation `ESC ) F` /
//!   `ESC - F`, multibyte `ESC $ F`, `ESC $ ( F`, `ESC $ , F` (G0) and `ESC $ ) F`, `ESC $ - F`
//!   (G1), ANSEL's `!E` final, and technique 1's `ESC g`, `ESC b`, `ESC p` and `ESC s` (back to
//!   ASCII). The final character alone picks the set (so `ESC ( 1` reads EACC, as yaz and pymarc
//!   do). A set keeps working whichever of G0/G1 holds it: its 7-bit position is what counts.
//! - **State**: every call starts with G0 = ASCII and G1 = ANSEL, the MARC-8 defaults. Convert
//!   one value at a time (a control field's data, or one subfield's data without its delimiter
//!   and code), as yaz and pymarc do: a subfield code is ASCII whatever set the text before it
//!   left designated, so a whole field must not go through in one call. C0 controls other than
//!   ESC pass through unchanged (and do not reset the sets), so nothing is lost if one appears.
//! - **Space** (0x20) is a space whatever set is designated, EACC included (as in yaz).
//! - **Combining marks** come *before* their base character in MARC-8 and *after* it in Unicode:
//!   marks are held until the next base character and emitted after it in their original order;
//!   NFC then composes what Unicode can compose (and canonically reorders marks of different
//!   classes, so ANSEL "circumflex, dot below, e" becomes "ệ"). Marks of the same class keep
//!   the MARC-8 order, as in yaz and pymarc: "circumflex, tilde, e" is "ễ" (Nguyễn), while data
//!   keyed outermost-first would stack the other way, which no converter can tell. A mark with no base after it (at
//!   the end of the value or before a control) is an error: emitted as it stands, NFC would
//!   silently put it on the letter *before* it ("abc" + acute would become "abć"). The lossy
//!   conversion keeps it on a U+FFFD standing for the missing base, so nothing is dropped.
//! - **Speed**: a value of pure ASCII (no ESC, no byte at or above 0x7F) is copied without
//!   conversion; normalisation is done per base-and-marks cluster and skipped for the whole
//!   text when the NFC quick check already passes.
//! - **C1 controls**: ANSEL's non-sort begin/end (0x88/0x89 → U+0098/U+009C) and joiner/non-joiner
//!   (0x8D/0x8E → U+200D/U+200C) are read whatever G1 holds, since they are controls, not graphics.
//!
//! **Double diacritics.** MARC-8 writes the ligature and the double tilde as two halves, one
//! before each of the two letters they span: EB/EC (ligature, left/right half) and FA/FB (double
//! tilde, left/right half). This module maps them the way LoC's current MARC-8 → Unicode code
//! table does and pymarc follows: EB → U+FE20, EC → U+FE21, FA → U+FE22, FB → U+FE23 (COMBINING
//! LIGATURE/DOUBLE TILDE LEFT/RIGHT HALF). yaz instead emits one U+0361/U+0360 (COMBINING DOUBLE
//! INVERTED BREVE / DOUBLE TILDE) after the first letter and drops the second half. We follow LoC
//! because (1) it is the mapping LoC publishes for MARC-8 → Unicode, and pymarc uses it too, so
//! our output compares equal with theirs; (2) it is one-to-one, so converting back to MARC-8
//! gives the original bytes; and (3) it needs no look-ahead for a second half that damaged
//! records often lack.
//! The cost: U+FE20..U+FE23 render less well than U+0361 in some fonts; a display layer may fold
//! them if it wants.
//!
//! **Not included**: pymarc's six "ODD_MAP" codes (Innovative Interfaces inventions, not MARC-8),
//! and LoC's alternative private-use mappings for a few EACC characters (the table keeps pymarc's
//! choice of the nearest standard character, which most systems expect).

#[rustfmt::skip]
mod tables;

use std::fmt::Write as _;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use tables::COMBINING;

/// Why a MARC-8 byte sequence could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("MARC-8 byte {position}: {message}")]
pub struct Marc8Error {
    /// Byte offset, inside the bytes given to [`decode`], where the problem starts.
    pub position: usize,
    /// What is wrong, naming the bytes and the character set in force.
    pub message: String,
}

/// Converts MARC-8 bytes to a UTF-8 string in NFC, or names the first byte it cannot read.
pub fn decode(bytes: &[u8]) -> Result<String, Marc8Error> {
    if let Some(text) = ascii_fast_path(bytes) {
        return Ok(text);
    }
    let mut converter = Converter::new(bytes.len(), true);
    converter.run(bytes);
    match converter.problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(finish(converter.out)),
    }
}

/// Converts MARC-8 bytes to UTF-8 in NFC, never failing: each byte or sequence that cannot be
/// read becomes one U+FFFD in the text and one [`Marc8Error`] in the list (in input order).
pub fn decode_lossy(bytes: &[u8]) -> (String, Vec<Marc8Error>) {
    if let Some(text) = ascii_fast_path(bytes) {
        return (text, Vec::new());
    }
    let mut converter = Converter::new(bytes.len(), false);
    converter.run(bytes);
    (finish(converter.out), converter.problems)
}

/// Most MARC-8 data is plain ASCII: no escapes, no high bytes, no DEL. Such text is already
/// UTF-8 and already NFC, so it is copied as is. The scan folds over every byte without an
/// early exit so that the compiler can vectorise it; that is faster than stopping early on the
/// short strings MARC fields are.
fn ascii_fast_path(bytes: &[u8]) -> Option<String> {
    let special = bytes
        .iter()
        .fold(false, |acc, &b| acc | (b >= 0x7F) | (b == 0x1B));
    if special {
        return None;
    }
    String::from_utf8(bytes.to_vec()).ok()
}

fn finish(out: String) -> String {
    // Composing is the costly part of a conversion; the quick check (a table lookup per
    // character) proves most text without combining marks, e.g. EACC or Cyrillic, already NFC.
    if out.is_ascii() || is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// A character set MARC-8 can designate, named by its escape sequence's final character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    BasicLatin,
    Ansel,
    BasicHebrew,
    BasicArabic,
    ExtendedArabic,
    BasicCyrillic,
    ExtendedCyrillic,
    BasicGreek,
    GreekSymbols,
    Subscripts,
    Superscripts,
    Eacc,
}

impl Charset {
    fn from_final(byte: u8) -> Option<Self> {
        Some(match byte {
            b'B' | b's' => Self::BasicLatin,
            b'E' => Self::Ansel,
            b'2' => Self::BasicHebrew,
            b'3' => Self::BasicArabic,
            b'4' => Self::ExtendedArabic,
            b'N' => Self::BasicCyrillic,
            b'Q' => Self::ExtendedCyrillic,
            b'S' => Self::BasicGreek,
            b'g' => Self::GreekSymbols,
            b'b' => Self::Subscripts,
            b'p' => Self::Superscripts,
            b'1' => Self::Eacc,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::BasicLatin => "Basic Latin (ASCII)",
            Self::Ansel => "Extended Latin (ANSEL)",
            Self::BasicHebrew => "Basic Hebrew",
            Self::BasicArabic => "Basic Arabic",
            Self::ExtendedArabic => "Extended Arabic",
            Self::BasicCyrillic => "Basic Cyrillic",
            Self::ExtendedCyrillic => "Extended Cyrillic",
            Self::BasicGreek => "Basic Greek",
            Self::GreekSymbols => "Greek symbols",
            Self::Subscripts => "Subscripts",
            Self::Superscripts => "Superscripts",
            Self::Eacc => "East Asian (EACC)",
        }
    }

    /// The 94-position table of a single-byte set; `None` for EACC.
    fn table(self) -> Option<&'static [u32; 94]> {
        Some(match self {
            Self::BasicLatin => &tables::BASIC_LATIN,
            Self::Ansel => &tables::ANSEL,
            Self::BasicHebrew => &tables::BASIC_HEBREW,
            Self::BasicArabic => &tables::BASIC_ARABIC,
            Self::ExtendedArabic => &tables::EXTENDED_ARABIC,
            Self::BasicCyrillic => &tables::BASIC_CYRILLIC,
            Self::ExtendedCyrillic => &tables::EXTENDED_CYRILLIC,
            Self::BasicGreek => &tables::BASIC_GREEK,
            Self::GreekSymbols => &tables::GREEK_SYMBOLS,
            Self::Subscripts => &tables::SUBSCRIPTS,
            Self::Superscripts => &tables::SUPERSCRIPTS,
            Self::Eacc => return None,
        })
    }
}

fn eacc_lookup(code: u32) -> Option<char> {
    let index = tables::EACC_CODES.binary_search(&code).ok()?;
    char::from_u32(*tables::EACC_CHARS.get(index)?)
}

/// How a byte shows in a message: hex, plus the ASCII character when it is printable.
fn show(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("0x{byte:02X} '{}'", byte as char)
    } else {
        format!("0x{byte:02X}")
    }
}

/// An escape sequence as a cataloger would write it, e.g. `ESC $ ) 1`.
fn show_escape(sequence: &[u8]) -> String {
    let mut shown = String::from("ESC");
    for &b in sequence.iter().skip(1) {
        if b.is_ascii_graphic() {
            let _ = write!(shown, " {}", b as char);
        } else {
            let _ = write!(shown, " 0x{b:02X}");
        }
    }
    shown
}

struct Converter {
    g0: Charset,
    g1: Charset,
    out: String,
    /// Combining marks read but not yet placed: they wait for their base character.
    pending: Vec<char>,
    /// Where the first pending mark was read, to name it when no base follows.
    pending_at: usize,
    problems: Vec<Marc8Error>,
    /// Stop at the first problem (for [`decode`]) instead of replacing and going on.
    strict: bool,
}

impl Converter {
    fn new(len: usize, strict: bool) -> Self {
        Self {
            g0: Charset::BasicLatin,
            g1: Charset::Ansel,
            out: String::with_capacity(len + len / 2),
            pending: Vec::new(),
            pending_at: 0,
            problems: Vec::new(),
            strict,
        }
    }

    fn run(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.strict && !self.problems.is_empty() {
                return;
            }
            let b = bytes[i];
            i = match b {
                0x1B => self.escape(bytes, i),
                b' ' => {
                    self.base(' ');
                    i + 1
                }
                0x00..=0x1F => {
                    self.control(char::from(b), bytes);
                    i + 1
                }
                0x21..=0x7E => self.graphic(self.g0, bytes, i),
                0xA1..=0xFE => self.graphic(self.g1, bytes, i),
                0x80..=0x9F => {
                    match tables::C1_CONTROLS.iter().find(|&&(code, _)| code == b) {
                        Some(&(_, uni)) => match char::from_u32(uni) {
                            Some(c) => self.control(c, bytes),
                            None => self.problem(i, format!("byte {} has no character", show(b))),
                        },
                        None => self.problem(
                            i,
                            format!("byte {} is a C1 control MARC-8 does not define", show(b)),
                        ),
                    }
                    i + 1
                }
                // 0x7F, 0xA0 and 0xFF: outside every 94-character set.
                _ => {
                    self.problem(i, format!("byte {} is not a character in MARC-8", show(b)));
                    i + 1
                }
            };
        }
        self.orphan_marks(bytes);
    }

    /// Reports marks that no base character followed (see the module doc).
    fn orphan_marks(&mut self, bytes: &[u8]) {
        if self.pending.is_empty() || (self.strict && !self.problems.is_empty()) {
            return;
        }
        let at = self.pending_at;
        let mark = bytes.get(at).copied().unwrap_or(0);
        self.problem(
            at,
            format!(
                "combining mark {} has no base character after it",
                show(mark)
            ),
        );
    }

    /// Emits a base character followed by the marks that preceded it in MARC-8. The cluster is
    /// composed here, while it is small: that leaves most text already in NFC, which `finish`
    /// then proves with the quick check instead of normalising the whole string again. (Text
    /// composed cluster by cluster is canonically equivalent to the whole, so whenever the
    /// result passes the quick check it is exactly the NFC of the whole.)
    fn base(&mut self, c: char) {
        if self.pending.is_empty() {
            self.out.push(c);
        } else {
            self.out
                .extend(std::iter::once(c).chain(self.pending.drain(..)).nfc());
        }
    }

    fn control(&mut self, c: char, bytes: &[u8]) {
        self.orphan_marks(bytes);
        self.out.push(c);
    }

    fn problem(&mut self, position: usize, message: String) {
        self.problems.push(Marc8Error { position, message });
        // The replacement takes the lost character's place, so its marks stay with it.
        self.base(char::REPLACEMENT_CHARACTER);
    }

    /// Reads the character starting at `i` in `set`; returns where the next one starts.
    fn graphic(&mut self, set: Charset, bytes: &[u8], i: usize) -> usize {
        let lead = bytes[i];
        let Some(table) = set.table() else {
            return self.eacc(bytes, i);
        };
        let entry = table[usize::from((lead & 0x7F) - 0x21)];
        match char::from_u32(entry & !COMBINING) {
            Some(c) if entry != 0 => {
                if entry & COMBINING != 0 {
                    if self.pending.is_empty() {
                        self.pending_at = i;
                    }
                    self.pending.push(c);
                } else {
                    self.base(c);
                }
            }
            _ => self.problem(
                i,
                format!("byte {} has no character in {}", show(lead), set.name()),
            ),
        }
        i + 1
    }

    fn eacc(&mut self, bytes: &[u8], i: usize) -> usize {
        // A trailing byte below 0x20 (ESC, a delimiter) means the character was cut short: stop
        // before it so that the escape or control is still honoured.
        let mut code: u32 = 0;
        for k in 0..3 {
            match bytes.get(i + k) {
                Some(&b) if k == 0 || b >= 0x20 => code = (code << 8) | u32::from(b),
                _ => {
                    let shown: Vec<String> = bytes[i..i + k].iter().map(|&b| show(b)).collect();
                    self.problem(
                        i,
                        format!(
                            "East Asian (EACC) character cut short: 3 bytes expected, found {} ({})",
                            k,
                            shown.join(" ")
                        ),
                    );
                    return i + k;
                }
            }
        }
        // EACC designated as G1 arrives with the high bit set on each byte.
        let code = if bytes[i] >= 0x80 {
            code & 0x7F7F7F
        } else {
            code
        };
        match eacc_lookup(code) {
            Some(c) => self.base(c),
            None => self.problem(
                i,
                format!(
                    "bytes {} {} {} have no character in East Asian (EACC)",
                    show(bytes[i]),
                    show(bytes[i + 1]),
                    show(bytes[i + 2])
                ),
            ),
        }
        i + 3
    }

    /// Reads the escape sequence at `i` (ISO 2022 form: ESC, intermediates 0x20–0x2F, a final
    /// 0x30–0x7E) and applies it; returns where the text resumes.
    fn escape(&mut self, bytes: &[u8], i: usize) -> usize {
        let mut end = i + 1;
        while let Some(&b) = bytes.get(end) {
            if !(0x20..=0x2F).contains(&b) {
                break;
            }
            end += 1;
        }
        let final_byte = match bytes.get(end) {
            Some(&b) if (0x30..=0x7E).contains(&b) => b,
            Some(_) => {
                let shown = show_escape(&bytes[i..=end]);
                self.problem(
                    i,
                    format!("escape sequence {shown} is malformed (no final character)"),
                );
                return end;
            }
            None => {
                let shown = show_escape(&bytes[i..end]);
                self.problem(i, format!("escape sequence {shown} cut short at the end"));
                return end;
            }
        };
        let sequence = &bytes[i..=end];
        let intermediates = &bytes[i + 1..end];
        // `$` marks a multibyte set and `!` ANSEL's final; both are accepted with any set.
        let designators: Vec<u8> = intermediates
            .iter()
            .copied()
            .filter(|&b| b != b'$' && b != b'!')
            .collect();
        let technique1 =
            intermediates.is_empty() && matches!(final_byte, b'g' | b'b' | b'p' | b's');
        let to_g1 = match designators.as_slice() {
            [] if technique1 || intermediates.first() == Some(&b'$') => false,
            [b'(' | b','] => false,
            [b')' | b'-'] => true,
            _ => {
                self.problem(
                    i,
                    format!(
                        "escape sequence {} is not one MARC-8 uses",
                        show_escape(sequence)
                    ),
                );
                return end + 1;
            }
        };
        match Charset::from_final(final_byte) {
            Some(set) if to_g1 => self.g1 = set,
            Some(set) => self.g0 = set,
            None => self.problem(
                i,
                format!(
                    "escape sequence {} names a character set MARC-8 does not have; \
                     the text after it is read in the set in force before",
                    show_escape(sequence)
                ),
            ),
        }
        end + 1
    }
}

#[cfg(test)]
mod tests;
