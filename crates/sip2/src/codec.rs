//! SIP2 on the wire: a message's bytes in the configured character set, the sequence number
//! (AY) and checksum (AZ), and the CR that ends it. Owns framing and checksums; never decides
//! what a message means.
//!
//! The checksum is the two's complement of the 16-bit sum of the bytes, from the first byte
//! through the `AZ`, written as four upper-case hex digits. It is computed over the bytes
//! actually sent in the configured character set, so a Vietnamese name in UTF-8 gets the
//! checksum of its UTF-8 bytes: what other systems get wrong when they sum characters.

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1258};
use unicode_normalization::UnicodeNormalization;

use crate::message::Message;

/// The longest message accepted, terminator included: requests are short; a peer that sends
/// more without a CR is not speaking SIP2.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024;

/// The character set of messages on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Charset {
    /// Vietnamese and every other script survive.
    #[default]
    Utf8,
    /// Windows-1258, the legacy Vietnamese code page: tone marks as combining characters.
    Cp1258,
    /// ISO 8859-1 (read as Windows-1252, as the WHATWG says): Vietnamese letters outside it
    /// are sent as their base letter.
    Latin1,
}

impl Charset {
    pub fn parse(s: &str) -> Option<Charset> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Charset::Utf8),
            "cp1258" | "windows-1258" => Some(Charset::Cp1258),
            "latin1" | "latin-1" | "iso-8859-1" | "cp1252" | "windows-1252" => {
                Some(Charset::Latin1)
            }
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "utf-8",
            Charset::Cp1258 => "cp1258",
            Charset::Latin1 => "latin1",
        }
    }

    fn encoding(self) -> Option<&'static Encoding> {
        match self {
            Charset::Utf8 => None,
            Charset::Cp1258 => Some(WINDOWS_1258),
            Charset::Latin1 => Some(WINDOWS_1252),
        }
    }

    /// Text to bytes. In a single-byte set, a letter the set lacks is sent as its base letter
    /// with the marks the set has (Windows-1258 has `ê` and the combining tilde, so `ễ` goes as
    /// both), else as its base letter, else `?`.
    pub fn encode(self, text: &str) -> Vec<u8> {
        let Some(encoding) = self.encoding() else {
            return text.nfc().collect::<String>().into_bytes();
        };
        let mut out = Vec::with_capacity(text.len());
        for c in text.nfc() {
            if let Some(bytes) = single(encoding, c) {
                out.extend(bytes);
                continue;
            }
            let parts: Vec<char> = c.to_string().nfd().collect();
            let mut base = parts.first().copied().unwrap_or('?');
            let mut marks = Vec::new();
            for &mark in parts.iter().skip(1) {
                match unicode_normalization::char::compose(base, mark) {
                    Some(composed) if single(encoding, composed).is_some() => base = composed,
                    _ => marks.push(mark),
                }
            }
            out.extend(single(encoding, base).unwrap_or_else(|| vec![b'?']));
            for mark in marks {
                // A mark the set lacks is dropped: the base letter still reads.
                if let Some(bytes) = single(encoding, mark) {
                    out.extend(bytes);
                }
            }
        }
        out
    }

    /// Bytes to NFC text (a legacy set's combining marks are composed again).
    pub fn decode(self, bytes: &[u8]) -> Result<String, CodecError> {
        match self.encoding() {
            None => std::str::from_utf8(bytes)
                .map(|s| s.nfc().collect())
                .map_err(|_| CodecError::Encoding {
                    charset: self.name(),
                }),
            Some(encoding) => {
                let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
                if had_errors {
                    return Err(CodecError::Encoding {
                        charset: self.name(),
                    });
                }
                Ok(text.nfc().collect())
            }
        }
    }
}

/// The bytes of one character in a single-byte set, if it has it.
fn single(encoding: &'static Encoding, c: char) -> Option<Vec<u8>> {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding.encode(c.encode_utf8(&mut buf));
    (!unmappable).then(|| bytes.into_owned())
}

