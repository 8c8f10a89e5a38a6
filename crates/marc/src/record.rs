//! The record model: leader, control fields, data fields with indicators and subfields.
//!
//! The model is plain owned data — a `Vec` of fields, each data field a list of subfields —
//! because that is what catalogers' code edits: the MARC editor inserts, removes and reorders
//! fields and subfields with ordinary `Vec`/slice operations (`record.fields.insert(i, f)`,
//! `subfields.swap(a, b)`, `subfield.value = "...".into()`), and every piece can be moved from
//! one record to another on its own. A single text arena per record with fields as ranges
//! into it would read a little faster still, but every edit would then go through builder
//! methods that patch ranges (and leave garbage behind or re-pack the arena), and no field
//! could be held or moved without its record; that cost falls on every user, forever.
//!
//! What made reading slow was not the shape but its storage: one `String` per value and one
//! `Vec` per field, about seventy allocations per record, and fields too large to move
//! cheaply. So the shape stays and its storage is made cheap: a value is a [`Text`] (a
//! `CompactString`, inline up to 24 bytes, which most MARC values are: codes, dates, numbers,
//! names, short titles), a field's subfields are [`Subfields`] (a `SmallVec` holding up to
//! three inline), indicators and subfield codes are single bytes, and the leader is 24 bytes
//! inline. A typical record then reads with a handful of allocations (the field list and the
//! long values), and the reader builds each field in place. `Text` derefs to `&str` and
//! `Subfields` to `&[Subfield]`, both convert from `&str`/`String` and `Vec` with `.into()`,
//! so code that reads records is unchanged and code that builds them adds `.into()` (or uses
//! [`Subfield::new`] and [`Record::data`]).

use std::fmt;

pub use compact_str::CompactString as Text;
use smallvec::SmallVec;

use crate::MarcError;

/// The subfields of a data field, in order; the first three are stored inline (most fields
/// have one to three). Three keeps a [`Field`] within 128 bytes, which the compiler moves
/// with a few register stores instead of a call to `memcpy`.
pub type Subfields = SmallVec<[Subfield; 3]>;

/// A field tag: three ASCII characters. MARC 21 tags are letters and digits (`245`, `001`,
/// local `9XX`, `CAT`), but damaged records carry others (`30-`, `0 2`); those are kept, so a
/// field is never lost for its tag, and the readers and the validator report them
/// ([`Tag::is_standard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag([u8; 3]);

impl Tag {
    pub fn new(tag: &str) -> Result<Self, MarcError> {
        let bytes = tag.as_bytes();
        let printable = |b: &u8| b.is_ascii_graphic() || *b == b' ';
        match bytes {
            [a, b, c] if bytes.iter().all(printable) && bytes.iter().any(u8::is_ascii_graphic) => {
                Ok(Tag([*a, *b, *c]))
            }
            _ => Err(MarcError::InvalidTag(tag.to_string())),
        }
    }

    /// The same rule as [`Tag::new`], on the three bytes of a directory entry.
    pub(crate) fn from_bytes(bytes: [u8; 3]) -> Option<Self> {
        let printable = |b: &u8| b.is_ascii_graphic() || *b == b' ';
        (bytes.iter().all(printable) && bytes.iter().any(u8::is_ascii_graphic))
            .then_some(Tag(bytes))
    }

    /// Three letters or digits, as MARC 21 defines a tag.
    pub fn is_standard(&self) -> bool {
        self.0.iter().all(u8::is_ascii_alphanumeric)
    }

    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII alphanumerics, so always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Control fields are `00X` in MARC 21.
    pub fn is_control(&self) -> bool {
        self.0[0] == b'0' && self.0[1] == b'0'
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One indicator position of a data field; a blank is `' '`. Stored as its ASCII byte.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Indicator(u8);

impl fmt::Debug for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Indicator").field(&self.as_char()).finish()
    }
}

impl Indicator {
    pub const BLANK: Indicator = Indicator(b' ');

