//! The one error a subcommand raises for a usage problem clap cannot see (a MARC format that
//! cannot be told from a name or content, a holdings mapping of the wrong shape): `main` turns
//! it into exit code 2, like clap's own usage errors.

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(String);

impl UsageError {
    pub fn new(message: String) -> Self {
        UsageError(message)
    }
}