/// What went wrong with a message as received.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("the message is empty")]
    Empty,
    #[error("a message of more than {max} bytes without a terminator; SIP2 messages end with CR")]
    TooLong { max: usize },
    #[error("{start:?} does not start with a two-digit SIP2 message type")]
    NotAMessage { start: String },
    #[error(
        "message type {code} is not one this server answers (see the supported messages, BX, of the status 98)"
    )]
    UnknownType { code: String },
    #[error(
        "message type {code}: fixed field {field} needs {length} characters and the message ends before"
    )]
    FixedFieldsShort {
        code: String,
        field: usize,
        length: usize,
    },
    #[error("{field:?} is not a variable field (two-character code, value, `|`)")]
    BadField { field: String },
    #[error(
        "the checksum is {found}, the bytes sum to {expected}; the message was damaged on the way"
    )]
    BadChecksum { expected: String, found: String },
    #[error("the checksum {found:?} is not four hex digits")]
    ChecksumMalformed { found: String },
    #[error("the bytes are not valid {charset}")]
    Encoding { charset: &'static str },
}

impl CodecError {
    /// Errors a resend could cure (the line damaged the message): answered with 96. The others
    /// would come back the same.
    pub fn asks_resend(&self) -> bool {
        matches!(
            self,
            CodecError::BadChecksum { .. }
                | CodecError::ChecksumMalformed { .. }
                | CodecError::Encoding { .. }
                | CodecError::FixedFieldsShort { .. }
                | CodecError::BadField { .. }
        )
    }
}

/// The checksum of `bytes` (which end with `AZ`).
pub fn checksum(bytes: &[u8]) -> String {
    let sum = bytes
        .iter()
        .fold(0u16, |acc, b| acc.wrapping_add(u16::from(*b)));
    format!("{:04X}", sum.wrapping_neg())
}

/// A message received: the message, and its sequence number when the machine uses error
/// detection (then the answer carries the same number and a checksum).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub message: Message,
    pub sequence: Option<u8>,
    /// The machine sent a checksum (and so expects one back).
    pub checksummed: bool,
}

/// Reads one message's bytes (terminator already removed): checks and strips AY/AZ, decodes,
/// parses.
pub fn decode(bytes: &[u8], charset: Charset) -> Result<Frame, CodecError> {
    let bytes = trim_terminators(bytes);
    if bytes.is_empty() {
        return Err(CodecError::Empty);
    }
    let mut body = bytes;
    let mut checksummed = false;
    let mut sequence = None;
    if let Some(digits) = checksum_digits(bytes) {
        let at = bytes.len() - digits;
        let found = &bytes[at..];
        let found_text = String::from_utf8_lossy(found).to_string();
        if !found.iter().all(u8::is_ascii_hexdigit) {
            return Err(CodecError::ChecksumMalformed { found: found_text });
        }
        let expected = checksum(&bytes[..at]);
        // Compared as numbers: a client that writes the sum without leading zeros (`%X`, as
        // the `sip2` client on PyPI does) sends "ABC" for 0ABC.
        if u16::from_str_radix(&found_text, 16).ok() != u16::from_str_radix(&expected, 16).ok() {
            return Err(CodecError::BadChecksum {
                expected,
                found: found_text,
            });
        }
        checksummed = true;
        body = &bytes[..at - 2];
    } else if let Some(found) = damaged_checksum(bytes) {
        // `AY<n>AZ` with no (or no readable) checksum after it: the trailer was cut or
        // garbled on the way, so the message cannot be trusted to be whole. Acting on it
        // would also be answered without a checksum the machine then rejects.
        return Err(CodecError::ChecksumMalformed {
            found: String::from_utf8_lossy(found).to_string(),
        });
    }
    if body.len() >= 3 && &body[body.len() - 3..body.len() - 1] == b"AY" {
        let digit = body[body.len() - 1];
        if digit.is_ascii_digit() {
            sequence = Some(digit - b'0');
            body = &body[..body.len() - 3];
        }
    }
    let text = charset.decode(body)?;
    Ok(Frame {
        message: Message::parse(&text)?,
        sequence,
        checksummed,
    })
}