    /// Accepts any printable ASCII character: MARC 21 defines blank, digits and lowercase
    /// letters, but real records carry others (`|`, `#`) and a reader must keep them so a
    /// round trip loses nothing; the validator reports the undefined ones.
    pub fn new(c: char) -> Result<Self, MarcError> {
        if c == ' ' || c.is_ascii_graphic() {
            Ok(Indicator(c as u8))
        } else {
            Err(MarcError::InvalidIndicator(c))
        }
    }

    pub fn as_char(&self) -> char {
        char::from(self.0)
    }
}

/// A subfield code (`a`, `b`, `6`, ...). Stored as its ASCII byte.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubfieldCode(u8);

impl fmt::Debug for SubfieldCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SubfieldCode")
            .field(&self.as_char())
            .finish()
    }
}

impl SubfieldCode {
    pub fn new(c: char) -> Result<Self, MarcError> {
        if c.is_ascii_graphic() {
            Ok(SubfieldCode(c as u8))
        } else {
            Err(MarcError::InvalidSubfieldCode(c))
        }
    }

    pub fn as_char(&self) -> char {
        char::from(self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subfield {
    pub code: SubfieldCode,
    pub value: Text,
}

impl Subfield {
    pub fn new(code: SubfieldCode, value: impl Into<Text>) -> Self {
        Subfield {
            code,
            value: value.into(),
        }
    }
}

/// The 24-character leader. Positions are kept as text so nothing unusual is lost.
#[derive(Clone, PartialEq, Eq)]
pub struct Leader([u8; 24]);

impl fmt::Debug for Leader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Leader").field(&self.as_str()).finish()
    }
}

impl Leader {
    /// A leader for a new record; lengths and base address are filled in when written.
    /// A non-ASCII argument is read as a blank: a leader is ASCII.
    pub fn new(record_status: char, record_type: char, bib_level: char) -> Self {
        let mut bytes = *b"00000nam a2200000 i 4500";
        for (i, c) in [(5, record_status), (6, record_type), (7, bib_level)] {
            bytes[i] = if c.is_ascii() { c as u8 } else { b' ' };
        }
        Leader(bytes)
    }

    pub fn parse(value: &str) -> Result<Self, MarcError> {
        match <[u8; 24]>::try_from(value.as_bytes()) {
            Ok(bytes) if value.is_ascii() => Ok(Leader(bytes)),
            _ => Err(MarcError::InvalidLeader {
                value: value.to_string(),
                reason: "a leader is exactly 24 ASCII characters",
            }),
        }
    }

