//! SIP2 messages as plain data: a type (two digits), fixed fields by position, then variable
//! fields `XXvalue|`. Owns the table of fixed-field lengths; never touches bytes or sockets
//! (that is `codec`) nor the catalog (that is `session`).
//!
//! Hand-written: the one SIP2 crate on crates.io (`sip2`, Evergreen's) is a client library;
//! its parser slices strings by byte index (a panic on a multi-byte character in the wrong
//! place), knows neither checksums nor a character set other than UTF-8, and is made for the
//! other end of the line. It is used here as the independent client in the conformance tests.

/// A message type this server reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    PatronStatusRequest,
    PatronStatusResponse,
    Checkout,
    CheckoutResponse,
    Checkin,
    CheckinResponse,
    ScStatus,
    AcsStatus,
    RequestAcsResend,
    RequestScResend,
    Login,
    LoginResponse,
    PatronInformation,
    PatronInformationResponse,
    EndPatronSession,
    EndSessionResponse,
    FeePaid,
    FeePaidResponse,
    ItemInformation,
    ItemInformationResponse,
    Renew,
    RenewResponse,
}

impl Kind {
    pub const ALL: [Kind; 22] = [
        Kind::PatronStatusRequest,
        Kind::PatronStatusResponse,
        Kind::Checkout,
        Kind::CheckoutResponse,
        Kind::Checkin,
        Kind::CheckinResponse,
        Kind::ScStatus,
        Kind::AcsStatus,
        Kind::RequestAcsResend,
        Kind::RequestScResend,
        Kind::Login,
        Kind::LoginResponse,
        Kind::PatronInformation,
        Kind::PatronInformationResponse,
        Kind::EndPatronSession,
        Kind::EndSessionResponse,
        Kind::FeePaid,
        Kind::FeePaidResponse,
        Kind::ItemInformation,
        Kind::ItemInformationResponse,
        Kind::Renew,
        Kind::RenewResponse,
    ];

    /// The two digits that open the message.
    pub fn code(self) -> &'static str {
        match self {
            Kind::PatronStatusRequest => "23",
            Kind::PatronStatusResponse => "24",
            Kind::Checkout => "11",
            Kind::CheckoutResponse => "12",
            Kind::Checkin => "09",
            Kind::CheckinResponse => "10",
            Kind::ScStatus => "99",
            Kind::AcsStatus => "98",
            Kind::RequestAcsResend => "97",
            Kind::RequestScResend => "96",
            Kind::Login => "93",
            Kind::LoginResponse => "94",
            Kind::PatronInformation => "63",
            Kind::PatronInformationResponse => "64",
            Kind::EndPatronSession => "35",
            Kind::EndSessionResponse => "36",
            Kind::FeePaid => "37",
            Kind::FeePaidResponse => "38",
            Kind::ItemInformation => "17",
            Kind::ItemInformationResponse => "18",
            Kind::Renew => "29",
            Kind::RenewResponse => "30",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The lengths of the fixed fields, in order (SIP2 2.00). Dates are 18 characters:
    /// `YYYYMMDDZZZZHHMMSS`.
    pub fn fixed_lengths(self) -> &'static [usize] {
        match self {
            Kind::PatronStatusRequest => &[3, 18],
            Kind::PatronStatusResponse => &[14, 3, 18],
            Kind::Checkout => &[1, 1, 18, 18],
            Kind::CheckoutResponse => &[1, 1, 1, 1, 18],
            Kind::Checkin => &[1, 18, 18],
            Kind::CheckinResponse => &[1, 1, 1, 1, 18],
            Kind::ScStatus => &[1, 3, 4],
            Kind::AcsStatus => &[1, 1, 1, 1, 1, 1, 3, 3, 18, 4],
            Kind::RequestAcsResend | Kind::RequestScResend => &[],
            Kind::Login => &[1, 1],
            Kind::LoginResponse => &[1],
            Kind::PatronInformation => &[3, 18, 10],
            Kind::PatronInformationResponse => &[14, 3, 18, 4, 4, 4, 4, 4, 4],
            Kind::EndPatronSession => &[18],
            Kind::EndSessionResponse => &[1, 18],
            Kind::FeePaid => &[18, 2, 2, 3],
            Kind::FeePaidResponse => &[1, 18],
            Kind::ItemInformation => &[18],
            Kind::ItemInformationResponse => &[2, 2, 2, 18],
            Kind::Renew => &[1, 1, 18, 18],
            Kind::RenewResponse => &[1, 1, 1, 1, 18],
        }
    }

    /// The response a request is answered with.
    pub fn response(self) -> Option<Kind> {
        Some(match self {
            Kind::PatronStatusRequest => Kind::PatronStatusResponse,
            Kind::Checkout => Kind::CheckoutResponse,
            Kind::Checkin => Kind::CheckinResponse,
            Kind::ScStatus => Kind::AcsStatus,
            Kind::Login => Kind::LoginResponse,
            Kind::PatronInformation => Kind::PatronInformationResponse,
            Kind::EndPatronSession => Kind::EndSessionResponse,
            Kind::FeePaid => Kind::FeePaidResponse,
            Kind::ItemInformation => Kind::ItemInformationResponse,
            Kind::Renew => Kind::RenewResponse,
            _ => return None,
        })
    }
}

/// One variable field: a two-character code and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub code: String,
    pub value: String,
}

/// A message: its type, its fixed fields (each exactly its length) and its variable fields in
/// the order they came or are to be sent. The sequence number and checksum are the codec's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: Kind,
    pub fixed: Vec<String>,
    pub fields: Vec<Field>,
}

/// Fields whose values are secrets: masked wherever a message is logged.
const SECRET_FIELDS: [&str; 3] = ["AD", "CO", "AC"];