/// How many checksum characters end the message after its `AZ`: four, as SIP2 says; or one
/// to three hex digits (the sum written without its leading zeros) when `AY<digit>AZ` comes
/// right before them, so the short form cannot be mistaken for a field's value.
pub(crate) fn checksum_digits(bytes: &[u8]) -> Option<usize> {
    let n = bytes.len();
    if n >= 6 && &bytes[n - 6..n - 4] == b"AZ" {
        return Some(4);
    }
    (1..=3).find(|&digits| {
        n >= digits + 5
            && bytes[n - digits..].iter().all(u8::is_ascii_hexdigit)
            && &bytes[n - digits - 2..n - digits] == b"AZ"
            && &bytes[n - digits - 5..n - digits - 3] == b"AY"
            && bytes[n - digits - 3].is_ascii_digit()
    })
}

/// What follows a trailing `AY<digit>AZ` that is not a checksum (nothing, or up to four
/// characters that are not one), when the message ends that way.
fn damaged_checksum(bytes: &[u8]) -> Option<&[u8]> {
    let n = bytes.len();
    (0..=4).find_map(|after| {
        let az = n.checked_sub(after + 2)?;
        let ay = az.checked_sub(3)?;
        let trailer = &bytes[az + 2..];
        (&bytes[az..az + 2] == b"AZ"
            && &bytes[ay..ay + 2] == b"AY"
            && bytes[ay + 2].is_ascii_digit()
            && !trailer.contains(&b'|'))
        .then_some(trailer)
    })
}

/// A message's bytes to send: the text in `charset`, then `AY<n>AZ<checksum>` when the
/// machine uses error detection, then CR.
pub fn encode(message: &Message, charset: Charset, error_detection: Option<u8>) -> Vec<u8> {
    let mut bytes = charset.encode(&message.to_text());
    if let Some(seq) = error_detection {
        bytes.extend_from_slice(format!("AY{}AZ", seq % 10).as_bytes());
        let sum = checksum(&bytes);
        bytes.extend_from_slice(sum.as_bytes());
    }
    bytes.push(b'\r');
    bytes
}

/// The 96 "please resend" answer: no sequence number, a checksum when the machine uses them.
pub fn encode_resend_request(checksummed: bool) -> Vec<u8> {
    let mut bytes = b"96".to_vec();
    if checksummed {
        bytes.extend_from_slice(b"AZ");
        let sum = checksum(&bytes);
        bytes.extend_from_slice(sum.as_bytes());
    }
    bytes.push(b'\r');
    bytes
}