    /// A leader from bytes already known to be ASCII (the reader checks them itself).
    pub(crate) fn from_ascii(bytes: [u8; 24]) -> Option<Self> {
        bytes.is_ascii().then_some(Leader(bytes))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The character at a 0-based leader position.
    pub fn at(&self, position: usize) -> char {
        self.0.get(position).map(|b| *b as char).unwrap_or(' ')
    }

    /// Leader/06: type of record (`a` language material, `i` nonmusical sound, ...).
    pub fn record_type(&self) -> char {
        self.at(6)
    }

    /// Leader/07: bibliographic level (`m` monograph, `s` serial, ...).
    pub fn bibliographic_level(&self) -> char {
        self.at(7)
    }

    /// Leader/09: `a` when the record is UCS/Unicode, blank for MARC-8.
    pub fn character_coding(&self) -> char {
        self.at(9)
    }

    /// The leader bytes with the record length and base address filled in.
    pub(crate) fn bytes_with_lengths(&self, record_length: usize, base_address: usize) -> [u8; 24] {
        let mut out = self.0;
        let mut put = |at: usize, mut n: usize| {
            for i in (at..at + 5).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, record_length);
        put(12, base_address);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Control {
        tag: Tag,
        value: Text,
    },
    Data {
        tag: Tag,
        indicators: [Indicator; 2],
        subfields: Subfields,
    },
}

impl Field {
    pub fn tag(&self) -> Tag {
        match self {
            Field::Control { tag, .. } | Field::Data { tag, .. } => *tag,
        }
    }

    /// The first value of a subfield code in a data field.
    pub fn subfield(&self, code: char) -> Option<&str> {
        self.subfields(code).next()
    }

    /// Every value of a subfield code in a data field, in order.
    pub fn subfields(&self, code: char) -> impl Iterator<Item = &str> {
        let subfields: &[Subfield] = match self {
            Field::Data { subfields, .. } => subfields,
            Field::Control { .. } => &[],
        };
        subfields
            .iter()
            .filter(move |s| s.code.as_char() == code)
            .map(|s| s.value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub leader: Leader,
    pub fields: Vec<Field>,
}

impl Record {
    pub fn new(leader: Leader) -> Self {
        Record {
            leader,
            fields: Vec::new(),
        }
    }

    /// Appends a control field (`001`–`009`).
    pub fn control(mut self, tag: &str, value: impl Into<Text>) -> Result<Self, MarcError> {
        self.fields.push(Field::Control {
            tag: Tag::new(tag)?,
            value: value.into(),
        });
        Ok(self)
    }

    /// Appends a data field; `subfields` are `(code, value)` pairs in order.
    pub fn data(
        mut self,
        tag: &str,
        indicators: [char; 2],
        subfields: &[(char, &str)],
    ) -> Result<Self, MarcError> {
        let subfields = subfields
            .iter()
            .map(|(code, value)| {
                Ok(Subfield {
                    code: SubfieldCode::new(*code)?,
                    value: Text::from(*value),
                })
            })
            .collect::<Result<Subfields, MarcError>>()?;
        self.fields.push(Field::Data {
            tag: Tag::new(tag)?,
            indicators: [
                Indicator::new(indicators[0])?,
                Indicator::new(indicators[1])?,
            ],
            subfields,
        });
        Ok(self)
    }

    /// All fields with a tag, in record order.
    pub fn fields_with_tag(&self, tag: &str) -> impl Iterator<Item = &Field> + '_ {
        // An invalid tag matches nothing rather than failing: asking is not an error.
        let wanted = Tag::new(tag).ok();
        self.fields.iter().filter(move |f| Some(f.tag()) == wanted)
    }

    /// The value of the first control field with a tag.
    pub fn control_value(&self, tag: &str) -> Option<&str> {
        self.fields.iter().find_map(|f| match f {
            Field::Control { tag: t, value } if t.as_str() == tag => Some(value.as_str()),
            _ => None,
        })
    }

    /// The record control number from 001.
    pub fn control_number(&self) -> Option<&str> {
        self.control_value("001")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_stays_small_enough_to_move_without_memcpy() {
        assert!(
            std::mem::size_of::<Field>() <= 128,
            "{}",
            std::mem::size_of::<Field>()
        );
        assert_eq!(std::mem::size_of::<Subfield>(), 32);
    }

    #[test]
    fn values_and_subfields_edit_like_strings_and_vectors() {
        let mut record = Record::new(Leader::new('n', 'a', 'm'))
            .data(
                "245",
                ['1', '0'],
                &[('a', "Truyện Kiều /"), ('c', "Nguyễn Du.")],
            )
            .expect("valid field");
        let Field::Data { subfields, .. } = &mut record.fields[0] else {
            panic!("a data field");
        };
        let code = SubfieldCode::new('b').expect("valid code");
        subfields.insert(
            1,
            Subfield::new(code, "a long subtitle that does not fit inline :"),
        );
        subfields.swap(0, 2);
        subfields[0].value.push_str(" (trans.)");
        subfields.remove(1);
        let values: Vec<&str> = record.fields[0].subfields('c').collect();
        assert_eq!(values, ["Nguyễn Du. (trans.)"]);
        assert_eq!(record.fields[0].subfield('a'), Some("Truyện Kiều /"));
        assert_eq!(record.leader.as_str(), "00000nam a2200000 i 4500");
    }
}
