//! PLACEHOLDER: replaced by the MARC-8 converter.

/// Why a MARC-8 byte sequence could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("MARC-8 byte {position}: {message}")]
pub struct Marc8Error {
    /// Byte position inside the converted text.
    pub position: usize,
    pub message: String,
}

/// Converts MARC-8 bytes to a UTF-8 string in NFC.
pub fn decode(bytes: &[u8]) -> Result<String, Marc8Error> {
    match bytes.iter().position(|b| !b.is_ascii()) {
        None => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Some(position) => Err(Marc8Error {
            position,
            message: "not built yet".into(),
        }),
    }
}