fn trim_terminators(mut bytes: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b'\n'] = bytes {
        bytes = rest;
    }
    while let [b'\r' | b'\n', rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

/// Splits a byte stream into messages at CR (a CRLF or a lone LF ends one too).
#[derive(Debug, Default)]
pub struct FrameBuffer {
    buf: Vec<u8>,
}

impl FrameBuffer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete message's bytes (without terminator), `Ok(None)` when more must be
    /// read, or `TooLong` once the buffer holds more than a message can be.
    pub fn next_message(&mut self) -> Result<Option<Vec<u8>>, CodecError> {
        loop {
            let Some(end) = self.buf.iter().position(|b| *b == b'\r' || *b == b'\n') else {
                if self.buf.len() > MAX_MESSAGE_BYTES {
                    return Err(CodecError::TooLong {
                        max: MAX_MESSAGE_BYTES,
                    });
                }
                return Ok(None);
            };
            let message: Vec<u8> = self.buf.drain(..=end).collect();
            let message = trim_terminators(&message).to_vec();
            // The LF of a CRLF (or an empty line) is not a message.
            if !message.is_empty() {
                if message.len() > MAX_MESSAGE_BYTES {
                    return Err(CodecError::TooLong {
                        max: MAX_MESSAGE_BYTES,
                    });
                }
                return Ok(Some(message));
            }
        }
    }

    /// Whether part of a message waits for its terminator.
    pub fn has_partial(&self) -> bool {
        !self.buf.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Kind;

    #[test]
    fn the_spec_checksum_example() {
        // SIP2 2.00, "Error detection": the SC status example.
        assert_eq!(checksum(b"9900302.00AY1AZ"), "FCA5");
        let frame = decode(b"9900302.00AY1AZFCA5", Charset::Utf8).expect("decodes");
        assert_eq!(frame.sequence, Some(1));
        assert!(frame.checksummed);
        assert_eq!(frame.message.kind, Kind::ScStatus);
        assert_eq!(frame.message.fixed, vec!["0", "030", "2.00"]);
        let again = encode(&frame.message, Charset::Utf8, Some(1));
        assert_eq!(again, b"9900302.00AY1AZFCA5\r");
    }

    #[test]
    fn a_checksum_error_is_typed_and_asks_for_a_resend() {
        let err = decode(b"9900302.00AY1AZFCA6", Charset::Utf8).unwrap_err();
        assert_eq!(
            err,
            CodecError::BadChecksum {
                expected: "FCA5".into(),
                found: "FCA6".into()
            }
        );
        assert!(err.asks_resend());
        assert!(matches!(
            decode(b"9900302.00AY1AZFCXZ", Charset::Utf8),
            Err(CodecError::ChecksumMalformed { .. })
        ));
        assert_eq!(encode_resend_request(true), b"96AZFEF6\r");
        assert_eq!(encode_resend_request(false), b"96\r");
    }

    #[test]
    fn vietnamese_names_are_summed_over_their_utf8_bytes() {
        let msg = Message::new(
            Kind::PatronStatusResponse,
            &["", "008", "20260301    100000"],
        )
        .field("AA", "200000000001")
        .field("AE", "Nguyễn Thị Ánh Tuyết");
        let bytes = encode(&msg, Charset::Utf8, Some(3));
        let text = std::str::from_utf8(&bytes).expect("utf-8");
        assert!(text.contains("Nguyễn Thị Ánh Tuyết"));
        let az = bytes.len() - 5;
        let byte_sum = bytes[..az].iter().fold(0u32, |a, b| a + u32::from(*b));
        let expected = format!("{:04X}", (0x10000 - (byte_sum & 0xFFFF)) & 0xFFFF);
        assert_eq!(&text[az..az + 4], expected);
        // A character-wise sum would differ: the name has multi-byte letters.
        let char_sum: u32 = text[..az].chars().map(u32::from).sum();
        assert_ne!(char_sum & 0xFFFF, byte_sum & 0xFFFF);
        let back = decode(&bytes[..bytes.len() - 1], Charset::Utf8).expect("decodes");
        assert_eq!(back.message, msg);
        assert_eq!(back.sequence, Some(3));
    }

    #[test]
    fn cp1258_sends_tone_marks_as_combining_and_reads_them_back_composed() {
        let name = "Nguyễn Văn Đức";
        let bytes = Charset::Cp1258.encode(name);
        assert!(bytes.iter().all(|b| *b != b'?'), "{bytes:?}");
        // ễ = ê (0xEA) + combining tilde (0xDE); ă is 0xE3 in Windows-1258.
        assert!(bytes.windows(2).any(|w| w == [0xEA, 0xDE]));
        assert_eq!(Charset::Cp1258.decode(&bytes).expect("decodes"), name);
        let msg = Message::new(
            Kind::PatronStatusResponse,
            &["", "008", "20260301    100000"],
        )
        .field("AE", name);
        let wire = encode(&msg, Charset::Cp1258, Some(0));
        let back = decode(&wire[..wire.len() - 1], Charset::Cp1258).expect("decodes");
        assert_eq!(back.message.get("AE"), Some(name));
    }

    #[test]
    fn latin1_keeps_what_it_has_and_sends_base_letters_for_the_rest() {
        let bytes = Charset::Latin1.encode("Ánh Tuyết");
        assert_eq!(
            Charset::Latin1.decode(&bytes).expect("decodes"),
            "Ánh Tuyêt"
        );
        assert_eq!(Charset::parse("CP1258"), Some(Charset::Cp1258));
        assert_eq!(Charset::parse("ebcdic"), None);
    }

    #[test]
    fn invalid_utf8_is_an_encoding_error() {
        assert_eq!(
            decode(b"9300CN\xff|", Charset::Utf8).unwrap_err(),
            CodecError::Encoding { charset: "utf-8" }
        );
    }

    #[test]
    fn frames_end_at_cr_crlf_or_lf_and_overlong_input_is_refused() {
        let mut buf = FrameBuffer::default();
        buf.push(b"9900302.00\r\n9300CNa|COb|\n23");
        assert_eq!(buf.next_message().unwrap(), Some(b"9900302.00".to_vec()));
        assert_eq!(buf.next_message().unwrap(), Some(b"9300CNa|COb|".to_vec()));
        assert_eq!(buf.next_message().unwrap(), None);
        assert!(buf.has_partial());
        buf.push(&vec![b'x'; MAX_MESSAGE_BYTES + 1]);
        assert!(matches!(
            buf.next_message(),
            Err(CodecError::TooLong { .. })
        ));
    }

    #[test]
    fn a_message_without_error_detection_is_answered_without() {
        let frame = decode(b"9300CNkiosk|COpw|CPHK|", Charset::Utf8).expect("decodes");
        assert_eq!((frame.sequence, frame.checksummed), (None, false));
        assert_eq!(frame.message.get("CP"), Some("HK"));
        let bytes = encode(
            &Message::new(Kind::LoginResponse, &["1"]),
            Charset::Utf8,
            None,
        );
        assert_eq!(bytes, b"941\r");
    }

    #[test]
    fn a_checksum_written_without_leading_zeros_is_read_after_ay_only() {
        // A request whose checksum has a leading zero (its bytes sum to just under 2^16).
        let (body, sum) = (0..1000usize)
            .map(|n| format!("9300CNkiosk{}|COpw|AY4AZ", "z".repeat(n)))
            .map(|b| {
                let sum = checksum(b.as_bytes());
                (b, sum)
            })
            .find(|(_, sum)| sum.starts_with('0'))
            .expect("some length sums to just under 2^16");
        let short = sum.trim_start_matches('0');
        let frame = decode(format!("{body}{short}").as_bytes(), Charset::Utf8)
            .expect("the short form is the same number");
        assert_eq!((frame.sequence, frame.checksummed), (Some(4), true));
        assert_eq!(frame.message.get("CO"), Some("pw"));
        // Wrong, short or not, is still wrong.
        let wrong = format!("{body}{}", &"FFF"[..short.len()]);
        assert!(matches!(
            decode(wrong.as_bytes(), Charset::Utf8),
            Err(CodecError::BadChecksum { .. })
        ));
        // AY and AZ with the checksum cut off, or garbled: damaged, never acted on.
        for cut in [
            &b"11NN20260301    10000020260301    100000AOHK|AA1|AB2|AY3AZ"[..],
            b"9900302.00AY3AZ",
            b"9900302.00AY3AZXY",
            b"9900302.00AY3AZ12G4",
        ] {
            assert!(
                matches!(
                    decode(cut, Charset::Utf8),
                    Err(CodecError::ChecksumMalformed { .. })
                ),
                "{}",
                String::from_utf8_lossy(cut)
            );
        }
        // Without AY before it, "AZ1" is a field's value, not a checksum.
        let plain = decode(b"9300CNkiosk|COpw|CPAZ1|", Charset::Utf8).expect("decodes");
        assert!(!plain.checksummed);
        assert_eq!(plain.message.get("CP"), Some("AZ1"));
    }
}