impl Message {
    /// A message with its fixed fields. A value shorter than its field is padded with spaces
    /// and a longer one cut, so what is sent always has the length the spec gives.
    pub fn new(kind: Kind, fixed: &[&str]) -> Message {
        let fixed = kind
            .fixed_lengths()
            .iter()
            .enumerate()
            .map(|(i, len)| {
                let value = fixed.get(i).copied().unwrap_or("");
                let mut v: String = value.chars().take(*len).collect();
                while v.chars().count() < *len {
                    v.push(' ');
                }
                v
            })
            .collect();
        Message {
            kind,
            fixed,
            fields: Vec::new(),
        }
    }

    /// Adds a variable field. `|` (the field end) and control characters (a CR would end the
    /// message) cannot travel inside a value and are replaced.
    pub fn field(mut self, code: &str, value: impl AsRef<str>) -> Message {
        let clean: String = value
            .as_ref()
            .chars()
            .map(|c| {
                if c == '|' {
                    '/'
                } else if c.is_control() {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        self.fields.push(Field {
            code: code.to_string(),
            value: clean,
        });
        self
    }

    /// Adds a variable field when there is a value.
    pub fn field_opt(self, code: &str, value: Option<impl AsRef<str>>) -> Message {
        match value {
            Some(v) => self.field(code, v),
            None => self,
        }
    }

    /// The first value of a variable field.
    pub fn get(&self, code: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.code == code)
            .map(|f| f.value.as_str())
    }

    /// Every value of a (repeatable) variable field.
    pub fn all(&self, code: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |f| f.code == code)
            .map(|f| f.value.as_str())
    }

    /// A fixed field by position ("" when out of range).
    pub fn fixed(&self, i: usize) -> &str {
        self.fixed.get(i).map(String::as_str).unwrap_or("")
    }

    /// The message text without sequence number, checksum or terminator.
    pub fn to_text(&self) -> String {
        let mut s = String::from(self.kind.code());
        for f in &self.fixed {
            s.push_str(f);
        }
        for f in &self.fields {
            s.push_str(&f.code);
            s.push_str(&f.value);
            s.push('|');
        }
        s
    }

    /// The text with passwords and PINs masked, for logs.
    pub fn to_log_text(&self) -> String {
        let mut masked = self.clone();
        for f in &mut masked.fields {
            if SECRET_FIELDS.contains(&f.code.as_str()) {
                f.value = "****".into();
            }
        }
        masked.to_text()
    }

    /// Parses a message text already stripped of AY/AZ and terminator.
    pub fn parse(text: &str) -> Result<Message, crate::CodecError> {
        let code: String = text.chars().take(2).collect();
        if code.len() < 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(crate::CodecError::NotAMessage {
                start: text.chars().take(10).collect(),
            });
        }
        let kind =
            Kind::from_code(&code).ok_or(crate::CodecError::UnknownType { code: code.clone() })?;
        let mut rest = &text[2..];
        let mut fixed = Vec::new();
        for (i, len) in kind.fixed_lengths().iter().enumerate() {
            // Fixed fields are ASCII by the spec; counted in characters so a stray multi-byte
            // character is an error rather than a cut through it.
            let taken: String = rest.chars().take(*len).collect();
            if taken.chars().count() < *len {
                return Err(crate::CodecError::FixedFieldsShort {
                    code,
                    field: i + 1,
                    length: *len,
                });
            }
            rest = &rest[taken.len()..];
            fixed.push(taken);
        }
        let mut fields = Vec::new();
        for part in rest.split('|') {
            if part.is_empty() {
                continue;
            }
            let code: String = part.chars().take(2).collect();
            if code.chars().count() < 2 {
                return Err(crate::CodecError::BadField {
                    field: part.to_string(),
                });
            }
            fields.push(Field {
                value: part[code.len()..].to_string(),
                code,
            });
        }
        Ok(Message {
            kind,
            fixed,
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_unique_code_that_reads_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(Kind::from_code("01"), None);
    }

    #[test]
    fn every_kind_round_trips_through_text() {
        for kind in Kind::ALL {
            let fixed: Vec<String> = kind
                .fixed_lengths()
                .iter()
                .map(|len| "Y".repeat(*len))
                .collect();
            let refs: Vec<&str> = fixed.iter().map(String::as_str).collect();
            let msg = Message::new(kind, &refs)
                .field("AO", "Thư viện Hà Nội")
                .field("AA", "200000000001")
                .field("AF", "Mượn thành công");
            let text = msg.to_text();
            assert_eq!(Message::parse(&text).expect("parses"), msg, "{text}");
        }
    }

    #[test]
    fn values_cannot_break_the_framing_and_secrets_are_masked_in_logs() {
        let msg = Message::new(Kind::Login, &["0", "0"])
            .field("CN", "kiosk|1")
            .field("CO", "secret\rpw");
        assert_eq!(msg.to_text(), "9300CNkiosk/1|COsecret pw|");
        assert_eq!(msg.to_log_text(), "9300CNkiosk/1|CO****|");
    }

    #[test]
    fn short_fixed_fields_and_unknown_types_are_typed_errors() {
        assert!(matches!(
            Message::parse("1119980723"),
            Err(crate::CodecError::FixedFieldsShort { field: 3, .. })
        ));
        assert!(matches!(
            Message::parse("01N19980723    101010AOx|"),
            Err(crate::CodecError::UnknownType { .. })
        ));
        assert!(matches!(
            Message::parse("Xy"),
            Err(crate::CodecError::NotAMessage { .. })
        ));
        assert!(matches!(
            Message::parse("2300119980723    101010é"),
            Err(crate::CodecError::BadField { .. })
        ));
    }
}
